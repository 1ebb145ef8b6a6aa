// check backup-age's figures, decided from manifests and the clock alone.
#include <catch2/catch.hpp>

#include "commands/backup/freshness.hpp"

using namespace pgdba::backup;

namespace {

// A backup of `db` that started at `hour`:00 on 2026-11-22 and took 30 minutes.
Manifest backup_at(const std::string& db, int hour, std::optional<bool> verify_ok = std::nullopt) {
  Manifest m;
  m.target = "t";
  m.database = db;
  char at[40];
  std::snprintf(at, sizeof at, "2026-11-22T%02d:00:00.000Z", hour);
  m.started_at = at;
  std::snprintf(at, sizeof at, "2026-11-22T%02d:30:00.000Z", hour);
  m.finished_at = at;
  m.name = db + "-" + std::to_string(hour);
  if (verify_ok) m.verified = Verification{at, *verify_ok, false, *verify_ok ? "" : "checksum mismatch"};
  return m;
}

const Clock::time_point kFreshnessNow = parse_iso_utc("2026-11-23T00:00:00Z");

}  // namespace

TEST_CASE("backup freshness: the newest verified backup's age, counted from when it finished", "[backup]") {
  // app: verified at 02, unverified at 20, failed verification at 22.
  const auto f = backup_freshness({backup_at("app", 2, true), backup_at("app", 20), backup_at("app", 22, false)},
                                  kFreshnessNow, false);
  REQUIRE(f.size() == 1);
  CHECK(f[0].database == "app");
  CHECK(f[0].has_good);
  CHECK(f[0].backups == 3);
  CHECK(f[0].age_seconds == Approx(21.5 * 3600));
  CHECK_THAT(f[0].detail, Catch::Contains("app-2"));
}

TEST_CASE("backup freshness: --unverified counts a never verified backup, never a failed one", "[backup]") {
  const auto f = backup_freshness({backup_at("app", 2, true), backup_at("app", 20), backup_at("app", 22, false)},
                                  kFreshnessNow, true);
  REQUIRE(f.size() == 1);
  CHECK(f[0].age_seconds == Approx(3.5 * 3600));  // 20:30, not the failed 22:30
  CHECK_THAT(f[0].detail, Catch::Contains("app-20"));
}

TEST_CASE("backup freshness: without a good backup, how long since the oldest one started", "[backup]") {
  const auto f =
      backup_freshness({backup_at("db", 10), backup_at("db", 4, false), backup_at("db", 16)}, kFreshnessNow, false);
  REQUIRE(f.size() == 1);
  CHECK_FALSE(f[0].has_good);
  CHECK(f[0].age_seconds == Approx(20 * 3600));
  CHECK_THAT(f[0].detail, Catch::Contains("no verified backup among 3"));
}

TEST_CASE("backup freshness: one entry per target, kind and database, incomplete backups ignored", "[backup]") {
  Manifest globals = backup_at("", 5, true);
  globals.kind = "globals";
  Manifest other_target = backup_at("app", 6, true);
  other_target.target = "u";
  Manifest failed = backup_at("lost", 7, true);
  failed.status = "failed";
  const auto f = backup_freshness({backup_at("app", 3, true), globals, other_target, failed}, kFreshnessNow, false);
  REQUIRE(f.size() == 3);
  CHECK((f[0].target == "t" && f[0].kind == "database" && f[0].database == "app"));
  CHECK((f[1].target == "t" && f[1].kind == "globals"));
  CHECK((f[2].target == "u" && f[2].database == "app"));
  CHECK(f[2].age_seconds == Approx(17.5 * 3600));
}
