#include "src/runner.hpp"

#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "src/cancel.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

constexpr int kMaxSlots = 64;
constexpr int kDefaultTargetSlots = 8;
constexpr int kDefaultDatabaseSlots = 4;

std::string major_name(int v) {
  return "PostgreSQL " + std::to_string(v / 10000);
}

// What one unit of work came to.
struct Outcome {
  std::string target;
  std::string database;
  std::optional<Result> result;
  std::optional<Error> error;
  bool skipped = false;  // the object went away meanwhile: a warning
};

// An object dropped between listing it and working on it is not a failure
// (parallel_slot.c's handler for vacuumdb does the same).
bool dropped_meanwhile(const Error& e, bool listed_databases) {
  if (e.sqlstate == "3D000" || e.sqlstate == "42P01" || e.sqlstate == "3F000") return true;
  return listed_databases && e.kind == ErrorKind::Connect &&
         std::string(e.what()).find("does not exist") != std::string::npos;
}

std::string where(const Outcome& o) {
  std::string w;
  if (!o.target.empty()) w += "target " + o.target;
  if (!o.database.empty()) w += std::string(w.empty() ? "" : ", ") + "database " + o.database;
  return w;
}

// Runs `jobs` over `slots` threads, each job with the thread's own
// connections; outcomes keep the jobs' order whatever order they finish in.
void run_pool(std::vector<Outcome>& jobs, int slots, const std::function<Result(Outcome&, SessionCache&)>& work,
              bool listed_databases) {
  parallel_for(jobs.size(), slots, [&](std::size_t i, SessionCache& cache) {
    Outcome& o = jobs[i];
    try {
      cancel::check();
      cache.keep_only(o.target, o.database);
      o.result = work(o, cache);
    } catch (const Error& e) {
      o.error = e;
      o.error->target = o.target;
      o.skipped = dropped_meanwhile(e, listed_databases);
    } catch (const std::exception& e) {
      o.error = failure(std::string("internal error: ") + e.what());
    }
  });
}

std::vector<Column> prefix_columns(bool fleet, bool per_db) {
  std::vector<Column> cols;
  if (fleet) cols.push_back(Column{"target", Kind::Text, Kind::Text});
  if (per_db) cols.push_back(Column{"database", Kind::Text, Kind::Text});
  return cols;
}

std::vector<std::optional<std::string>> prefix_cells(const Outcome& o, bool fleet, bool per_db) {
  std::vector<std::optional<std::string>> cells;
  if (fleet) cells.emplace_back(o.target);
  if (per_db) cells.emplace_back(o.database);
  return cells;
}

// One result from many: every table gains target/database columns; units
// that failed become rows with an error column.
Result merge(const std::vector<Outcome>& outcomes, bool fleet, bool per_db) {
  const Outcome* shape = nullptr;
  bool failures = false;
  for (const auto& o : outcomes) {
    if (o.result && !shape) shape = &o;
    if (o.error && !o.skipped) failures = true;
  }
  const std::vector<Column> prefix = prefix_columns(fleet, per_db);
  const Column error_col{"error", Kind::Text, Kind::Text};
  if (!shape) {
    std::vector<Column> cols = prefix;
    cols.push_back(error_col);
    Table t("errors", cols);
    for (const auto& o : outcomes) {
      if (!o.error || o.skipped) continue;
      auto cells = prefix_cells(o, fleet, per_db);
      cells.emplace_back(o.error->what());
      t.add_row(std::move(cells));
    }
    return {t};
  }
  Result merged;
  for (const Table& t : *shape->result) {
    std::vector<Column> cols = prefix;
    cols.insert(cols.end(), t.columns().begin(), t.columns().end());
    if (failures) cols.push_back(error_col);
    merged.emplace_back(t.name(), cols);
  }
  for (const auto& o : outcomes) {
    if (o.result) {
      for (std::size_t i = 0; i < merged.size() && i < o.result->size(); ++i) {
        const Table& t = (*o.result)[i];
        for (std::size_t r = 0; r < t.size(); ++r) {
          auto cells = prefix_cells(o, fleet, per_db);
          cells.insert(cells.end(), t.row(r).begin(), t.row(r).end());
          if (failures) cells.emplace_back(std::nullopt);
          merged[i].add_row(std::move(cells));
        }
      }
    } else if (o.error && !o.skipped) {
      auto cells = prefix_cells(o, fleet, per_db);
      const std::size_t width = merged[0].columns().size();
      cells.resize(width - 1);
      cells.emplace_back(o.error->what());
      merged[0].add_row(std::move(cells));
    }
  }
  return merged;
}

bool excluded(const std::string& db, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return fnmatch(p.c_str(), db.c_str(), 0) == 0; });
}

}  // namespace

void parallel_for(std::size_t count, int slots, const std::function<void(std::size_t, SessionCache&)>& work) {
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    SessionCache cache;
    for (std::size_t i = next++; i < count; i = next++)
      work(i, cache);
  };
  const int n = std::max(1, std::min<int>(std::min(slots, kMaxSlots), static_cast<int>(count)));
  if (n == 1) {
    worker();
    return;
  }
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    threads.emplace_back(worker);
  for (auto& t : threads)
    t.join();
}

void pipeline_for(std::size_t units, int slots, const std::function<std::size_t(std::size_t, SessionCache&)>& plan,
                  const std::function<void(std::size_t, std::size_t, SessionCache&)>& run) {
  std::mutex mutex;
  std::condition_variable changed;
  // Per unit, its next item and how many it has; `open` holds the units
  // with items not yet taken, oldest unit first.
  std::vector<std::pair<std::size_t, std::size_t>> progress(units);
  std::set<std::size_t> open;
  std::size_t next_unit = 0;
  int planning = 0;
  const auto worker = [&] {
    SessionCache cache;
    std::size_t current = units;  // the unit this slot's connection is on
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      // A slot stays on its database while that has work, then takes a new
      // database before joining another slot's: each move costs a
      // connection, and on a busy server a connection costs more than a
      // small table's VACUUM.
      const bool own_work = open.count(current) != 0;
      if (own_work || (!open.empty() && next_unit >= units)) {
        const std::size_t u = own_work ? current : *open.begin();
        auto& [next, count] = progress[u];
        const std::size_t k = next++;
        if (next == count) open.erase(u);
        current = u;
        lock.unlock();
        run(u, k, cache);
        lock.lock();
      } else if (next_unit < units) {
        const std::size_t u = next_unit++;
        ++planning;
        lock.unlock();
        const std::size_t n = plan(u, cache);
        lock.lock();
        --planning;
        current = u;
        progress[u] = {0, n};
        if (n > 0) open.insert(u);
        changed.notify_all();
      } else if (planning > 0) {
        changed.wait(lock);  // a unit being planned may bring items
      } else {
        changed.notify_all();
        return;
      }
    }
  };
  const int n = std::max(1, std::min(slots, kMaxSlots));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n - 1));
  for (int i = 1; i < n; ++i)
    threads.emplace_back(worker);
  worker();
  for (auto& t : threads)
    t.join();
}

bool database_gone(Context& ctx, SessionCache& cache, const std::string& target, const std::string& dbname) {
  try {
    Session& s = cache.get(ctx, target, SessionKind::Catalog, "");
    const Rows r = s.exec(sql_text("db/database_gone"), {dbname.c_str()}, "looking up the database");
    return !r.empty() && r[0][0].str() == "t";
  } catch (const Error&) {
    return false;
  }
}

void SessionCache::keep_only(const std::string& target, const std::string& dbname) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const std::string& key = it->first;
    const bool same = key.rfind(target + '\n', 0) == 0 && key.size() >= dbname.size() + 1 &&
                      key.compare(key.size() - dbname.size() - 1, std::string::npos, '\n' + dbname) == 0;
    it = same ? std::next(it) : sessions_.erase(it);
  }
}

Session& SessionCache::get(Context& ctx, const std::string& target, SessionKind kind, const std::string& dbname) {
  auto& s = sessions_[target + '\n' + std::to_string(static_cast<int>(kind)) + '\n' + dbname];
  if (!s) s = ctx.open_session(target, kind, dbname);
  return *s;
}

SessionKind session_kind(Need need) {
  switch (need) {
    case Need::Ddl:
      return SessionKind::Ddl;
    case Need::User:
      return SessionKind::User;
    case Need::None:
    case Need::Catalog:
      break;
  }
  return SessionKind::Catalog;
}

Unit::Unit(Context& ctx, const VerbRecord& verb, std::string target, std::string database, SessionCache* cache)
    : ctx_(ctx), verb_(verb), target_(std::move(target)), database_(std::move(database)), cache_(cache) {}

Session& Unit::session() {
  if (verb_.spec.session == Need::None) throw std::logic_error("pgdba " + verb_.path + " declared no session");
  return session(session_kind(verb_.spec.session));
}

Session& Unit::session(SessionKind kind, const std::string& dbname) {
  const std::string& db = dbname.empty() ? database_ : dbname;
  Session& s = cache_ != nullptr ? cache_->get(ctx_, target_, kind, db) : ctx_.session(kind, db);
  if (!checked_) check_versions(s);
  return s;
}

bool Unit::database_gone(const std::string& dbname) {
  SessionCache own;
  return pgdba::database_gone(ctx_, cache_ != nullptr ? *cache_ : own, target_, dbname);
}

void Unit::check_versions(Session& s) {
  checked_ = true;
  const int v = s.server_version();
  if (verb_.spec.min_server > v) {
    throw failure("pgdba " + verb_.path + " needs " + major_name(verb_.spec.min_server) +
                  " or later; the server runs " + major_name(v));
  }
  for (const auto& [flag, min] : verb_.since) {
    if (min > v && verb_.given && verb_.given(flag)) {
      throw failure("cannot use the \"" + flag + "\" option on server versions older than " + major_name(min));
    }
  }
}

std::vector<UnitRef> list_units(Context& ctx, const VerbRecord& verb, const std::vector<std::string>& targets,
                                bool all_databases, int slots) {
  const std::vector<std::string> where = targets.empty() ? std::vector<std::string>{""} : targets;
  std::vector<UnitRef> units;
  if (!all_databases) {
    for (const auto& t : where)
      units.push_back(UnitRef{t, "", std::nullopt});
    return units;
  }
  // Which databases each target has: one catalog query per target.
  std::vector<Outcome> listings;
  for (const auto& t : where)
    listings.push_back(Outcome{t, "", std::nullopt, std::nullopt, false});
  run_pool(
      listings, slots,
      [&](Outcome& o, SessionCache& cache) {
        Session& s = cache.get(ctx, o.target, SessionKind::Catalog, "");
        return Result{to_table(s.exec(sql_text("core/list_fanout_databases"), "listing databases"), "databases")};
      },
      false);
  for (const auto& l : listings) {
    if (l.error) {
      units.push_back(UnitRef{l.target, "", l.error});
      continue;
    }
    const Table& dbs = (*l.result)[0];
    for (std::size_t i = 0; i < dbs.size(); ++i) {
      const std::string db = *dbs.row(i)[0];
      if (!excluded(db, verb.fan_out.exclude)) units.push_back(UnitRef{l.target, db, std::nullopt});
    }
  }
  return units;
}

void run_verb(Context& ctx, const VerbRecord& verb, const std::function<Result(Unit&)>& work,
              const std::vector<std::string>* targets_override) {
  const GlobalOptions& g = ctx.options();
  if (verb.spec.effect != Effect::Read) ctx.open_audit_log();
  if (verb.spec.effect == Effect::Destroy && !g.yes && !g.dry_run && isatty(STDIN_FILENO) == 0) {
    throw usage_error("refusing to run 'pgdba " + verb.path + "' without --yes: standard input is not a terminal");
  }
  const std::vector<std::string> targets = targets_override != nullptr       ? *targets_override
                                           : verb.spec.session == Need::None ? std::vector<std::string>{}
                                                                             : ctx.targets();
  const bool fleet = !targets.empty();
  const bool per_db = verb.spec.per_database && verb.fan_out.all_databases;
  if (!verb.fan_out.exclude.empty() && !per_db) throw usage_error("--exclude-database needs --all-databases");
  if (verb.fan_out.jobs < 0) throw usage_error("--jobs must be at least 1");
  if (!fleet && !per_db) {
    Unit u(ctx, verb, "", "", nullptr);
    ctx.emit(work(u));
    return;
  }
  const int target_slots =
      fleet ? (g.parallel > 0 ? g.parallel : std::min<int>(kDefaultTargetSlots, static_cast<int>(targets.size()))) : 1;

  std::vector<Outcome> units;
  std::vector<Outcome> unreachable;
  for (auto& u : list_units(ctx, verb, targets, per_db, target_slots)) {
    std::vector<Outcome>& into = u.error ? unreachable : units;
    into.push_back(Outcome{u.target, u.database, std::nullopt, u.error, false});
  }

  if (verb.spec.effect == Effect::Destroy && units.size() > 1) {
    ctx.confirm_all("run 'pgdba " + verb.path + "' on " + std::to_string(units.size()) + " databases and targets");
  }
  int slots = target_slots;
  if (per_db) {
    const int dbs_per_target = static_cast<int>(units.size() / std::max<std::size_t>(1, fleet ? targets.size() : 1));
    slots *= verb.fan_out.jobs > 0 ? verb.fan_out.jobs : std::max(1, std::min(kDefaultDatabaseSlots, dbs_per_target));
  }
  run_pool(
      units, std::min(slots, kMaxSlots),
      [&](Outcome& o, SessionCache& cache) {
        Unit u(ctx, verb, o.target, o.database, &cache);
        try {
          return work(u);
        } catch (const Error& e) {
          if (!per_db || !database_gone(ctx, cache, o.target, o.database)) throw;
          Error gone = e;
          gone.sqlstate = "3D000";  // skipped as dropped meanwhile
          throw gone;
        }
      },
      per_db);

  // The unreachable targets first, then the units in order.
  units.insert(units.begin(), unreachable.begin(), unreachable.end());
  int failed = 0;
  int lost = 0;
  int done = 0;
  for (const auto& o : units) {
    if (o.error && o.skipped) {
      log::warn(where(o) + ": skipped: " + o.error->what());
    } else if (o.error) {
      log::error(where(o) + ": " + o.error->what());
      ++failed;
      lost += o.error->kind == ErrorKind::Connect ? 1 : 0;
    } else {
      ++done;
    }
  }
  ctx.emit(merge(units, fleet, per_db));
  if (cancel::requested()) return;
  if (failed > 0) {
    // Partial when something was answered; otherwise what went wrong.
    const ErrorKind kind = done > 0 ? ErrorKind::Partial : lost == failed ? ErrorKind::Connect : ErrorKind::Failed;
    ctx.set_exit_code(static_cast<int>(kind));
  }
}

}  // namespace pgdba
