// Tests that also run on every PostgreSQL major of the version matrix
// (scripts/matrix.sh runs "[matrix]" against 13, 14, 16, 17 and 18).
#include <pqxx/pqxx>
#include <pqxx/version.hxx>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/harness.hpp"

namespace fs = std::filesystem;

namespace {

// What the header comment lines of an embedded .sql file say about it:
//   -- min-server: NNNNNN   oldest server_version_num it supports (absent: any)
//   -- max-server: NNNNNN   newest server_version_num it supports (absent: any)
//   -- mutates              running it changes something
struct SqlFile {
  std::string name;  // path under sql/, as it is embedded
  std::string text;
  long min_server = 0;
  long max_server = 0;  // 0: no upper bound
  bool mutates = false;
  std::string extension;  // "-- extension: NAME": queries that extension's objects
};

SqlFile read_sql(const fs::path& root, const fs::path& path) {
  SqlFile f;
  f.name = fs::relative(path, root).generic_string();
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  f.text = s.str();
  static const std::regex min_re(R"(^\s*--\s*min-server:\s*(\d+)\s*$)", std::regex::icase);
  static const std::regex max_re(R"(^\s*--\s*max-server:\s*(\d+)\s*$)", std::regex::icase);
  static const std::regex mutates_re(R"(^\s*--\s*mutates\b.*$)", std::regex::icase);
  static const std::regex extension_re(R"(^\s*--\s*extension:\s*(\S+)\s*$)", std::regex::icase);
  std::istringstream lines(f.text);
  std::string line;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (std::regex_match(line, m, min_re)) {
      f.min_server = std::stol(m[1]);
    } else if (std::regex_match(line, m, max_re)) {
      f.max_server = std::stol(m[1]);
    } else if (std::regex_match(line, m, extension_re)) {
      f.extension = m[1];
    } else if (std::regex_match(line, mutates_re)) {
      f.mutates = true;
    }
  }
  return f;
}

// The checkout's sql/, or PGDBA_TEST_SQL_DIR (to try the test on other files).
std::vector<SqlFile> embedded_sql_files() {
  const char* dir = std::getenv("PGDBA_TEST_SQL_DIR");
  const fs::path root = dir != nullptr && *dir != '\0' ? fs::path(dir) : fs::path(PGDBA_SOURCE_DIR) / "sql";
  std::vector<SqlFile> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".sql") files.push_back(read_sql(root, e.path()));
  }
  std::sort(files.begin(), files.end(), [](const SqlFile& a, const SqlFile& b) { return a.name < b.name; });
  return files;
}

// The first line of a server error ("ERROR:  function ... does not exist").
std::string first_line(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

}  // namespace

TEST_CASE("every embedded SQL file parses on this server", "[matrix]") {
  auto conn = it::connect();
  const long server = conn.server_version();
  const auto files = embedded_sql_files();
  REQUIRE(!files.empty());

  int checked = 0;
  int skipped = 0;
  std::string failures;
  // Files on an extension's objects are prepared in a database that has it,
  // installed in a schema whose name needs quoting, as pgdba finds it.
  std::unique_ptr<it::ScratchDb> ext_db;
  std::unique_ptr<pqxx::connection> ext_conn;
  for (const auto& f : files) {
    if ((f.min_server != 0 && server < f.min_server) || (f.max_server != 0 && server > f.max_server)) {
      ++skipped;
      continue;
    }
    // Parse (and plan the parameter types of) the statement on the server,
    // which finds missing columns, functions and syntax of this version.
    // Nothing is executed: preparing is enough, and files marked
    // "-- mutates" must never run here.
    const std::string stmt = "pgdba_matrix_" + std::to_string(checked + skipped);
    std::string text = f.text;
    pqxx::connection* on = &conn;
    if (!f.extension.empty()) {
      if (!ext_db) {
        ext_db = std::make_unique<it::ScratchDb>("matrix_ext");
        const auto& env = it::cluster();
        ext_conn = std::make_unique<pqxx::connection>("host=" + env.at("PGHOST") + " port=" + env.at("PGPORT") +
                                                      " user=postgres dbname=" + ext_db->name());
        pqxx::nontransaction(*ext_conn).exec("CREATE SCHEMA \"ext schema\"");
      }
      pqxx::nontransaction(*ext_conn).exec("CREATE EXTENSION IF NOT EXISTS " + ext_conn->quote_name(f.extension) +
                                           " SCHEMA \"ext schema\"");
      for (auto at = text.find("@extschema@"); at != std::string::npos; at = text.find("@extschema@", at))
        text.replace(at, 11, "\"ext schema\"");
      on = ext_conn.get();
    }
    try {
      on->prepare(stmt, text);
#if PQXX_VERSION_MAJOR < 7
      on->prepare_now(stmt);  // libpqxx 6 prepares lazily
#endif
      on->unprepare(stmt);
    } catch (const pqxx::sql_error& e) {
      failures += "\n  sql/" + f.name + ": " + first_line(e.what());
    }
    ++checked;
  }
  INFO("server_version_num " << server << ": " << checked << " files prepared, " << skipped
                             << " outside their min-server/max-server range");
  if (!failures.empty()) FAIL("SQL files that do not parse on server " << server << ":" << failures);
  REQUIRE(checked > 0);
}

TEST_CASE("the server is the major the harness says it started", "[matrix]") {
  const auto& env = it::cluster();
  const auto major = env.find("PGDBA_PG_MAJOR");
  REQUIRE(major != env.end());  // written by tests/harness/cluster.sh
  const long server = std::stol(it::query_value("select current_setting('server_version_num')"));
  CHECK(server / 10000 == std::stol(major->second));
  // scripts/matrix.sh says which major each run is meant to test.
  if (const char* want = std::getenv("PGDBA_EXPECT_PG_MAJOR"); want != nullptr && *want != '\0') {
    CHECK(server / 10000 == std::stol(want));
  }
  // The server runs from the bindir the env file names (PostgreSQL reports
  // its BINDIR from where its executable is).
  const auto bindir = env.find("PGDBA_PG_BINDIR");
  REQUIRE(bindir != env.end());
  const std::string running = it::query_value("select setting from pg_config where name = 'BINDIR'");
  INFO("server BINDIR " << running << ", env file PGDBA_PG_BINDIR " << bindir->second);
  std::error_code ec;
  CHECK(fs::equivalent(fs::path(running), fs::path(bindir->second), ec));
}
