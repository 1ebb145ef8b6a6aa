// grant/revoke statements (commands/roles/grant_sql).
#include <catch2/catch.hpp>

#include "commands/roles/grant_sql.hpp"
#include "src/errors.hpp"

using pgdba::grant_statement;
using pgdba::GrantSpec;

TEST_CASE("grant_statement: kinds, columns, grant option, PUBLIC, names quoted", "[grant]") {
  GrantSpec g;
  g.privileges = {"select", " insert"};
  g.kind = "TABLE";
  g.object_schema = "s";
  g.object_name = "t\"1";
  g.grantee = "app";
  CHECK(grant_statement(g) == "GRANT SELECT, INSERT ON TABLE \"s\".\"t\"\"1\" TO \"app\"");
  g.columns = {"a", "B"};
  g.privileges = {"select"};
  CHECK(grant_statement(g) == "GRANT SELECT (\"a\", \"B\") ON TABLE \"s\".\"t\"\"1\" TO \"app\"");
  g.privileges = {"delete"};
  CHECK_THROWS_AS(grant_statement(g), pgdba::Error);
  GrantSpec d;
  d.privileges = {"temp", "connect"};
  d.kind = "DATABASE";
  d.object_name = "db; x";
  d.grantee_public = true;
  d.revoke = true;
  d.cascade = true;
  CHECK(grant_statement(d) == "REVOKE TEMPORARY, CONNECT ON DATABASE \"db; x\" FROM PUBLIC CASCADE");
  d.privileges = {"select"};
  CHECK_THROWS_AS(grant_statement(d), pgdba::Error);
  GrantSpec f;
  f.privileges = {"all"};
  f.kind = "ALL FUNCTIONS IN SCHEMA";
  f.object_name = "app";
  f.grantee = "r";
  f.grant_option = true;
  CHECK(grant_statement(f) == "GRANT ALL PRIVILEGES ON ALL FUNCTIONS IN SCHEMA \"app\" TO \"r\" WITH GRANT OPTION");
  f.privileges = {"all", "execute"};
  CHECK_THROWS_AS(grant_statement(f), pgdba::Error);
  GrantSpec r;
  r.privileges = {"execute"};
  r.kind = "ROUTINE";
  r.object_schema = "public";
  r.object_name = "f";
  r.object_args = "integer, text";
  r.grantee = "Reader";
  CHECK(grant_statement(r) == "GRANT EXECUTE ON ROUTINE \"public\".\"f\"(integer, text) TO \"Reader\"");
}

TEST_CASE("grant_statement: default privileges for future objects", "[grant]") {
  GrantSpec g;
  g.privileges = {"SELECT"};
  g.kind = "TABLES";
  g.grantee = "reader";
  g.default_for_role = "owner";
  g.default_in_schema = "app";
  CHECK(grant_statement(g) ==
        "ALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" IN SCHEMA \"app\" GRANT SELECT ON TABLES TO \"reader\"");
  g.revoke = true;
  g.grant_option = true;
  CHECK(grant_statement(g) ==
        "ALTER DEFAULT PRIVILEGES FOR ROLE \"owner\" IN SCHEMA \"app\" REVOKE GRANT OPTION FOR SELECT ON TABLES "
        "FROM \"reader\"");
}
