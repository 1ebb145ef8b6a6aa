// Output formats fed hostile data by the real server: control characters,
// json text with line breaks, repeated column names, results too long to hold.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/harness.hpp"

using it::pgdba;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(text.substr(start, nl - start));
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// Bytes a terminal would act on: every C0 control but the line ends, DEL,
// and the C1 controls in their UTF-8 form.
bool has_terminal_controls(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) return true;
  }
  return false;
}

struct Measured {
  int code = -1;
  long max_rss_kb = 0;
  std::string first_lines;  // the first 4 kB of stdout
  std::string last_lines;   // the last 4 kB
  std::string err;
};

std::string slurp(const std::string& path, std::streamoff from, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(from, from < 0 ? std::ios::end : std::ios::beg);
  if (!in) {  // shorter than n: read it all
    in.clear();
    in.seekg(0);
  }
  std::string s(n, '\0');
  in.read(s.data(), static_cast<std::streamsize>(n));
  s.resize(static_cast<std::size_t>(in.gcount()));
  return s;
}

// Runs pgdba with stdout to a file and reads its peak RSS from wait4.
Measured run_measured(const std::vector<std::string>& args, const it::Env& env = {}) {
  const it::Background b = it::start_pgdba(args, env);
  int status = 0;
  rusage usage{};
  REQUIRE(wait4(b.pid, &status, 0, &usage) == b.pid);
  Measured m;
  m.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  m.max_rss_kb = usage.ru_maxrss;  // kilobytes on Linux
  m.first_lines = slurp(b.out_path, 0, 4096);
  m.last_lines = slurp(b.out_path, -4096, 4096);
  m.err = slurp(b.err_path, 0, 4096);
  unlink(b.out_path.c_str());
  unlink(b.err_path.c_str());
  return m;
}

// Under AddressSanitizer freed memory sits in a quarantine that grows with
// every allocation, so RSS would measure the sanitizer; turn it off.
it::Env rss_env() {
#if defined(__SANITIZE_ADDRESS__)
  const char* asan = std::getenv("ASAN_OPTIONS");
  return {{"ASAN_OPTIONS", std::string(asan != nullptr ? asan : "") + ":quarantine_size_mb=0"}};
#else
  return {};
#endif
}

}  // namespace

TEST_CASE("table output shows control characters in values and column names, never sends them", "[output]") {
  const std::string esc(1, '\x1b');
  const std::string value = "chr(27) || '[31mred' || chr(7) || chr(8) || chr(127) || chr(155) || '2J' || chr(1)";
  const auto r = pgdba({"sql", "-c", "select " + value + " as \"" + esc + "[1mname\", E'tab\\tline\\nend' as n"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_FALSE(has_terminal_controls(r.out));
  // the escapes are what the widths count: 35 and 14 columns
  const std::string header = "\\x1b[1mname" + std::string(26, ' ') + "n\n";
  const std::string rule = std::string(35, '-') + "  " + std::string(14, '-') + "\n";
  const std::string row = "\\x1b[31mred\\x07\\x08\\x7f\\u009b2J\\x01  tab\\tline\\nend\n";
  CHECK(r.out == header + rule + row + "(1 row)\n");
}

TEST_CASE("json and jsonl keep one row per line when json values hold line breaks", "[output]") {
  // json keeps the text as typed; numbers must come out digit for digit
  const std::string q =
      "select E'{\\n  \"a\": 1,\\n  \"n\": 1e400,\\n  \"s\": \"x  y\"\\n}'::json as j, "
      "E'[1,\\n 12345678901234567890.5]'::jsonb as b, array[E'{\\n\"x\": 2}'::json] as arr "
      "from generate_series(1, 2)";
  const auto jsonl = pgdba({"sql", "-c", q, "-o", "jsonl"});
  INFO(jsonl.err);
  REQUIRE(jsonl.code == 0);
  const std::string row = R"({"j":{"a":1,"n":1e400,"s":"x  y"},"b":[1,12345678901234567890.5],"arr":[{"x":2}]})";
  CHECK(jsonl.out == row + "\n" + row + "\n");

  const auto json = pgdba({"sql", "-c", q, "-o", "json"});
  REQUIRE(json.code == 0);
  CHECK(json.out == "[\n  " + row + ",\n  " + row + "\n]\n");

  const auto parsed = pgdba({"sql", "-c", "select E'{\\n\"a\": [1,\\n2]}'::jsonb as j", "-o", "json"});
  REQUIRE(parsed.code == 0);
  CHECK(it::parse_json(parsed.out)[0]["j"]["a"][1] == 2);
}

TEST_CASE("repeated column names get the same suffixes in json, jsonl, csv and table", "[output]") {
  const std::string q = "select 1 as a, 2 as a, 3 as a_2, 4, 5";
  const auto json = pgdba({"sql", "-c", q, "-o", "json"});
  INFO(json.err);
  REQUIRE(json.code == 0);
  CHECK(json.out == "[\n  {\"a\":1,\"a_3\":2,\"a_2\":3,\"?column?\":4,\"?column?_2\":5}\n]\n");
  CHECK(it::parse_json(json.out)[0].size() == 5);

  const auto jsonl = pgdba({"sql", "-c", q, "-o", "jsonl"});
  CHECK(jsonl.out == "{\"a\":1,\"a_3\":2,\"a_2\":3,\"?column?\":4,\"?column?_2\":5}\n");
  const auto csv = pgdba({"sql", "-c", q, "-o", "csv"});
  CHECK(csv.out == "a,a_3,a_2,?column?,?column?_2\n1,2,3,4,5\n");
  const auto table = pgdba({"sql", "-c", q});
  CHECK(lines_of(table.out).at(0) == "a  a_3  a_2  ?column?  ?column?_2");

  // sectioned jsonl names the section in a field: a column of that name moves aside
  const auto sections = pgdba({"sql", "-c", "select 1 as section; select 2 as x", "-o", "jsonl"});
  CHECK(sections.out == "{\"section\":\"statement_1\",\"section_2\":1}\n{\"section\":\"statement_2\",\"x\":2}\n");
}

TEST_CASE("table output streams: memory stays flat however many rows come", "[output][stream]") {
  const auto query = [](int rows) {
    return "select g, repeat('x', 50) from generate_series(1, " + std::to_string(rows) + ") g";
  };
  const Measured small = run_measured({"sql", "-c", query(20000)}, rss_env());
  const Measured big = run_measured({"sql", "-c", query(300000)}, rss_env());
  INFO(big.err);
  REQUIRE(small.code == 0);
  REQUIRE(big.code == 0);
  // widths come from the first rows; later, longer numbers push their line
  CHECK(big.first_lines.rfind("   g  repeat\n----  ------", 0) == 0);
  CHECK(big.last_lines.find("\n300000  " + std::string(50, 'x') + "\n(300000 rows)\n") != std::string::npos);
  // Holding the table took about 45 MB more for 300000 rows than for 20000.
  INFO("peak RSS: " << small.max_rss_kb << " kB for 20000 rows, " << big.max_rss_kb << " kB for 300000");
  CHECK(big.max_rss_kb - small.max_rss_kb < 16L * 1024);
#if !defined(__SANITIZE_ADDRESS__)
  CHECK(big.max_rss_kb < 40L * 1024);
#endif
}

TEST_CASE("errors are JSON when the config file makes JSON the default output", "[output]") {
  const std::string config = it::temp_file("[defaults]\noutput = \"json\"\n", ".toml");
  const auto r = pgdba({"-h", "/nonexistent-socket-dir", "db", "list"}, "", {{"PGDBA_CONFIG", config}});
  CHECK(r.code == 3);
  const auto err = it::parse_json(r.err);
  REQUIRE(err.contains("error"));
  CHECK(err["error"]["sqlstate"] == "08001");
  // The command line still wins over the config file.
  const auto table =
      pgdba({"-h", "/nonexistent-socket-dir", "-o", "table", "db", "list"}, "", {{"PGDBA_CONFIG", config}});
  CHECK(table.code == 3);
  CHECK_THAT(table.err, Catch::StartsWith("pgdba: error:"));
}
