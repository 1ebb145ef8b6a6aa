// The shared text helpers (src/text.hpp).
#include <catch2/catch.hpp>

#include "src/text.hpp"

using pgdba::shell_command_line;
using pgdba::shell_quote;
using pgdba::trim;

TEST_CASE("trim removes C-locale whitespace at both ends only", "[text]") {
  CHECK(trim("  a b \t\r\n") == "a b");
  CHECK(trim("\v\fx\f") == "x");
  CHECK(trim(" \t ").empty());
  CHECK(trim("").empty());
  CHECK(trim("\xc2\xa0x") == "\xc2\xa0x");  // a UTF-8 no-break space is not C-locale space
}

TEST_CASE("shell_quote and shell_command_line give what a shell reads back", "[text]") {
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("") == "''");
  CHECK(shell_command_line({"pg_ctl", "-D", "/var/lib/x", "-o", "-p 5433"}) == "pg_ctl -D /var/lib/x -o '-p 5433'");
  CHECK(shell_command_line({"rm", "-rf", "a b", "$HOME", ""}) == "rm -rf 'a b' '$HOME' ''");
}
