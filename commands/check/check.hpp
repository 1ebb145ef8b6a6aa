// Monitoring checks: what a check is (a query or a probe, a measure, default
// thresholds, a Prometheus metric), what one run of it found, and how that
// is judged and printed for Nagios, Prometheus, JSON and tables. The checks
// themselves are data in catalog_*.cpp.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/result.hpp"
#include "src/threshold.hpp"

namespace pgdba {

class Session;

// Nagios plugin return codes.
enum class CheckStatus { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };
const char* status_word(CheckStatus s);
// The worse of two, as the Monitoring Plugins rank them: CRITICAL, WARNING,
// UNKNOWN, OK.
CheckStatus worse(CheckStatus a, CheckStatus b);

// One value a check measured.
struct CheckSample {
  std::string database;  // "" for the server as a whole
  std::string object;    // "" for the whole server or database
  double value = 0;
  std::optional<double> max;  // perfdata max (e.g. max_connections)
  std::string detail;         // what the long output says about it
  // A state no threshold decides (no verified backup at all): judged as
  // this whatever the value.
  std::optional<CheckStatus> status;
};

// How a sample becomes the judged value: as measured, its increase since
// the previous run (per second for Rate), or 1 when it differs from the
// previous run (Changed; unchanged samples are dropped), kept in the state
// file.
enum class Reduce { Gauge, Delta, Rate, Changed };

struct CheckDef {
  std::string name;  // "backends": `pgdba check backends`
  std::string help;
  Measure measure = Measure::Count;
  std::string warning, critical;  // default thresholds ("" = none)
  bool per_database = false;      // runs in every database (else once per server)
  std::string sql;                // sql/checks/<name>.sql; columns object, value[, max][, detail]
  std::string metric;             // Prometheus family after "pgdba_", with its unit suffix
  std::string what;               // what a sample is, plural: "tables"
  Reduce reduce = Reduce::Gauge;
  int min_server = 0;  // older servers: the check says UNKNOWN, not supported
  // A check that is not one query fills its samples itself.
  std::function<void(Session&, std::vector<CheckSample>&)> probe;
};

// The catalog of built-in checks, in the order `check list` shows them.
const std::vector<CheckDef>& check_catalog();
const CheckDef* find_check(const std::string& name);
// bloat or index-bloat judged on what pgstattuple measures (--exact).
CheckDef exact_bloat_check(const CheckDef& estimated);

// A judged sample.
struct CheckMetric {
  CheckSample sample;
  std::string label;  // perfdata label
  CheckStatus status = CheckStatus::Ok;
};

// One check on one target, judged.
struct CheckOutcome {
  std::string check;
  std::string target;  // "" without a fleet
  const CheckDef* def = nullptr;
  CheckStatus status = CheckStatus::Ok;
  std::string message;
  Range warning, critical;
  std::vector<CheckMetric> metrics;  // worst first
  double seconds = 0;                // how long it took
};

// Judges samples against the ranges: each sample's status, the check's
// status (the worst; `errors` make it UNKNOWN unless something is worse) and
// its one-line message. Samples come back sorted worst first.
CheckOutcome judge(const CheckDef& def, const Range& warning, const Range& critical, std::vector<CheckSample> samples,
                   const std::vector<std::string>& errors);

// A value in the check's measure, for people: "1.2 GB", "3m12s", "85.0%".
std::string format_measure(Measure m, double value);

// Output. Nagios: the first line for the service, then long output; several
// outcomes (check all, a fleet) get a summary line first.
std::string nagios_text(const std::vector<CheckOutcome>& outcomes, const std::string& service);
// Prometheus text exposition: each metric family once, with HELP and TYPE.
std::string prometheus_text(const std::vector<CheckOutcome>& outcomes);
// For table, json, jsonl and csv: "checks" (one row each) and "metrics".
Result check_tables(const std::vector<CheckOutcome>& outcomes);

// The Nagios exit code of a whole run.
int exit_code(const std::vector<CheckOutcome>& outcomes);

}  // namespace pgdba
