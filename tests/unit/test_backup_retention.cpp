// backup prune's rules, decided from manifests and the clock alone.
#include <catch2/catch.hpp>

#include "commands/backup/retention.hpp"

using namespace pgdba::backup;

namespace {

Manifest backup_of(const std::string& db, int day, bool verified = false, bool verify_ok = true) {
  Manifest m;
  m.target = "t";
  m.database = db;
  char started[32];
  std::snprintf(started, sizeof started, "2026-11-%02dT03:00:00.000Z", day);
  m.started_at = started;
  if (verified) m.verified = Verification{started, verify_ok, false, verify_ok ? "" : "bad"};
  return m;
}

std::vector<bool> removed(const std::vector<PruneDecision>& d) {
  std::vector<bool> out;
  for (const auto& x : d)
    out.push_back(x.remove);
  return out;
}

const Clock::time_point kRetentionNow = parse_iso_utc("2026-11-23T12:00:00Z");

}  // namespace

TEST_CASE("prune --keep N keeps the N newest of each database, and the newest verified one", "[backup]") {
  // app: days 1..5, day 2 verified; other: days 3, 4.
  const std::vector<Manifest> ms = {backup_of("app", 1),  backup_of("app", 2, true), backup_of("app", 3),
                                    backup_of("app", 5),  backup_of("app", 4),       backup_of("other", 3),
                                    backup_of("other", 4)};
  RetentionRule r;
  r.keep = 2;
  const auto d = plan_prune(ms, r, kRetentionNow);
  CHECK(removed(d) ==
        std::vector<bool>{true, false, true, false, false, false, false});  // other: both are its 2 newest
  CHECK(d[1].reason == "newest verified backup");
  CHECK(d[3].reason == "one of the 2 newest");
  CHECK(d[0].reason == "older than the 2 newest");
}

TEST_CASE("a failed verification does not protect a backup, without any, the newest stays", "[backup]") {
  const std::vector<Manifest> ms = {backup_of("app", 1, true, false), backup_of("app", 2), backup_of("app", 3)};
  RetentionRule r;
  r.keep_seconds = 3600;  // nothing is that young
  const auto d = plan_prune(ms, r, kRetentionNow);
  CHECK(removed(d) == std::vector<bool>{true, true, false});
  CHECK(d[2].reason == "newest backup (none verified)");
}

TEST_CASE("prune --keep-days keeps what started within it, with --keep, either rule keeps", "[backup]") {
  const std::vector<Manifest> ms = {backup_of("app", 10), backup_of("app", 15), backup_of("app", 17, true),
                                    backup_of("app", 20), backup_of("app", 22)};
  RetentionRule days;
  days.keep_seconds = 7 * 86400.0;  // since 2026-11-16T12:00
  CHECK(removed(plan_prune(ms, days, kRetentionNow)) == std::vector<bool>{true, true, false, false, false});
  RetentionRule both = days;
  both.keep = 4;
  CHECK(removed(plan_prune(ms, both, kRetentionNow)) == std::vector<bool>{true, false, false, false, false});
  RetentionRule one;
  one.keep = 1;
  const auto d = plan_prune(ms, one, kRetentionNow);
  CHECK(removed(d) == std::vector<bool>{true, true, false, true, false});
}

TEST_CASE("globals and databases of other targets are separate groups", "[backup]") {
  Manifest g = backup_of("", 1);
  g.kind = "globals";
  Manifest elsewhere = backup_of("app", 1);
  elsewhere.target = "u";
  const std::vector<Manifest> ms = {g, backup_of("app", 2), backup_of("app", 3), elsewhere};
  RetentionRule r;
  r.keep = 1;
  CHECK(removed(plan_prune(ms, r, kRetentionNow)) == std::vector<bool>{false, true, false, false});
  CHECK_THROWS_AS(plan_prune(ms, RetentionRule{}, kRetentionNow), std::logic_error);
}
