// config set's check of a value against pg_settings (type, unit, range,
// enum values) before anything is sent: the rules of PostgreSQL's guc.c.
#include <catch2/catch.hpp>

#include <string>

#include "commands/config/setting_value.hpp"
#include "src/errors.hpp"

using namespace pgdba;

namespace {

SettingSpec integer(const std::string& name, const std::string& unit, double min, double max) {
  return SettingSpec{name, "integer", unit, min, max, {}};
}

const SettingSpec shared_buffers = integer("shared_buffers", "8kB", 16, 1073741823);
const SettingSpec wal_buffers = integer("wal_buffers", "8kB", -1, 262143);
const SettingSpec work_mem = integer("work_mem", "kB", 64, 2147483647);
const SettingSpec statement_timeout = integer("statement_timeout", "ms", 0, 2147483647);
const SettingSpec checkpoint_timeout = integer("checkpoint_timeout", "s", 30, 86400);
const SettingSpec max_wal_size = integer("max_wal_size", "MB", 2, 2147483647);
const SettingSpec max_connections = integer("max_connections", "", 1, 262143);
const SettingSpec log_min_duration = integer("log_min_duration_statement", "ms", -1, 2147483647);
const SettingSpec cost_delay{"vacuum_cost_delay", "real", "ms", 0, 100, {}};
const SettingSpec random_page_cost{"random_page_cost", "real", "", 0, 1.79769e+308, {}};
const SettingSpec fsync{"fsync", "bool", "", std::nullopt, std::nullopt, {}};
const SettingSpec wal_level{"wal_level", "enum", "", std::nullopt, std::nullopt, {"minimal", "replica", "logical"}};
const SettingSpec sync_commit{
    "synchronous_commit", "enum",       "",
    std::nullopt,         std::nullopt, {"local", "remote_write", "remote_apply", "on", "off"}};

double amount(const SettingSpec& s, const std::string& v) {
  const auto c = check_setting_value(s, v);
  REQUIRE(c.amount);
  return *c.amount;
}

// The usage error's message, or "" when the value passed.
std::string setting_refusal(const SettingSpec& s, const std::string& v) {
  try {
    check_setting_value(s, v);
  } catch (const Error& e) {
    CHECK(e.kind == ErrorKind::Usage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("memory values convert to the parameter's unit, 8kB pages included", "[setting_value]") {
  CHECK(amount(shared_buffers, "256MB") == 32768);
  CHECK(amount(shared_buffers, "1GB") == 131072);
  CHECK(amount(wal_buffers, "8kB") == 1);
  CHECK(amount(shared_buffers, "16384") == 16384);
  CHECK(amount(shared_buffers, "128 MB") == 16384);
  CHECK(amount(shared_buffers, " 128MB ") == 16384);
  CHECK(amount(shared_buffers, "1.5GB") == 196608);
  CHECK(amount(wal_buffers, "100kB") == 12);  // 12.5 pages, rounded as rint does
  CHECK(amount(work_mem, "4MB") == 4096);
  CHECK(amount(work_mem, "1TB") == Approx(1073741824));
  CHECK(amount(work_mem, "65536B") == 64);
  CHECK(amount(max_wal_size, "1GB") == 1024);
  CHECK(amount(max_wal_size, "2TB") == 2097152);
}

TEST_CASE("time values convert to the parameter's unit", "[setting_value]") {
  CHECK(amount(statement_timeout, "30s") == 30000);
  CHECK(amount(statement_timeout, "5min") == 300000);
  CHECK(amount(statement_timeout, "1h") == 3600000);
  CHECK(amount(statement_timeout, "1d") == 86400000);
  CHECK(amount(statement_timeout, "1500us") == 2);
  CHECK(amount(statement_timeout, "250") == 250);
  CHECK(amount(checkpoint_timeout, "5min") == 300);
  CHECK(amount(checkpoint_timeout, "1h") == 3600);
  CHECK(amount(checkpoint_timeout, "90000ms") == 90);
  CHECK(amount(log_min_duration, "-1") == -1);
  CHECK(amount(cost_delay, "2ms") == 2);
  CHECK(amount(cost_delay, "500us") == Approx(0.5));
  CHECK(amount(cost_delay, "0.5") == Approx(0.5));
}

TEST_CASE("integers read as PostgreSQL reads them: C prefixes, fractions rounded", "[setting_value]") {
  CHECK(amount(max_connections, "100") == 100);
  CHECK(amount(max_connections, "0x10") == 16);
  CHECK(amount(max_connections, "99.6") == 100);
  CHECK(amount(max_connections, "1e2") == 100);
  CHECK(amount(random_page_cost, "1.1") == Approx(1.1));
}

TEST_CASE("out-of-range values are refused, naming the range readably", "[setting_value]") {
  const std::string small = setting_refusal(shared_buffers, "64kB");
  CHECK_THAT(small, Catch::Contains("shared_buffers") && Catch::Contains("outside the allowed range") &&
                        Catch::Contains("16 .. 1073741823 × 8kB") && Catch::Contains("128kB"));
  CHECK_THAT(setting_refusal(checkpoint_timeout, "10s"), Catch::Contains("30 .. 86400 s (30s .. 1d)"));
  CHECK_THAT(setting_refusal(checkpoint_timeout, "2d"), Catch::Contains("outside"));
  CHECK_THAT(setting_refusal(max_connections, "0"), Catch::Contains("1 .. 262143"));
  CHECK_THAT(setting_refusal(work_mem, "4TB"), Catch::Contains("outside") || Catch::Contains("out of range"));
  CHECK_THAT(setting_refusal(max_connections, "99999999999"), Catch::Contains("out of range"));
  CHECK_THAT(setting_refusal(cost_delay, "101"), Catch::Contains("0 .. 100 ms"));
  CHECK_THAT(setting_refusal(log_min_duration, "-2"), Catch::Contains("outside"));
}

TEST_CASE("units must fit the parameter, and spelled as PostgreSQL spells them", "[setting_value]") {
  CHECK_THAT(setting_refusal(shared_buffers, "5min"),
             Catch::Contains("unknown unit \"min\"") && Catch::Contains("B, kB, MB, GB and TB"));
  CHECK_THAT(setting_refusal(statement_timeout, "1GB"), Catch::Contains("us, ms, s, min, h and d"));
  CHECK_THAT(setting_refusal(shared_buffers, "128mb"), Catch::Contains("unknown unit \"mb\""));
  CHECK_THAT(setting_refusal(statement_timeout, "5m"), Catch::Contains("unknown unit"));
  CHECK_THAT(setting_refusal(max_connections, "100kB"), Catch::Contains("takes no unit"));
  for (const std::string bad : {"", "abc", "MB", "12MB3", "nan", "inf", "1 2", "--1"}) {
    INFO(bad);
    CHECK_FALSE(setting_refusal(shared_buffers, bad).empty());
  }
  CHECK_FALSE(setting_refusal(random_page_cost, "nan").empty());
  CHECK_FALSE(setting_refusal(random_page_cost, "fast").empty());
}

TEST_CASE("booleans take parse_bool's spellings", "[setting_value]") {
  for (const std::string yes : {"on", "ON", "true", "t", "tr", "yes", "y", "1", "True"}) {
    INFO(yes);
    CHECK(parse_setting_bool(yes) == std::optional<bool>(true));
    CHECK(setting_refusal(fsync, yes).empty());
  }
  for (const std::string no : {"off", "of", "false", "f", "no", "n", "0", "OFF"}) {
    INFO(no);
    CHECK(parse_setting_bool(no) == std::optional<bool>(false));
  }
  for (const std::string bad : {"o", "2", "", "onn", "yess", "enabled", " on"}) {
    INFO(bad);
    CHECK_FALSE(parse_setting_bool(bad));
  }
  CHECK_THAT(setting_refusal(fsync, "maybe"), Catch::Contains("fsync") && Catch::Contains("on or off"));
}

TEST_CASE("enums take their values in any case, on/off enums the boolean spellings too", "[setting_value]") {
  CHECK(setting_refusal(wal_level, "replica").empty());
  CHECK(setting_refusal(wal_level, "LOGICAL").empty());
  CHECK_THAT(setting_refusal(wal_level, "archive"), Catch::Contains("minimal, replica, logical"));
  CHECK_THAT(setting_refusal(wal_level, "on"), Catch::Contains("allowed values"));
  CHECK(setting_refusal(sync_commit, "remote_apply").empty());
  CHECK(setting_refusal(sync_commit, "true").empty());
  CHECK(setting_refusal(sync_commit, "0").empty());
  CHECK_FALSE(setting_refusal(sync_commit, "sometimes").empty());
}

TEST_CASE("strings pass as they are", "[setting_value]") {
  const SettingSpec app{"application_name", "string", "", std::nullopt, std::nullopt, {}};
  CHECK(setting_refusal(app, "").empty());
  CHECK(setting_refusal(app, "it's; drop table x").empty());
}

TEST_CASE("amounts read back as SHOW writes them", "[setting_value]") {
  CHECK(format_setting_amount(16384, "8kB") == "128MB");
  CHECK(format_setting_amount(16, "8kB") == "128kB");
  CHECK(format_setting_amount(4096, "kB") == "4MB");
  CHECK(format_setting_amount(1000, "kB") == "1000kB");
  CHECK(format_setting_amount(300, "s") == "5min");
  CHECK(format_setting_amount(86400, "s") == "1d");
  CHECK(format_setting_amount(1500, "ms") == "1500ms");
  CHECK(format_setting_amount(0, "ms") == "0");
  CHECK(format_setting_amount(-1, "ms") == "-1");
  CHECK(format_setting_amount(0.5, "ms") == "0.5");
  CHECK(format_setting_amount(100, "") == "100");
  CHECK(format_setting_amount(1024, "MB") == "1GB");
}

TEST_CASE("unknown names find their near neighbours", "[setting_value]") {
  const std::vector<std::string> names = {"shared_buffers", "temp_buffers",         "wal_buffers",
                                          "work_mem",       "maintenance_work_mem", "max_connections"};
  CHECK(similar_setting_names("shared_bufers", names).front() == "shared_buffers");
  CHECK(similar_setting_names("work_men", names).front() == "work_mem");
  const auto buffers = similar_setting_names("buffers", names);
  CHECK(buffers.size() == 3);
  CHECK(similar_setting_names("Max_Connection", names) == std::vector<std::string>{"max_connections"});
  CHECK(similar_setting_names("zzzzzzzz", names).empty());
}

TEST_CASE("values become SQL literals, quoted lists one literal per element", "[setting_value]") {
  CHECK(setting_value_sql("work_mem", "64MB") == "'64MB'");
  CHECK(setting_value_sql("application_name", "it's") == "'it''s'");
  CHECK(setting_value_sql("log_destination", "stderr,csvlog") == "'stderr,csvlog'");
  CHECK(setting_value_sql("shared_preload_libraries", "pg_stat_statements, auto_explain") ==
        "'pg_stat_statements', 'auto_explain'");
  CHECK(setting_value_sql("search_path", "\"$user\", public") == "'$user', 'public'");
  CHECK(setting_value_sql("shared_preload_libraries", "") == "''");
  CHECK_THROWS_AS(setting_value_sql("search_path", "a,,b"), Error);
}
