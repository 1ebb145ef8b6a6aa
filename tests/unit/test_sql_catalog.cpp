#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "src/errors.hpp"
#include "src/sql_catalog.hpp"

using namespace pgdba;

namespace {

const SqlFile& embedded(const std::string& name) {
  const auto& all = embedded_sql();
  const auto it = std::find_if(all.begin(), all.end(), [&](const SqlFile& f) { return name == f.name; });
  REQUIRE(it != all.end());
  return *it;
}

// The Error `run` throws, which must be a failure (exit 1).
Error failure_of(const std::function<void()>& run) {
  try {
    run();
  } catch (const Error& e) {
    CHECK(e.kind == ErrorKind::Failed);
    return e;
  }
  FAIL("no pgdba::Error thrown");
  return failure("");
}

// What the header of `text` says, read independently of the build-time parser
// in cmake/embed_sql.cmake so that the two check each other.
struct Header {
  int min_server = kNoMinServer;
  int max_server = kNoMaxServer;
  int min_lines = 0;
  int max_lines = 0;
};

Header read_header(const std::string& text) {
  static const std::regex comment(R"(^\s*(--.*)?$)");
  // Case-insensitive like the build's parser and tests/integration/test_matrix.cpp.
  static const std::regex min_re(R"(^\s*--\s*min-server:\s*(\d{6})\s*$)", std::regex::icase);
  static const std::regex max_re(R"(^\s*--\s*max-server:\s*(\d{6})\s*$)", std::regex::icase);
  Header h;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!std::regex_match(line, comment)) break;
    if (std::regex_match(line, m, min_re)) {
      h.min_server = std::stoi(m[1]);
      ++h.min_lines;
    } else if (std::regex_match(line, m, max_re)) {
      h.max_server = std::stoi(m[1]);
      ++h.max_lines;
    }
  }
  return h;
}

SqlFile fake(const char* name, int min_server, int max_server) {
  return SqlFile{name, name, "SELECT 1", min_server, max_server};
}

}  // namespace

TEST_CASE("sql_text(name, version) picks the variant whose range holds the server", "[sql_catalog]") {
  const std::string& v13 = embedded("db/terminate_sessions_130000").text;
  const std::string& v14 = embedded("db/terminate_sessions").text;
  REQUIRE(v13 != v14);
  CHECK(sql_text("db/terminate_sessions", 130000) == v13);
  CHECK(sql_text("db/terminate_sessions", 130022) == v13);
  CHECK(sql_text("db/terminate_sessions", 139999) == v13);
  CHECK(sql_text("db/terminate_sessions", 140000) == v14);
  CHECK(sql_text("db/terminate_sessions", 170005) == v14);
  CHECK(sql_text("db/terminate_sessions", 180000) == v14);
  // The same reference every time: callers may keep it.
  CHECK(&sql_text("db/terminate_sessions", 140000) == &sql_text("db/terminate_sessions", 180000));
  // A query without variants is checked against its own range.
  CHECK(sql_text("db/list_databases", 130000) == embedded("db/list_databases").text);
}

TEST_CASE("sql_text(name, version) below every variant fails like vacuumdb", "[sql_catalog]") {
  const Error e = failure_of([] { sql_text("db/terminate_sessions", 129999); });
  CHECK(std::string(e.what()) ==
        "the query \"db/terminate_sessions\" is not supported on server versions older than PostgreSQL 13");
  CHECK(e.detail == "the server is PostgreSQL 12.9999 (server_version_num 129999)");
  CHECK(failure_of([] { sql_text("db/list_databases", 120004); }).detail ==
        "the server is PostgreSQL 12.4 (server_version_num 120004)");
  CHECK_THROWS_AS(sql_text("db/no_such_query", 140000), std::logic_error);
  // A variant's own file name is not a query name.
  CHECK_THROWS_AS(sql_text("db/terminate_sessions_130000", 130000), std::logic_error);
}

TEST_CASE("choose_sql_variant: the newest that fits, and the bounds in the error", "[sql_catalog]") {
  const SqlFile old13 = fake("q_130000", 130000, kNoMaxServer);  // pg_activity's cascade: no max-server
  const SqlFile mid15 = fake("q_150000", 150000, 159999);
  const SqlFile new16 = fake("q", 160000, kNoMaxServer);
  const std::vector<const SqlFile*> overlapping = {&old13, &new16, &mid15};
  CHECK(std::string(choose_sql_variant("q", overlapping, 130000).name) == "q_130000");
  CHECK(std::string(choose_sql_variant("q", overlapping, 149999).name) == "q_130000");
  CHECK(std::string(choose_sql_variant("q", overlapping, 150000).name) == "q_150000");
  CHECK(std::string(choose_sql_variant("q", overlapping, 160000).name) == "q");
  CHECK(std::string(choose_sql_variant("q", overlapping, 999999).name) == "q");

  const SqlFile capped = fake("r", 140000, 159999);
  const Error newer = failure_of([&] { choose_sql_variant("r", {&capped}, 160000); });
  CHECK(std::string(newer.what()) == "the query \"r\" is not supported on server versions newer than PostgreSQL 15");
  CHECK(newer.detail == "the server is PostgreSQL 16.0 (server_version_num 160000)");
  CHECK(std::string(failure_of([&] { choose_sql_variant("r", {&capped}, 139999); }).what()) ==
        "the query \"r\" is not supported on server versions older than PostgreSQL 14");
  const SqlFile minor = fake("m", 140002, 150003);
  CHECK(std::string(failure_of([&] { choose_sql_variant("m", {&minor}, 140001); }).what()) ==
        "the query \"m\" is not supported on server versions older than PostgreSQL 14.2");
  CHECK(std::string(failure_of([&] { choose_sql_variant("m", {&minor}, 150004); }).what()) ==
        "the query \"m\" is not supported on server versions newer than PostgreSQL 15.3");

  const SqlFile low = fake("g_130000", 130000, 139999);
  const SqlFile high = fake("g", 150000, kNoMaxServer);
  CHECK(std::string(failure_of([&] {
                      choose_sql_variant("g", {&high, &low}, 140005);
                    }).what()) == "the query \"g\" is not supported on PostgreSQL 14.5");

  const SqlFile any = fake("a", kNoMinServer, kNoMaxServer);
  CHECK(std::string(choose_sql_variant("a", {&any}, 90600).name) == "a");
  CHECK_THROWS_AS(choose_sql_variant("none", {}, 140000), std::logic_error);
}

TEST_CASE("sql_text(name) returns a file without variants and refuses one with", "[sql_catalog]") {
  CHECK(sql_text("db/list_databases") == embedded("db/list_databases").text);
  CHECK(&sql_text("db/list_databases") == &sql_text("db/list_databases", 180000));
  CHECK_THROWS_AS(sql_text("db/no_such_query"), std::logic_error);
  CHECK_THROWS_AS(sql_text("db/terminate_sessions"), std::logic_error);
  CHECK_THROWS_AS(sql_text("db/terminate_sessions_130000"), std::logic_error);
  for (const auto& f : embedded_sql()) {
    INFO("sql/" << f.name << ".sql");
    if (sql_variants(f.base).size() == 1) {
      CHECK(sql_text(f.name) == f.text);
    } else {
      CHECK_THROWS_AS(sql_text(f.name), std::logic_error);
    }
  }
}

TEST_CASE("every embedded file has a header the catalog parsed as written", "[sql_catalog]") {
  static const std::regex suffix(R"(^(.+)_(\d{6})$)");
  REQUIRE(!embedded_sql().empty());
  for (const auto& f : embedded_sql()) {
    INFO("sql/" << f.name << ".sql");
    const std::string name = f.name;
    const Header h = read_header(f.text);
    CHECK(h.min_lines <= 1);
    CHECK(h.max_lines <= 1);
    CHECK(f.min_server == h.min_server);
    CHECK(f.max_server == h.max_server);
    CHECK(f.min_server <= f.max_server);
    CHECK((f.min_server == kNoMinServer || (f.min_server >= 100000 && f.min_server <= 999999)));
    CHECK((f.max_server == kNoMaxServer || (f.max_server >= 100000 && f.max_server <= 999999)));
    // The naming rule: "<base>_NNNNNN" starts at NNNNNN.
    std::smatch m;
    if (std::regex_match(name, m, suffix)) {
      CHECK(f.base == m[1].str());
      CHECK(f.min_server == std::stoi(m[2]));
    } else {
      CHECK(f.base == name);
    }
  }
}

TEST_CASE("variants of one query neither overlap nor leave a gap", "[sql_catalog]") {
  std::map<std::string, std::vector<const SqlFile*>> by_base;
  for (const auto& f : embedded_sql())
    by_base[f.base].push_back(&f);
  REQUIRE(by_base.count("db/terminate_sessions") == 1);
  CHECK(by_base["db/terminate_sessions"].size() == 2);

  for (auto& entry : by_base) {
    // Not a structured binding: C++17 lambdas cannot capture one.
    const std::string& base = entry.first;
    auto& files = entry.second;
    INFO("query " << base);
    // sql_variants() lists the same files, newest first.
    const auto variants = sql_variants(base);
    CHECK(variants.size() == files.size());
    CHECK(std::is_sorted(variants.begin(), variants.end(),
                         [](const SqlFile* a, const SqlFile* b) { return a->min_server > b->min_server; }));
    std::sort(files.begin(), files.end(),
              [](const SqlFile* a, const SqlFile* b) { return a->min_server < b->min_server; });
    for (size_t i = 1; i < files.size(); ++i) {
      INFO(files[i - 1]->name << " [" << files[i - 1]->min_server << ", " << files[i - 1]->max_server << "] then "
                              << files[i]->name << " [" << files[i]->min_server << ", " << files[i]->max_server << "]");
      CHECK(files[i - 1]->max_server != kNoMaxServer);
      CHECK(static_cast<long>(files[i - 1]->max_server) + 1 == files[i]->min_server);
    }
    // Walk the supported majors: each gets the variant whose range holds
    // it, or the failure when the query states it does not support that major.
    for (int major = 13; major <= 18; ++major) {
      for (const int v : {major * 10000, major * 10000 + 9999}) {
        INFO("server_version_num " << v);
        const auto fits = std::find_if(files.begin(), files.end(),
                                       [&](const SqlFile* f) { return f->min_server <= v && v <= f->max_server; });
        if (fits != files.end()) {
          CHECK(sql_text(base, v) == (*fits)->text);
        } else {
          failure_of([&] { sql_text(base, v); });
        }
      }
    }
  }
}
