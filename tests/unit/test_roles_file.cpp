// The roles file of privileges plan/apply/export, without a server: what
// export writes reads back to the same declarations, hostile names
// included, and mistakes name their line and key.
#include <catch2/catch.hpp>

#include "commands/privileges/roles_file.hpp"
#include "src/errors.hpp"

using namespace pgdba;

TEST_CASE("roles file: what write_roles_file writes, parse_roles_file reads back", "[privileges]") {
  RolesFile f;
  DeclaredRole a;
  a.name = "a\"b'c\\d\tü;";
  a.login = true;
  a.inherit = false;
  a.connection_limit = 7;
  a.member_of = {"pg_read_all_data", "r\x01"};
  DeclaredRole b;
  b.name = "r\x01";
  f.roles = {a, b};
  f.databases = {{"db\"1", true}};
  DeclaredGrant g;
  g.database = "db\"1";
  g.on = "function";
  g.schema = "s'";
  g.name = "f\"n";
  g.args = "integer, text[]";
  g.privileges = {"EXECUTE"};
  g.to = {a.name, "public"};
  g.grant_option = true;
  f.grants = {g};
  DeclaredDefault d;
  d.database = "db\"1";
  d.for_role = "owner";
  d.schema = "s'";
  d.on = "tables";
  d.privileges = {"SELECT", "INSERT"};
  d.to = {b.name};
  f.defaults = {d};

  const RolesFile r = parse_roles_file(write_roles_file(f), "x.toml");
  REQUIRE(r.roles.size() == 2);
  CHECK(r.roles[0].name == a.name);
  CHECK(r.roles[0].login);
  CHECK_FALSE(r.roles[0].inherit);
  CHECK(r.roles[0].connection_limit == 7);
  CHECK(r.roles[0].member_of == a.member_of);
  CHECK(r.roles[1].name == b.name);
  CHECK(r.databases == f.databases);
  REQUIRE(r.grants.size() == 1);
  CHECK(r.grants[0].schema == g.schema);
  CHECK(r.grants[0].name == g.name);
  CHECK(r.grants[0].args == g.args);
  CHECK(r.grants[0].to == g.to);
  CHECK(r.grants[0].grant_option);
  REQUIRE(r.defaults.size() == 1);
  CHECK(r.defaults[0].privileges == d.privileges);
  CHECK(r.defaults[0].to == d.to);
}

TEST_CASE("roles file: mistakes are usage errors naming file, line and key", "[privileges]") {
  const auto message = [](const std::string& text) {
    try {
      parse_roles_file(text, "f.toml");
    } catch (const Error& e) {
      CHECK(e.kind == ErrorKind::Usage);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message("[[role]]\nname = \"a\"\nsuperuser = \"yes\"\n"),
             Catch::StartsWith("f.toml:3:") && Catch::Contains("superuser"));
  CHECK_THAT(message("[[role]]\nname = \"pg_x\"\n"), Catch::Contains("reserved"));
  CHECK_THAT(message("[[role]]\nname = \"a\"\n[[role]]\nname = \"a\"\n"), Catch::Contains("twice"));
  CHECK_THAT(message("[[grant]]\ndatabase = \"d\"\non = \"tables\"\nprivileges = [\"select\"]\nto = \"public\"\n"),
             Catch::Contains("needs \"schema\""));
  CHECK_THAT(message("[[grant]]\ndatabase = \"d\"\non = \"view\"\n"), Catch::StartsWith("f.toml:3:"));
  CHECK_THAT(message("[[role]]\nname = \"a\"\n[[grant]]\ndatabase = \"d\"\non = \"database\"\n"
                     "privileges = [\"all\", \"connect\"]\nto = \"a\"\n"),
             Catch::Contains("alone"));
  CHECK_THAT(message("role = 1\n"), Catch::Contains("[[role]]"));
  CHECK_THAT(message("[[grants]]\n"), Catch::Contains("unknown key \"grants\""));
}
