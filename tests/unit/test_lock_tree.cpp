#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "commands/live/lock_tree.hpp"

using namespace pgdba;

namespace {

// "pid@depth" for each row, in print order.
std::vector<std::string> shape(const std::vector<LockTreeRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows)
    out.push_back(std::to_string(r.pid) + "@" + std::to_string(r.depth));
  return out;
}

const LockTreeRow& find(const std::vector<LockTreeRow>& rows, int pid) {
  for (const auto& r : rows) {
    if (r.pid == pid) return r;
  }
  FAIL("pid " << pid << " is not in the tree");
  return rows.front();
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("lock tree: nothing blocked, nothing shown", "[lock_tree]") {
  CHECK(build_lock_tree({}).empty());
  CHECK(build_lock_tree({{10, {}}, {11, {}}}).empty());
}

TEST_CASE("lock tree: a chain of three and an independent pair", "[lock_tree]") {
  // 100 holds a lock 200 waits for; 300 waits for a row 200 holds; 500 waits for 400.
  const auto rows = build_lock_tree({{300, {200}}, {200, {100}}, {500, {400}}});
  CHECK(shape(rows) == V{"100@0", "200@1", "300@2", "400@0", "500@1"});
  CHECK(find(rows, 100).root_blocker);
  CHECK(find(rows, 400).root_blocker);
  CHECK_FALSE(find(rows, 200).root_blocker);
  CHECK(find(rows, 100).blocks == 2);
  CHECK(find(rows, 200).blocks == 1);
  CHECK(find(rows, 300).blocks == 0);
  CHECK(find(rows, 300).parent == 200);
  CHECK_FALSE(find(rows, 100).parent.has_value());
  CHECK(find(rows, 300).blocked_by == std::vector<int>{200});
  for (const auto& r : rows)
    CHECK_FALSE(r.cycle);
}

TEST_CASE("lock tree: a lock queue reads as a chain", "[lock_tree]") {
  // 1 holds the table; 2, 3, 4 queue for conflicting modes: each later
  // waiter is blocked by the holder and by every waiter ahead of it.
  const auto rows = build_lock_tree({{2, {1}}, {3, {1, 2}}, {4, {1, 2, 3}}});
  CHECK(shape(rows) == V{"1@0", "2@1", "3@2", "4@3"});
  CHECK(find(rows, 4).blocked_by == std::vector<int>{1, 2, 3});
  CHECK(find(rows, 4).parent == 3);
  CHECK(find(rows, 1).blocks == 3);
  CHECK(find(rows, 1).root_blocker);
  CHECK_FALSE(find(rows, 2).root_blocker);
}

TEST_CASE("lock tree: a session blocked by two roots appears once, both listed", "[lock_tree]") {
  const auto rows = build_lock_tree({{30, {20, 10}}, {40, {20}}});
  CHECK(shape(rows) == V{"10@0", "30@1", "20@0", "40@1"});
  CHECK(find(rows, 30).blocked_by == std::vector<int>{10, 20});
  CHECK(find(rows, 30).parent == 10);  // tie on depth: the smallest pid
  CHECK(find(rows, 10).root_blocker);
  CHECK(find(rows, 20).root_blocker);
  CHECK(find(rows, 20).blocks == 2);
}

TEST_CASE("lock tree: repeated pids, self and pid 0 (a prepared transaction)", "[lock_tree]") {
  const auto rows = build_lock_tree({{7, {0, 0, 7}}, {8, {7, 7}}});
  CHECK(shape(rows) == V{"0@0", "7@1", "8@2"});
  CHECK(find(rows, 7).blocked_by == std::vector<int>{0});
  CHECK(find(rows, 0).root_blocker);
  // The same waiter given twice: its blockers are merged.
  const auto merged = build_lock_tree({{5, {1}}, {5, {2}}});
  CHECK(find(merged, 5).blocked_by == std::vector<int>{1, 2});
}

TEST_CASE("lock tree: cycles end, entered once", "[lock_tree]") {
  SECTION("a pure cycle") {
    const auto rows = build_lock_tree({{1, {2}}, {2, {3}}, {3, {1}}});
    CHECK(shape(rows) == V{"1@0", "3@1", "2@2"});
    CHECK(find(rows, 1).cycle);
    CHECK_FALSE(find(rows, 2).cycle);
    for (const auto& r : rows) {
      CHECK_FALSE(r.root_blocker);
      CHECK(r.blocks == 2);
    }
  }
  SECTION("a cycle below a root hangs under it") {
    const auto rows = build_lock_tree({{20, {10, 30}}, {30, {20}}, {40, {30}}});
    CHECK(shape(rows) == V{"10@0", "20@1", "30@2", "40@3"});
    CHECK(find(rows, 20).cycle);
    CHECK(find(rows, 10).root_blocker);
  }
  SECTION("a two-session deadlock beside a normal chain") {
    const auto rows = build_lock_tree({{5, {6}}, {6, {5}}, {2, {1}}});
    CHECK(shape(rows) == V{"1@0", "2@1", "5@0", "6@1"});
  }
}

TEST_CASE("lock tree: many waiters and a long chain", "[lock_tree]") {
  std::vector<BlockedSession> sessions;
  for (int pid = 2; pid <= 2000; ++pid)
    sessions.push_back({pid, {1}});
  auto rows = build_lock_tree(sessions);
  REQUIRE(rows.size() == 2000);
  CHECK(rows[0].pid == 1);
  CHECK(rows[0].blocks == 1999);
  CHECK(rows[1999].depth == 1);

  sessions.clear();
  for (int pid = 2; pid <= 5000; ++pid)
    sessions.push_back({pid, {pid - 1}});
  rows = build_lock_tree(sessions);
  REQUIRE(rows.size() == 5000);
  CHECK(rows.back().pid == 5000);
  CHECK(rows.back().depth == 4999);
}

TEST_CASE("lock tree: labels indent by depth", "[lock_tree]") {
  LockTreeRow r;
  r.pid = 42;
  CHECK(tree_label(r) == "42");
  r.depth = 1;
  CHECK(tree_label(r) == "\u2514\u2500 42");
  r.depth = 3;
  CHECK(tree_label(r) == "      \u2514\u2500 42");
}
