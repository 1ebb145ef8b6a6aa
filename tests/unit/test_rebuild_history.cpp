// The rebuild history reindex --cooldown reads (commands/maintenance/history).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include "commands/maintenance/history.hpp"

#include "tests/unit/support.hpp"

using pgdba::RebuildHistory;
using unit::EnvGuard;
using unit::TempDir;

TEST_CASE("rebuild history: the latest time per key, bad lines skipped, records read back", "[history]") {
  TempDir dir;
  const std::string k1 = RebuildHistory::key("7711", "db", "public", "t_i");
  const std::string k2 = RebuildHistory::key("7711", "db2", "public", "t_i");
  CHECK(k1 != k2);
  CHECK(RebuildHistory::key("7711", "a\"b", "s", "i") != RebuildHistory::key("7711", "a", "b\"s", "i"));
  const std::string path = dir.write("h.jsonl", "{\"key\":" + nlohmann::json(k1).dump() +
                                                    ",\"time\":100}\nnot json\n{\"key\":" + nlohmann::json(k1).dump() +
                                                    ",\"time\":300}\n{\"key\":1,\"time\":5}\n");
  RebuildHistory h(path);
  REQUIRE(h.last(k1));
  CHECK(*h.last(k1) == 300);
  CHECK_FALSE(h.last(k2));
  h.record(k2);
  const RebuildHistory again(path);
  REQUIRE(again.last(k2));
  CHECK(*again.last(k2) >= 300);
  CHECK(*again.last(k1) == 300);
}

TEST_CASE("rebuild history: a missing file is empty, the default path follows XDG_STATE_HOME", "[history]") {
  TempDir dir;
  const RebuildHistory h(dir.path() + "/none/h.jsonl");
  CHECK_FALSE(h.last("x"));
  EnvGuard env;
  env.set("XDG_STATE_HOME", dir.path());
  CHECK(RebuildHistory::default_path() == dir.path() + "/pgdba/reindex-history.jsonl");
  env.set("XDG_STATE_HOME", std::nullopt).set("HOME", "/home/dba");
  CHECK(RebuildHistory::default_path() == "/home/dba/.local/state/pgdba/reindex-history.jsonl");
}
