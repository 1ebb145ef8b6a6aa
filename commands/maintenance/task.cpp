#include "commands/maintenance/task.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "commands/maintenance/task_progress.hpp"
#include "src/cancel.hpp"
#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/format.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/size_arg.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

constexpr const char* kLockNotAvailable = "55P03";
constexpr const char* kQueryCanceled = "57014";

bool window_over(const Guards& g) {
  return g.deadline && std::chrono::steady_clock::now() >= *g.deadline;
}

std::string object_name(const MaintenanceTask& t) {
  std::string n = t.schema + "." + t.table;
  if (!t.index.empty()) n = t.schema + "." + t.index;
  return n;
}

// Sleeps `seconds`, waking early on Ctrl-C.
void pause_for(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!cancel::requested() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// A failed REINDEX CONCURRENTLY leaves an invalid copy of the index behind
// (the server does not clean it up); drop it so the failure costs nothing.
void drop_leftovers(Context& ctx, Session& s, const MaintenanceTask& t) {
  if (t.statement.rfind("REINDEX", 0) != 0 || t.statement.find("CONCURRENTLY") == std::string::npos) return;
  try {
    const std::string table = quote_ident(t.schema) + "." + quote_ident(t.table);
    const Rows left =
        s.exec(sql_text("maintenance/leftover_concurrent_indexes"), {table.c_str()}, "looking for leftover indexes");
    for (const auto& row : left) {
      const std::string drop =
          "DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(row["schema"].str(), row["index"].str());
      log::warn(t.database + ": dropping " + row["schema"].str() + "." + row["index"].str() +
                ", left invalid by the failed REINDEX CONCURRENTLY");
      ctx.mutate(s, drop, "dropping a leftover index");
    }
  } catch (const Error& e) {
    log::warn(t.database + ": could not drop the invalid index REINDEX CONCURRENTLY left on " + t.schema + "." +
              t.table + ": " + e.what());
  }
}

// --max-replication-lag: waits while a standby is further behind than the
// limit; false when the window ended meanwhile.
bool wait_for_standbys(Session& s, const MaintenanceTask& t, const Guards& g) {
  bool said = false;
  for (;;) {
    const Rows r = s.exec(sql_text("maintenance/replication_lag"), "measuring replication lag");
    const double lag = r.empty() || r[0][0].is_null() ? 0 : r[0][0].as<double>();
    if (lag <= *g.max_lag_bytes) return true;
    if (!said) {
      log::info(t.database + ": a standby is " + number_text(lag) + " bytes behind; waiting before " + object_name(t));
      said = true;
    }
    if (window_over(g) || cancel::requested()) return false;
    pause_for(5);
  }
}

// Before a rewrite: why it cannot fit, or nothing when it fits or the free
// space cannot be seen from here (a remote server, a role that may not read
// data_directory): the statement then runs as it would without the check.
std::optional<std::string> no_room(Session& s, const MaintenanceTask& t) {
  const Rows r =
      s.exec(sql_text("maintenance/rewrite_space", s.server_version()), {t.size_of.c_str()}, "finding the tablespace");
  if (r.empty() || r[0]["directory"].is_null()) {
    log::debug(t.database + ": free disk space for " + object_name(t) + " not checked: data_directory not readable");
    return std::nullopt;
  }
  std::string dir = r[0]["directory"].str();
  if (!r[0]["local"].as<bool>()) {
    log::debug(t.database + ": free disk space for " + object_name(t) + " not checked: the server is remote");
    return std::nullopt;
  }
  struct statvfs fs {};
  if (statvfs(dir.c_str(), &fs) != 0) {
    log::debug(t.database + ": free disk space for " + object_name(t) + " not checked: " + dir + ": " +
               std::strerror(errno));
    return std::nullopt;
  }
  const double free_bytes = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
  if (static_cast<double>(t.size) <= free_bytes) return std::nullopt;
  return "a rewrite needs about " + format_size(static_cast<double>(t.size)) + " free in tablespace " +
         r[0]["tablespace"].str() + " (" + dir + "), which has " + format_size(free_bytes) +
         ": not started (--no-disk-check runs it anyway)";
}

}  // namespace

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void guard_options(Verb& v, GuardOptions& o) {
  v.option("--retries", &o.retries,
           "try an object whose lock was not granted within --lock-timeout this many more times (default 0)")
      .option("--retry-pause", &o.retry_pause, "wait between tries (default 5s)")
      .option("--window", &o.window, "start no new object after this long (2h); what is left is skipped-window")
      .flag("--enforce", &o.enforce, "with --window: cancel the statement still running when the window ends")
      .option("--max-replication-lag", &o.max_replication_lag,
              "before each object, wait while a standby replays more than this behind (100MB)")
      .flag("--no-disk-check", &o.no_disk_check,
            "rewrite (VACUUM FULL, CLUSTER, REINDEX) even when the tablespace seems to lack the room");
}

Guards guards_from(const GuardOptions& o) {
  Guards g;
  if (o.retries < 0) throw usage_error("--retries cannot be negative");
  g.retries = o.retries;
  g.pause_seconds = parse_duration("--retry-pause", o.retry_pause);
  if (o.enforce && o.window.empty()) throw usage_error("--enforce needs --window");
  if (!o.window.empty()) {
    const double s = parse_duration("--window", o.window);
    if (s <= 0) throw usage_error("--window must be longer than 0");
    g.deadline = std::chrono::steady_clock::now() +
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
  }
  g.enforce = o.enforce;
  if (!o.max_replication_lag.empty()) g.max_lag_bytes = parse_size("--max-replication-lag", o.max_replication_lag);
  g.disk_check = !o.no_disk_check;
  return g;
}

void run_task(Context& ctx, SessionCache& cache, MaintenanceTask& t, const std::string& setup, const Guards& lock) {
  if (cancel::requested()) {
    t.status = "cancelled";
    return;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto finish = [&] { t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  Session* session = nullptr;
  try {
    cache.keep_only(t.target, t.database);
    // The DDL session: lock_timeout is set (--lock-timeout, 5s by default)
    // so a busy table is skipped, not queued behind.
    Session& s = cache.get(ctx, t.target, SessionKind::Ddl, t.database);
    session = &s;
    if (lock.max_lag_bytes && !wait_for_standbys(s, t, lock)) {
      t.status = "skipped-window";
      return;
    }
    if (window_over(lock)) {
      t.status = "skipped-window";
      return;
    }
    if (!setup.empty()) s.exec(setup, "preparing the session");
    if (lock.enforce) {
      // The server cancels the statement when the window ends.
      const auto left = std::chrono::duration<double, std::milli>(*lock.deadline - std::chrono::steady_clock::now());
      const std::string ms = std::to_string(std::max<long long>(1, static_cast<long long>(left.count())));
      s.exec("SELECT pg_catalog.set_config('statement_timeout', $1, false)", {ms.c_str()}, "limiting to the window");
    }
    for (int attempt = 0;; ++attempt) {
      s.take_notices();
      try {
        if (!t.size_sql.empty()) {
          // The catalog's page count is as old as the last VACUUM or
          // ANALYZE; the real size now is what "after" is compared with.
          const Rows r = s.exec(t.size_sql, {t.size_of.c_str()}, "measuring");
          if (!r.empty() && !r[0][0].is_null()) t.size = r[0][0].as<long long>();
          if (lock.disk_check && !ctx.dry_run()) {
            if (auto why = no_room(s, t)) {
              t.status = "skipped-disk";
              t.error = *why;
              log::warn(t.database + ": " + object_name(t) + ": " + *why);
              finish();
              return;
            }
          }
        }
        ctx.mutate(s, t.statement, "processing " + object_name(t));
        break;
      } catch (const Error& e) {
        if (e.sqlstate != kLockNotAvailable) throw;
        drop_leftovers(ctx, s, t);
        if (attempt >= lock.retries || cancel::requested()) {
          t.status = "skipped-locked";
          t.error = e.what();
          log::warn(t.database + ": " + object_name(t) + ": " + e.what() + " (" + std::to_string(attempt + 1) +
                    (attempt == 0 ? " try)" : " tries)"));
          finish();
          return;
        }
        log::info(t.database + ": " + object_name(t) + " is locked; retrying in " + number_text(lock.pause_seconds) +
                  " s");
        pause_for(lock.pause_seconds);
      }
    }
    t.status = "done";
    for (const auto& n : s.take_notices())
      if (n.find("skipping") != std::string::npos) t.status = "skipped-locked";
    if (!t.size_sql.empty() && t.status == "done") {
      const Rows r = s.exec(t.size_sql, {t.size_of.c_str()}, "measuring");
      if (!r.empty() && !r[0][0].is_null()) t.size_after = r[0][0].as<long long>();
    }
  } catch (const Error& e) {
    if (e.sqlstate == kQueryCanceled && lock.enforce && window_over(lock)) {
      t.status = "cancelled-window";
      t.error = e.what();
      if (session != nullptr && session->is_open()) drop_leftovers(ctx, *session, t);
    } else if (e.sqlstate == "42P01" || e.sqlstate == "42704" || e.sqlstate == "3D000" ||
               (!t.database.empty() && database_gone(ctx, cache, t.target, t.database))) {
      t.status = "skipped-dropped";
      log::warn(t.database + ": " + object_name(t) + " was dropped meanwhile: skipped");
    } else {
      t.status = cancel::requested() ? "cancelled" : "failed";
      t.error = e.what();
      if (session != nullptr && session->is_open()) drop_leftovers(ctx, *session, t);
    }
  } catch (const std::exception& e) {
    t.status = "failed";
    t.error = std::string("internal error: ") + e.what();
  }
  finish();
}

std::vector<UnitRef> maintenance_units(Context& ctx, const VerbRecord& rec, const std::vector<std::string>& dbs,
                                       int jobs) {
  const std::vector<std::string>& targets = ctx.targets();
  const bool fleet = !targets.empty();
  if (!dbs.empty()) {
    if (rec.fan_out.all_databases) throw usage_error("--db cannot be combined with --all-databases");
    for (const auto& d : dbs)
      check_identifier("database", d);
    std::vector<UnitRef> units;
    for (const auto& t : fleet ? targets : std::vector<std::string>{""})
      for (const auto& d : dbs)
        units.push_back(UnitRef{t, d, std::nullopt});
    return units;
  }
  return list_units(ctx, rec, targets, rec.fan_out.all_databases, std::max(jobs, fleet ? 8 : 1));
}

std::string resolve_relations(Context& ctx, SessionCache& cache, const UnitRef& unit,
                              const std::vector<std::string>& names, const std::string& what) {
  Session& user = cache.get(ctx, unit.target, SessionKind::User, unit.database);
  std::vector<std::string> ids;
  for (const auto& n : names) {
    const Rows r = user.exec(sql_text("maintenance/resolve_table"), {n.c_str()}, "resolving --" + what);
    if (r[0][0].is_null()) {
      Error e = failure(what + " \"" + n + "\" does not exist in database \"" + user.dbname() + "\"");
      e.sqlstate = "42P01";
      throw e;
    }
    ids.push_back(r[0][0].str());
  }
  return text_array_literal(ids);
}

std::vector<MaintenanceTask> plan_and_run(Context& ctx, const std::vector<UnitRef>& units, int jobs,
                                          const Planner& planner, const std::string& setup, const Guards& lock) {
  std::vector<TaskPlan> plans(units.size());
  std::vector<std::optional<Error>> errors(units.size());
  for (std::size_t i = 0; i < units.size(); ++i)
    errors[i] = units[i].error;
  TaskProgress progress(ctx);
  pipeline_for(
      units.size(), jobs,
      [&](std::size_t i, SessionCache& cache) -> std::size_t {
        if (errors[i]) return 0;
        try {
          cache.keep_only(units[i].target, units[i].database);
          TaskPlan& p = plans[i];
          p = planner(units[i], cache);
          if (p.groups.empty())
            for (std::size_t k = 0; k < p.tasks.size(); ++k)
              if (p.tasks[k].status == "planned") p.groups.push_back({k});
        } catch (const Error& e) {
          if (!units[i].database.empty() && database_gone(ctx, cache, units[i].target, units[i].database)) {
            log::warn(units[i].database + ": dropped while being planned: skipped");
            plans[i] = TaskPlan{};
          } else {
            errors[i] = e;
          }
        } catch (const std::exception& e) {
          errors[i] = failure(std::string("internal error: ") + e.what());
        }
        if (ctx.dry_run()) return 0;
        std::size_t n = 0;
        for (const auto& g : plans[i].groups)
          n += g.size();
        progress.planned(n);
        return plans[i].groups.size();
      },
      [&](std::size_t i, std::size_t k, SessionCache& cache) {
        for (std::size_t t : plans[i].groups[k]) {
          MaintenanceTask& task = plans[i].tasks[t];
          int pid = 0;
          if (progress.on()) {
            try {
              cache.keep_only(task.target, task.database);
              pid = cache.get(ctx, task.target, SessionKind::Ddl, task.database).backend_pid();
            } catch (const std::exception&) {
              pid = 0;  // run_task meets the same error and records it
            }
          }
          const int token = progress.started(task, pid);
          run_task(ctx, cache, task, setup, lock);
          progress.finished(token);
        }
      });
  std::vector<MaintenanceTask> tasks;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (errors[i]) {
      MaintenanceTask t;
      t.target = units[i].target;
      t.database = units[i].database;
      t.status = "failed";
      t.error = errors[i]->what();
      const std::string where = !t.database.empty() ? t.database : t.target;
      log::error(where.empty() ? t.error : where + ": " + t.error);
      tasks.push_back(std::move(t));
      continue;
    }
    for (auto& t : plans[i].tasks)
      tasks.push_back(std::move(t));
  }
  return tasks;
}

void emit_tasks(Context& ctx, const std::string& name, const std::vector<MaintenanceTask>& tasks,
                const TaskColumns& c) {
  std::vector<Column> cols;
  if (c.target) cols.push_back({"target", Kind::Text, Kind::Text});
  for (const char* n : {"database", "schema", "table"})
    cols.push_back({n, Kind::Text, Kind::Text});
  if (c.index) cols.push_back({"index", Kind::Text, Kind::Text});
  for (const char* n : {"reason", "statement"})
    cols.push_back({n, Kind::Text, Kind::Text});
  cols.push_back({"size", Kind::Bytes, Kind::Text});
  if (c.size_after) cols.push_back({"size_after", Kind::Bytes, Kind::Text});
  cols.push_back({"seconds", Kind::Seconds, Kind::Text});
  cols.push_back({"status", Kind::Text, Kind::Text});
  cols.push_back({"error", Kind::Text, Kind::Text});
  Table out(name, cols);
  const auto text = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
  int done = 0, failed = 0;
  for (const auto& t : tasks) {
    const bool object = !t.table.empty() || !t.index.empty() || t.database_wide;
    std::vector<std::optional<std::string>> row;
    if (c.target) row.emplace_back(t.target);
    row.emplace_back(text(t.database));
    row.emplace_back(text(t.schema));
    row.emplace_back(text(t.table));
    if (c.index) row.emplace_back(text(t.index));
    row.emplace_back(t.reason);
    row.emplace_back(text(t.statement));
    const bool sized = !t.table.empty() || !t.index.empty();
    row.emplace_back(sized ? std::optional<std::string>(std::to_string(t.size)) : std::nullopt);
    if (c.size_after)
      row.emplace_back(t.size_after ? std::optional<std::string>(std::to_string(*t.size_after)) : std::nullopt);
    const bool ran = !ctx.dry_run() && object && !t.statement.empty() && t.status != "planned" &&
                     t.status != "cancelled" && t.status != "skipped-window";
    row.emplace_back(ran ? std::optional<std::string>(number_text(t.seconds)) : std::nullopt);
    row.emplace_back(ctx.dry_run() && t.status == "planned" ? "would run" : t.status);
    row.emplace_back(text(t.error));
    out.add_row(std::move(row));
    if (t.status == "failed" || t.status == "skipped-disk")
      ++failed;
    else
      ++done;
  }
  ctx.emit({out});
  if (failed > 0) ctx.set_exit_code(static_cast<int>(done > 0 ? ErrorKind::Partial : ErrorKind::Failed));
}

}  // namespace pgdba
