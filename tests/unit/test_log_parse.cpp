// The server log's formats split into entries, as the server writes them.
#include <catch2/catch.hpp>

#include "commands/logs/log_parse.hpp"

using namespace pgdba;

namespace {

std::vector<LogEntry> parse_all(LogFormat f, const std::string& prefix, const std::string& text) {
  LogParser p(f, prefix);
  std::vector<LogEntry> out;
  REQUIRE(p.feed(text, true, out) == text.size());
  return out;
}

const char* kPrefix = "%m [%p] %q%u@%d/%a ";

}  // namespace

TEST_CASE("stderr: entries with detail, statement and continuation lines", "[logs]") {
  const std::string text =
      "2026-11-24 00:14:38.123 UTC [4242] app user@my db/psql one ERROR:  division by zero\n"
      "2026-11-24 00:14:38.123 UTC [4242] app user@my db/psql one STATEMENT:  select 1/0\n"
      "\tfrom t\n"
      "2026-11-24 00:14:39.000 UTC [17] LOG:  checkpoint starting: time\n"
      "2026-11-24 00:14:40.000 UTC [4243] bob@postgres/ FATAL:  password authentication failed for user \"bob\"\n"
      "2026-11-24 00:14:40.000 UTC [4243] bob@postgres/ DETAIL:  Connection matched pg_hba.conf line 99\n";
  const auto e = parse_all(LogFormat::Stderr, kPrefix, text);
  REQUIRE(e.size() == 3);
  CHECK(e[0].time == "2026-11-24 00:14:38.123 UTC");
  CHECK(e[0].pid == "4242");
  CHECK(e[0].user == "app user");
  CHECK(e[0].database == "my db");
  CHECK(e[0].application == "psql one");
  CHECK(e[0].level == "ERROR");
  CHECK(e[0].message == "division by zero");
  CHECK(e[0].statement == "select 1/0\nfrom t");
  // %q: a background process writes nothing after it.
  CHECK(e[1].pid == "17");
  CHECK(e[1].user.empty());
  CHECK(e[1].level == "LOG");
  CHECK(e[1].message == "checkpoint starting: time");
  CHECK(e[2].user == "bob");
  CHECK(e[2].application.empty());
  CHECK(e[2].detail == "Connection matched pg_hba.conf line 99");
}

TEST_CASE("stderr: a line that is not a server message is kept whole", "[logs]") {
  const auto e = parse_all(LogFormat::Stderr, kPrefix, "waiting for server to start\n");
  REQUIRE(e.size() == 1);
  CHECK(e[0].level.empty());
  CHECK(e[0].message == "waiting for server to start");
}

TEST_CASE("stderr: other prefixes (%t, %n, padding, %e, %%)", "[logs]") {
  auto e = parse_all(LogFormat::Stderr, "%t %-8p %e %% ", "2026-11-24 00:14:38 CET 42       22012 % ERROR:  x\n");
  REQUIRE(e.size() == 1);
  CHECK(e[0].time == "2026-11-24 00:14:38 CET");
  CHECK(e[0].pid == "42");
  CHECK(e[0].sqlstate == "22012");
  e = parse_all(LogFormat::Stderr, "%n|%u|", "1764000000.123|bob|LOG:  hello\n");
  REQUIRE(e.size() == 1);
  CHECK(e[0].time == "1764000000.123");
  CHECK(e[0].user == "bob");
  // The default prefix of 13+ ("%m [%p] ").
  e = parse_all(LogFormat::Stderr, "%m [%p] ", "2026-11-24 00:14:38.123 UTC [1] WARNING:  w\n");
  REQUIRE(e.size() == 1);
  CHECK(e[0].level == "WARNING");
  LogParser none(LogFormat::Stderr, "[%p] ");
  CHECK_FALSE(none.prefix_has_time());
  LogParser with(LogFormat::Stderr, kPrefix);
  CHECK(with.prefix_has_time());
}

TEST_CASE("stderr: an entry that may go on is held back until the next chunk", "[logs]") {
  LogParser p(LogFormat::Stderr, kPrefix);
  std::vector<LogEntry> out;
  const std::string a = "2026-11-24 00:14:38.123 UTC [1] LOG:  first\n2026-11-24 00:14:38.124 UTC [2] ERROR:  second\n";
  const std::size_t used = p.feed(a, false, out);
  REQUIRE(out.size() == 1);  // "second" may still get a DETAIL
  CHECK(out[0].message == "first");
  std::string rest = a.substr(used) + "2026-11-24 00:14:38.124 UTC [2] DETAIL:  more\n";
  out.clear();
  CHECK(p.feed(rest, true, out) == rest.size());
  REQUIRE(out.size() == 1);
  CHECK(out[0].message == "second");
  CHECK(out[0].detail == "more");
  // A line cut in the middle waits for its end.
  out.clear();
  const std::string cut = "2026-11-24 00:14:38.125 UTC [3] LOG:  half";
  CHECK(p.feed(cut, false, out) == 0);
  CHECK(out.empty());
}

TEST_CASE("stderr: resync skips a cut first entry", "[logs]") {
  LogParser p(LogFormat::Stderr, kPrefix);
  const std::string text =
      "ial line\n\tcontinued\n2026-11-24 00:14:38.123 UTC [1] DETAIL:  orphan\n"
      "2026-11-24 00:14:39.000 UTC [2] LOG:  whole\n";
  const std::size_t at = p.resync(text);
  std::vector<LogEntry> out;
  p.feed(std::string_view(text).substr(at), true, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].message == "whole");
}

TEST_CASE("csvlog: records with quotes and newlines, 13's and 14's column counts", "[logs]") {
  const std::string rec14 =
      "2026-11-24 00:14:38.123 UTC,\"bob\",\"db\",4242,\"[local]\",6543a.1,3,\"SELECT\",2026-11-24 00:14:00 UTC,"
      "3/7,0,ERROR,22012,\"division by zero, \"\"really\"\"\",,,,,,\"select 1/0\nfrom t\",,,\"psql\",\"client "
      "backend\",,0\n";
  const auto e = parse_all(LogFormat::Csv, "", rec14);
  REQUIRE(e.size() == 1);
  CHECK(e[0].user == "bob");
  CHECK(e[0].pid == "4242");
  CHECK(e[0].level == "ERROR");
  CHECK(e[0].sqlstate == "22012");
  CHECK(e[0].message == "division by zero, \"really\"");
  CHECK(e[0].statement == "select 1/0\nfrom t");
  CHECK(e[0].application == "psql");
  CHECK(e[0].backend_type == "client backend");
  // A record cut inside a quoted field waits for the rest.
  LogParser p(LogFormat::Csv, "");
  std::vector<LogEntry> out;
  CHECK(p.feed(rec14.substr(0, 150), false, out) == 0);
  CHECK(out.empty());
  LogEntry cut;
  const std::vector<std::string> not_a_record(23, "not a time");
  CHECK_FALSE(parse_csvlog_record(not_a_record, cut));
}

TEST_CASE("jsonlog: one object per line", "[logs]") {
  const std::string line =
      R"({"timestamp":"2026-11-24 00:14:38.123 UTC","user":"bob","dbname":"db","pid":4242,"remote_host":"[local]",)"
      R"("error_severity":"ERROR","state_code":"22012","message":"division by zero","statement":"select 1/0",)"
      R"("application_name":"psql","backend_type":"client backend"})";
  const auto e = parse_all(LogFormat::Json, "", line + "\n" + "not json\n");
  REQUIRE(e.size() == 2);
  CHECK(e[0].pid == "4242");
  CHECK(e[0].database == "db");
  CHECK(e[0].sqlstate == "22012");
  CHECK(e[0].statement == "select 1/0");
  CHECK(e[1].level.empty());
  CHECK(e[1].message == "not json");
}

TEST_CASE("log levels rank as client_min_messages orders them", "[logs]") {
  CHECK(log_level_rank("error") > log_level_rank("WARNING"));
  CHECK(log_level_rank("FATAL") > log_level_rank("ERROR"));
  CHECK(log_level_rank("LOG") < log_level_rank("NOTICE"));
  CHECK(log_level_rank("DEBUG") == log_level_rank("DEBUG1"));
  CHECK(log_level_rank("DETAIL") == -1);
  CHECK(log_level_rank("LOUD") == -1);
  CHECK(log_format_of("postgresql-1.csv") == LogFormat::Csv);
  CHECK(log_format_of("postgresql-1.json") == LogFormat::Json);
  CHECK(log_format_of("postgresql-1.log") == LogFormat::Stderr);
}
