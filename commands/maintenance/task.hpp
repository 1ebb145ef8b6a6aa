// One object a maintenance verb (vacuum, analyze, reindex, cluster)
// processes: what is run on it and why, and afterwards what became of it.
// The statement runs on the slot's connection with the guardrails every such
// verb shares (lock_timeout with retries, Ctrl-C, an object dropped
// meanwhile); the result is one row per task.
#pragma once

#include <chrono>
#include <functional>
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
  bool database_wide = false;  // REINDEX SYSTEM: no single table
  std::string history_key;     // reindex: the index's key in the rebuild history
  double seconds = 0;
  // planned, done, skipped-locked, skipped-dropped, skipped-window,
  // skipped-disk, cancelled-window, failed, cancelled
  std::string status = "planned";
  std::string error;
};

// The guardrails every maintenance verb shares:
// - a lock not granted within lock_timeout (the global --lock-timeout, 5s
//   by default for maintenance as for DDL): --retries more attempts,
//   --retry-pause apart;
// - --window: no new object is started after it ends; with --enforce the
//   running statement is cancelled when it ends (statement_timeout);
// - --max-replication-lag: before each object, wait while a standby of the
//   server is further behind than this;
// - before a rewrite (VACUUM FULL, CLUSTER, REINDEX), room for its size in
//   the tablespace's file system, else the object is skipped-disk.
struct Guards {
  int retries = 0;
  double pause_seconds = 5;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool enforce = false;
  std::optional<double> max_lag_bytes;
  // VACUUM FULL, CLUSTER, REINDEX: refuse a rewrite whose size does not fit
  // in the free space of its tablespace (when that can be seen from here).
  bool disk_check = true;
};

// The options behind Guards, as given.
struct GuardOptions {
  std::string retry_pause = "5s", window, max_replication_lag;
  int retries = 0;
  bool enforce = false;
  bool no_disk_check = false;
};
void guard_options(Verb& v, GuardOptions& o);
// Checked before connecting (throws a usage error); the window starts now.
Guards guards_from(const GuardOptions& o);

// Runs t.statement after `setup` (SQL, may be "") and records the outcome.
// A failed REINDEX CONCURRENTLY's leftover invalid index is dropped.
void run_task(Context& ctx, SessionCache& cache, MaintenanceTask& t, const std::string& setup, const Guards& lock);

// Where a maintenance verb runs: the --db databases on each target, else
// every database (--all-databases) or the connection's own.
std::vector<UnitRef> maintenance_units(Context& ctx, const VerbRecord& rec, const std::vector<std::string>& dbs,
                                       int jobs);

// Relation names as SQL spells them (schema.name, quoted, search_path
// relative, as vacuumdb and reindexdb take them), resolved on the user's
// session of `unit`: an oid[] literal. A missing one throws (42P01).
std::string resolve_relations(Context& ctx, SessionCache& cache, const UnitRef& unit,
                              const std::vector<std::string>& names, const std::string& what);

// What a verb found to do in one database: its tasks, and which of them
// must run one after the other on one slot (e.g. the indexes of one table,
// which REINDEX CONCURRENTLY cannot rebuild side by side). No groups: each
// task still "planned" on its own (one the planner already judged is not run).
struct TaskPlan {
  std::vector<MaintenanceTask> tasks;
  std::vector<std::vector<std::size_t>> groups;
};
using Planner = std::function<TaskPlan(const UnitRef&, SessionCache&)>;
// Plans each unit and runs its tasks over `jobs` slots (pipeline_for); in a
// dry run nothing runs. Returns every task in unit order, a unit that could
// not be planned as one failed task with its error.
std::vector<MaintenanceTask> plan_and_run(Context& ctx, const std::vector<UnitRef>& units, int jobs,
                                          const Planner& planner, const std::string& setup, const Guards& lock);

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

// A double as a parameter, round-trip exact.
std::string number_text(double v);

}  // namespace pgdba
