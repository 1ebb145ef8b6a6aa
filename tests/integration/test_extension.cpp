// extension list/available/create/update/drop against the test cluster
// (contrib's citext, cube and earthdistance).
#include <catch2/catch.hpp>

#include "tests/integration/harness.hpp"

TEST_CASE("extension create, list, update, drop", "[extension][matrix]") {
  it::ScratchDb db("ext");
  db.exec("create schema \"ext's; 日本\"");

  const auto avail = db.pgdba({"extension", "available", "-o", "json"});
  REQUIRE(avail.code == 0);
  const auto citext = it::row_for(it::parse_json(avail.out), "name", "citext");
  REQUIRE_FALSE(citext.is_null());
  CHECK(citext["installed_version"].is_null());
  const std::string latest = citext["default_version"];

  it::ServerLog log;
  const auto c =
      db.pgdba({"extension", "create", "citext", "--version", "1.4", "--schema", "ext's; 日本", "-o", "json"});
  INFO(c.err);
  REQUIRE(c.code == 0);
  CHECK(it::parse_json(c.out)[0]["status"] == "created (version 1.4 in schema ext's; 日本)");
  CHECK(log.saw("CREATE EXTENSION \"citext\" SCHEMA \"ext's; 日本\" VERSION '1.4'"));

  const auto list = db.pgdba({"extension", "list", "-o", "json"});
  REQUIRE(list.code == 0);
  const auto row = it::row_for(it::parse_json(list.out), "name", "citext");
  CHECK(row["version"] == "1.4");
  CHECK(row["schema"] == "ext's; 日本");
  CHECK(row["default_version"] == latest);
  CHECK(row["update_available"] == (latest != "1.4"));
  CHECK(it::row_for(it::parse_json(list.out), "name", "plpgsql")["update_available"] == false);

  // Again: refused, or nothing to do with --if-not-exists.
  const auto again = db.pgdba({"extension", "create", "citext"});
  CHECK(again.code == 1);
  CHECK_THAT(again.err, Catch::Contains("already exists"));
  CHECK(db.pgdba({"extension", "create", "citext", "--if-not-exists"}).code == 0);

  const auto up = db.pgdba({"extension", "update", "citext", "--to", "1.5", "-o", "json"});
  INFO(up.err);
  REQUIRE(up.code == 0);
  CHECK(it::parse_json(up.out)[0]["status"] == "updated 1.4 -> 1.5");
  const auto up2 = db.pgdba({"extension", "update", "citext", "-o", "json"});
  REQUIRE(up2.code == 0);
  CHECK(db.value("select extversion from pg_extension where extname = 'citext'") == latest);
  const auto bad = db.pgdba({"extension", "update", "citext", "--to", "9.9"});
  CHECK(bad.code == 1);

  // --cascade installs what it requires.
  CHECK(db.pgdba({"extension", "create", "earthdistance"}).code == 1);
  REQUIRE(db.pgdba({"extension", "create", "earthdistance", "--cascade"}).code == 0);
  CHECK(db.value("select count(*) from pg_extension where extname in ('cube', 'earthdistance')") == "2");

  // drop: asks first, refuses a dependent one without --cascade.
  CHECK(db.pgdba({"extension", "drop", "citext"}).code == 2);
  db.exec("create table \"t; x\" (id int, c cube); create view \"v 日\" as select c from \"t; x\"");
  const auto dep = db.pgdba({"extension", "drop", "cube", "--yes"});
  CHECK(dep.code == 1);
  // Everything CASCADE would take is named before anything runs.
  CHECK_THAT(dep.err, Catch::Contains("depend") && Catch::Contains("extension earthdistance") &&
                          Catch::Contains("column c of table public.\"t; x\"") &&
                          Catch::Contains("view public.\"v 日\""));
  const auto plan = db.pgdba({"extension", "drop", "cube", "--yes", "--cascade", "--dry-run", "-o", "json"});
  REQUIRE(plan.code == 0);
  int planned = 0;
  for (const auto& a : it::parse_json(plan.out))
    planned += a["sql"].get<std::string>().rfind("-- drops too: ", 0) == 0;
  CHECK(planned == 3);
  CHECK(db.value("select count(*) from pg_extension where extname = 'cube'") == "1");
  REQUIRE(db.pgdba({"extension", "drop", "cube", "--yes", "--cascade"}).code == 0);
  CHECK(db.value("select count(*) from pg_attribute where attrelid = '\"t; x\"'::regclass and attnum > 0 "
                 "and not attisdropped") == "1");  // the column went, the table stayed
  REQUIRE(db.pgdba({"extension", "drop", "citext", "--yes"}).code == 0);
  CHECK(db.value("select count(*) from pg_extension where extname <> 'plpgsql'") == "0");
  CHECK(db.pgdba({"extension", "drop", "citext", "--yes"}).code == 1);
  CHECK(db.pgdba({"extension", "drop", "citext", "--yes", "--if-exists"}).code == 0);
}

TEST_CASE("extension create of one the server does not have, update of one not installed", "[extension]") {
  it::ScratchDb db("ext_missing");
  const auto r = db.pgdba({"extension", "create", "no_such_ext; drop"});
  CHECK(r.code == 1);
  CHECK(it::count_lines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("is not available on the server"));
  const auto u = db.pgdba({"extension", "update", "citext"});
  CHECK(u.code == 1);
  CHECK_THAT(u.err, Catch::Contains("does not exist"));
  const auto d = db.pgdba({"extension", "create", "citext", "--dry-run"});
  CHECK(d.code == 0);
  CHECK_THAT(d.out, Catch::Contains("CREATE EXTENSION \"citext\""));
  CHECK(db.value("select count(*) from pg_extension where extname = 'citext'") == "0");
}
