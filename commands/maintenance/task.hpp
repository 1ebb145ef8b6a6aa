// One object a maintenance verb (vacuum, analyze, reindex, cluster)
// processes: what is run on it and why, and afterwards what became of it.
// The statement runs on the slot's connection with the guardrails every such
// verb shares (lock_timeout with retries, Ctrl-C, an object dropped
// meanwhile); the result is one row per task.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/command.hpp"
#include "src/context.hpp"
#include "src/runner.hpp"

namespace pgdba {

struct MaintenanceTask {
  std::string target, database, schema, table, index, reason, statement;
  long long size = 0;
  // A query for the size afterwards, $1 = `size_of` (a regclass text), or "".
  std::string size_sql, size_of;
  std::optional<long long> size_after;
  double seconds = 0;
  // planned, done, skipped-locked, skipped-dropped, failed, cancelled
  std::string status = "planned";
  std::string error;
};

// How a statement waits for its lock: --lock-timeout, and --retries more
// attempts --retry-pause apart when it times out.
struct LockPolicy {
  std::string lock_timeout;  // "" = the server's setting
  int retries = 0;
  double pause_seconds = 5;
};

// The options behind a LockPolicy, as given.
struct LockOptions {
  std::string lock_timeout, retry_pause = "5s";
  int retries = 0;
};
void lock_options(Verb& v, LockOptions& o);
// Checked before connecting; throws a usage error.
LockPolicy lock_policy(const LockOptions& o);

// Runs t.statement after `setup` (SQL, may be "") and records the outcome.
// A failed REINDEX CONCURRENTLY's leftover invalid index is dropped.
void run_task(Context& ctx, SessionCache& cache, MaintenanceTask& t, const std::string& setup, const LockPolicy& lock);

// The result table: one row per task, plus the units that failed before any
// task (their error). Sets exit code 4 when some failed and others ran, 1
// when all failed.
struct TaskColumns {
  bool target = false;      // a fleet run
  bool index = false;       // reindex: the index column
  bool size_after = false;  // VACUUM FULL, REINDEX, CLUSTER
};
void emit_tasks(Context& ctx, const std::string& name, const std::vector<MaintenanceTask>& tasks,
                const TaskColumns& cols);

// A text[] literal for a bound parameter.
std::string pg_text_array(const std::vector<std::string>& items);
// A double as a parameter, round-trip exact.
std::string number_text(double v);

}  // namespace pgdba
