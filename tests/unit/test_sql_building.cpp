// Contract section 5: nothing the user typed is pasted into SQL unquoted.
// Every place a command glues text onto an SQL keyword must glue a
// quote_ident/quote_literal/std::to_string result, or the user's own SQL
// where running it is the command's job (sql -c).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace {

const char* const kAllowed[] = {
    "quote_",  // quote_ident, quote_literal, quote_qualified: quoted here
    "std::to_string(",
    "st.text",               // sql: the statement the user asked to run
    "st.sql",                // sql: the same statement as the script wrote it, with its closing ';'
    "statement_",            // sql --batch: the same
    "multi_row_statement(",  // sql --batch: the same, its VALUES group repeated
    "user_sql",  // user_sql(), user_sql_text(): SQL the user writes on purpose (index --where, a column's type)
};

}  // namespace

TEST_CASE("SQL keywords are only ever followed by quoted or numeric text", "[safety]") {
  static const std::regex glued(
      R"re("[^"]*\b(CREATE|DROP|ALTER|SELECT|INSERT|UPDATE|DELETE|GRANT|REVOKE|OWNER|TEMPLATE|ENCODING|LOCALE|AUTHORIZATION|TO|AS|FOR|FROM|WHERE|SET|EXECUTE|TABLE|SCHEMA|DATABASE|ROLE)\b[^"]*"\s*\+\s*([^;]*))re");
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(PGDBA_SOURCE_DIR) + "/commands")) {
    if (entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      ++n;
      for (std::sregex_iterator m(line.begin(), line.end(), glued), end; m != end; ++m) {
        const std::string rest = (*m)[2];
        bool ok = false;
        for (const char* a : kAllowed)
          ok = ok || rest.rfind(a, 0) == 0;
        INFO(entry.path().filename().string() << ":" << n << ": " << line);
        CHECK(ok);
        ++checked;
      }
    }
  }
  CHECK(checked >= 10);  // the pattern still finds the DDL it guards
}

// Issue "Core for growth": the driver stays inside the session layer, so a
// command module reads results through pgdba's Rows/Field and transactions
// through Transaction, and a driver change touches src/ only.
TEST_CASE("command modules never name libpqxx", "[safety]") {
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(PGDBA_SOURCE_DIR) + "/commands")) {
    const auto ext = entry.path().extension();
    if (ext != ".cpp" && ext != ".hpp") continue;
    ++files;
    std::ifstream in(entry.path());
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      ++n;
      INFO(entry.path().filename().string() << ":" << n << ": " << line);
      CHECK(line.find("pqxx") == std::string::npos);
    }
  }
  CHECK(files >= 8);
}
