// locks: the lock table, and with --tree the blocking chains.
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "commands/live/live.hpp"
#include "commands/live/lock_tree.hpp"
#include "src/command.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct LocksOptions {
  bool tree = false;
};

Result list_locks(Session& s) {
  Table t = to_table(s.exec(sql_text("live/list_locks", s.server_version()), "listing locks"), "locks");
  t.set_kind("waiting", Kind::Seconds);
  t.set_max_width("query", 80);  // whole in JSON and CSV
  return {t};
}

// The session columns of the blocking query, in the order the tree shows them.
const char* const kSessionColumns[] = {"database",      "user",           "application", "state",
                                       "wait_event",    "lock_mode",      "lock_on",     "waiting",
                                       "xact_duration", "query_duration", "query"};

Rows blocking_sessions(Session& s) {
  return s.exec(sql_text("live/list_blocking", s.server_version()), "listing blocked sessions");
}

std::vector<BlockedSession> blocked_sessions(const Rows& r) {
  std::vector<BlockedSession> input;
  for (std::size_t i = 0; i < r.size(); ++i)
    input.push_back(BlockedSession{r[i]["pid"].as<int>(), parse_int_array(r[i]["blocked_by"].c_str())});
  return input;
}

Result lock_tree(Session& s) {
  const Rows r = blocking_sessions(s);
  const Table sessions = to_table(r, "blocking");
  const std::vector<BlockedSession> input = blocked_sessions(r);
  std::map<int, std::size_t> row_of;
  for (std::size_t i = 0; i < input.size(); ++i)
    row_of[input[i].pid] = i;

  std::vector<Column> cols{{"tree", Kind::Text, Kind::Text},      {"depth", Kind::Integer, Kind::Text},
                           {"pid", Kind::Integer, Kind::Text},    {"root_blocker", Kind::Boolean, Kind::Text},
                           {"blocks", Kind::Integer, Kind::Text}, {"blocked_by", Kind::Array, Kind::Integer},
                           {"cycle", Kind::Boolean, Kind::Text}};
  std::vector<std::size_t> source;  // column of `sessions` behind each session column
  for (const char* name : kSessionColumns) {
    for (std::size_t c = 0; c < sessions.columns().size(); ++c) {
      if (sessions.columns()[c].name != name) continue;
      Column col = sessions.columns()[c];
      if (col.name == "waiting" || col.name == "xact_duration" || col.name == "query_duration")
        col.kind = Kind::Seconds;
      if (col.name == "query") col.max_width = 80;
      cols.push_back(col);
      source.push_back(c);
    }
  }
  Table t("lock_tree", cols);
  for (const LockTreeRow& node : build_lock_tree(input)) {
    std::string blockers = "{";
    for (std::size_t i = 0; i < node.blocked_by.size(); ++i)
      blockers += (i == 0 ? "" : ",") + std::to_string(node.blocked_by[i]);
    blockers += "}";
    std::vector<std::optional<std::string>> cells{tree_label(node),
                                                  std::to_string(node.depth),
                                                  std::to_string(node.pid),
                                                  std::string(node.root_blocker ? "t" : "f"),
                                                  std::to_string(node.blocks),
                                                  blockers,
                                                  std::string(node.cycle ? "t" : "f")};
    const auto at = row_of.find(node.pid);
    for (std::size_t c : source) {
      // A blocker without a row of its own: pid 0 (a prepared transaction)
      // or a session that ended meanwhile.
      cells.push_back(at == row_of.end() ? std::nullopt : sessions.row(at->second)[c]);
    }
    t.add_row(std::move(cells));
  }
  return {t};
}

}  // namespace

std::vector<int> parse_int_array(const std::string& text) {
  std::vector<int> out;
  const char* p = text.c_str();
  while (*p != '\0') {
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
      char* end = nullptr;
      out.push_back(static_cast<int>(std::strtol(p, &end, 10)));
      p = end;
    } else {
      ++p;
    }
  }
  return out;
}

std::vector<int> root_blockers(Session& s) {
  std::vector<int> roots;
  for (const LockTreeRow& node : build_lock_tree(blocked_sessions(blocking_sessions(s)))) {
    if (node.root_blocker) roots.push_back(node.pid);
  }
  return roots;
}

void register_locks(CommandTable& table) {
  table
      .command<LocksOptions>("locks",
                             "Locks with schema-qualified relations, modes, granted or waiting and for how long; "
                             "--tree: who blocks whom, naming the root blockers",
                             {Need::Catalog, Effect::Read, 0, false})
      .flag("--tree", &LocksOptions::tree,
            "blocking chains from pg_blocking_pids(): each blocked session under the blocker deepest in the tree "
            "(all blockers in blocked_by), root blockers at depth 0")
      .run([](Unit& u, const LocksOptions& o) { return o.tree ? lock_tree(u.session()) : list_locks(u.session()); });
}

}  // namespace pgdba
