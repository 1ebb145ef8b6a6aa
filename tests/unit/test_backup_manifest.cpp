// backup: manifests as JSON, written atomically and read back. Pure (files
// in a temporary directory, no server).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "commands/backup/manifest.hpp"
#include "commands/backup/retention.hpp"
#include "src/errors.hpp"
#include "tests/unit/support.hpp"

using namespace pgdba::backup;

namespace {

Manifest sample_manifest(const std::string& db, const std::string& started, bool verified = false) {
  Manifest m;
  m.tool = "pgdba 0.1.0";
  m.target = "local-5432";
  m.database = db;
  m.name = "x.dump";
  m.format = "custom";
  m.server_version = "15.4";
  m.server_version_num = 150004;
  m.pg_dump = "/usr/lib/postgresql/15/bin/pg_dump";
  m.pg_dump_version = "15.18";
  m.started_at = started;
  m.finished_at = started;
  m.size = 3;
  m.files = {FileSum{"x.dump", 3, std::string(64, 'a')}};
  if (verified) m.verified = Verification{started, true, true, ""};
  return m;
}

}  // namespace

TEST_CASE("a manifest survives JSON with every field and its types", "[backup]") {
  Manifest m = sample_manifest("app", "2026-11-23T12:03:01.042Z", true);
  m.compress = "zstd:3";
  m.exclude_tables = {"audit.*"};
  m.tables = 2;
  m.large_objects = 1;
  m.row_counts = {TableCount{"public", "a", 10}, TableCount{"we'ird", "T\"x", 0}};
  m.command = "pgdba backup create --dir /b";
  const nlohmann::json j = manifest_to_json(m);
  CHECK(j["size"].is_number_integer());
  CHECK(j["duration_seconds"].is_number());
  CHECK(j["files"][0]["sha256"] == std::string(64, 'a'));
  CHECK(j["verified"]["ok"] == true);
  CHECK(j["row_counts"][1]["table"] == "T\"x");
  const Manifest back = manifest_from_json(j, "/b/x.manifest.json");
  CHECK(back.database == "app");
  CHECK(back.compress == "zstd:3");
  CHECK(back.tables == 2);
  CHECK(back.large_objects == 1);
  REQUIRE(back.row_counts.size() == 2);
  CHECK(back.row_counts[1].schema == "we'ird");
  CHECK(back.row_counts[0].rows == 10);
  REQUIRE(back.verified);
  CHECK(back.verified->restore_test);
  CHECK(back.backup_path() == "/b/x.dump");

  // Globals: no database, no counts.
  Manifest g = sample_manifest("", "2026-11-23T12:03:01.042Z");
  g.kind = "globals";
  const nlohmann::json gj = manifest_to_json(g);
  CHECK(gj["database"].is_null());
  CHECK(gj["row_counts"].is_null());
  CHECK_FALSE(manifest_from_json(gj, "/g.manifest.json").tables);
}

TEST_CASE("a manifest that names files outside its backup, or lacks fields, is refused", "[backup]") {
  nlohmann::json j = manifest_to_json(sample_manifest("app", "2026-11-23T12:03:01.042Z"));
  nlohmann::json bad = j;
  bad["name"] = "../../etc/passwd";
  CHECK_THROWS_AS(manifest_from_json(bad, "m"), pgdba::Error);
  bad = j;
  bad["files"][0]["path"] = "../x";
  CHECK_THROWS_AS(manifest_from_json(bad, "m"), pgdba::Error);
  bad = j;
  bad.erase("files");
  CHECK_THROWS_WITH(manifest_from_json(bad, "m"), Catch::Contains("lacks \"files\""));
  bad = j;
  bad["size"] = "big";
  CHECK_THROWS_WITH(manifest_from_json(bad, "m"), Catch::Contains("wrong type"));
}

TEST_CASE("manifests are written atomically and found under the directory", "[backup]") {
  unit::TempDir dir;
  const std::string sub = dir.path() + "/local-5432/app";
  std::filesystem::create_directories(sub);
  Manifest m = sample_manifest("app", "2026-11-23T12:03:01.042Z");
  write_manifest(m, sub + "/x.manifest.json");
  Manifest older = sample_manifest("app", "2026-11-22T12:03:01.042Z");
  older.name = "w.dump";
  write_manifest(older, sub + "/w.manifest.json");
  std::ofstream(sub + "/broken.manifest.json") << "{not json";
  std::ofstream(sub + "/.hidden.manifest.json") << "{}";
  // Nothing but the two manifests (and what the test wrote) is left behind.
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(sub)) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 4);
  const auto found = find_manifests(dir.path());
  REQUIRE(found.size() == 2);        // the broken one is skipped with a warning
  CHECK(found[0].name == "w.dump");  // oldest first
  CHECK(found[1].manifest_path == sub + "/x.manifest.json");
  CHECK(manifest_for(sub + "/x.manifest.json").name == "x.dump");
  std::ofstream(sub + "/x.dump") << "abc";
  CHECK(manifest_for(sub + "/x.dump").started_at == "2026-11-23T12:03:01.042Z");
  std::ofstream(sub + "/y.dump") << "abc";
  CHECK_THROWS_WITH(manifest_for(sub + "/y.dump"), Catch::Contains("has no manifest"));
  CHECK_THROWS_WITH(manifest_for(sub + "/z.dump"), Catch::Contains("does not exist"));
  CHECK_THROWS_WITH(find_manifests(dir.path() + "/nope"), Catch::Contains("does not exist"));
}
