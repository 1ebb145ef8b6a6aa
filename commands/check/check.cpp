// pgdba check NAME: runs monitoring checks over every database of every
// target in one process (parallel slots, shared connections), judges them
// against Nagios ranges, and prints Nagios plugin output (the default),
// Prometheus exposition, or tables/JSON. Exit codes are Nagios': 0 OK,
// 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for usage and connection errors).
#include <fnmatch.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <mutex>

#include "commands/check/backup_age.hpp"
#include "commands/check/check.hpp"
#include "commands/check/state.hpp"
#include "src/command.hpp"
#include "src/config.hpp"
#include "src/context.hpp"
#include "src/durable.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/rows.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct CheckOptions {
  std::string warning, critical;
  std::string textfile;
  std::vector<std::string> databases, exclude;
  int jobs = 0;
  // check custom
  std::string query, measure = "count", name = "custom", what = "rows";
  bool per_database = false;
  // check backup-age
  std::string dir;
  bool unverified = false;
  // check bloat|index-bloat
  bool exact = false;
  // check all
  std::vector<std::string> only, skip;
  std::string config;
};

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool matches_any(const std::string& db, const std::vector<std::string>& patterns) {
  for (const auto& p : patterns)
    if (fnmatch(p.c_str(), db.c_str(), 0) == 0) return true;
  return false;
}

// Samples from a query whose columns are object, value, max, detail.
void sql_samples(Session& s, const std::string& sql, const std::string& what, std::vector<CheckSample>& out) {
  const Rows rows = s.exec(sql, what);
  if (rows.columns() < 2) throw failure("the check query must return at least the columns object and value");
  // A first column named "database" says the rows are databases (a
  // server-wide view such as pg_stat_database): labelled as such.
  const bool databases = rows.column_name(0) == "database";
  for (const auto& r : rows) {
    if (r[1].is_null()) continue;
    CheckSample smp;
    (databases ? smp.database : smp.object) = r[0].str();
    smp.value = r[1].as<double>();
    if (r.size() > 2 && !r[2].is_null()) smp.max = r[2].as<double>();
    if (r.size() > 3) smp.detail = r[3].str();
    out.push_back(std::move(smp));
  }
}

// One check on one session.
void run_one(const CheckDef& def, Session& s, std::vector<CheckSample>& out) {
  if (def.min_server > s.server_version()) {
    throw failure("needs PostgreSQL " + std::to_string(def.min_server / 10000) + " or later");
  }
  if (def.probe) {
    def.probe(s, out);
  } else {
    sql_samples(s, sql_text("checks/" + def.sql, s.server_version()), "checking " + def.name, out);
  }
}

// What one job (a target's server checks, or one database's) found.
struct JobResult {
  std::vector<std::vector<CheckSample>> samples;  // per def
  std::vector<std::string> errors;                // per def ("" = none)
  std::string server;                             // the cluster's name for the state file
};

struct Job {
  std::string target, database;
  bool per_database = false;
  std::optional<Error> error;  // the target's databases could not be listed
};

std::string describe_error(const Job& j, const std::string& message) {
  std::string where = j.target;
  if (!j.database.empty()) where += (where.empty() ? "" : "/") + j.database;
  return where.empty() ? message : where + ": " + message;
}

// Turns counters into increases (Delta) or rates per second (Rate) against
// the previous run; the first run only records a baseline.
std::vector<CheckSample> reduce(const CheckDef& def, const std::string& server, std::vector<CheckSample> samples,
                                std::string& note) {
  if (def.reduce == Reduce::Gauge) return samples;
  CheckState state(server, def.name);
  const double t = now_seconds();
  std::vector<CheckSample> out;
  std::size_t baseline = 0;
  for (auto& s : samples) {
    const std::string key = s.database + "\n" + s.object;
    const auto prev = state.previous(key);
    state.set(key, {s.value, t});
    if (!prev || t <= prev->time) {
      ++baseline;
      continue;
    }
    if (def.reduce == Reduce::Changed) {
      if (s.value == prev->value) continue;
      s.value = 1;
      out.push_back(std::move(s));
      continue;
    }
    // A counter that went down was reset (stats reset, restart): count
    // from zero.
    const double delta = s.value >= prev->value ? s.value - prev->value : s.value;
    s.value = def.reduce == Reduce::Rate ? delta / (t - prev->time) : delta;
    out.push_back(std::move(s));
  }
  state.save();
  if (baseline > 0 && out.empty() && baseline == samples.size())
    note = "first run: baseline recorded, judged from the next run";
  return out;
}

std::vector<CheckOutcome> run_checks(Context& ctx, const VerbRecord& rec, const std::vector<const CheckDef*>& defs,
                                     const std::vector<std::pair<Range, Range>>& ranges, const CheckOptions& o) {
  std::vector<std::string> targets = ctx.targets();
  const bool fleet = !targets.empty();
  if (!fleet) targets.push_back("");
  const bool any_per_db = std::any_of(defs.begin(), defs.end(), [](const CheckDef* d) { return d->per_database; });
  const bool any_server = std::any_of(defs.begin(), defs.end(), [](const CheckDef* d) { return !d->per_database; });

  std::vector<Job> jobs;
  if (any_server)
    for (const auto& t : targets)
      jobs.push_back(Job{t, "", false, std::nullopt});
  if (any_per_db) {
    const int slots = ctx.options().parallel > 0 ? ctx.options().parallel : 8;
    for (auto& u : list_units(ctx, rec, fleet ? targets : std::vector<std::string>{}, true, slots)) {
      if (!u.error && !o.databases.empty() && !matches_any(u.database, o.databases)) continue;
      if (!u.error && matches_any(u.database, o.exclude)) continue;
      jobs.push_back(Job{u.target, u.database, true, u.error});
    }
  }

  std::vector<JobResult> results(jobs.size());
  std::vector<double> seconds(defs.size(), 0);
  std::mutex mutex;
  const int per_target = o.jobs > 0 ? o.jobs : 4;
  parallel_for(jobs.size(), per_target * static_cast<int>(targets.size()), [&](std::size_t i, SessionCache& cache) {
    const Job& j = jobs[i];
    JobResult& r = results[i];
    r.samples.resize(defs.size());
    r.errors.resize(defs.size());
    const auto fail_all = [&](const std::string& message) {
      for (std::size_t d = 0; d < defs.size(); ++d)
        if (defs[d]->per_database == j.per_database) r.errors[d] = describe_error(j, message);
    };
    if (j.error) {
      fail_all(j.error->what());
      return;
    }
    try {
      cache.keep_only(j.target, j.database);
      Session& s = cache.get(ctx, j.target, SessionKind::Catalog, j.database);
      if (!j.per_database) {
        const auto id = s.try_query(sql_text("core/system_identifier"), {}, "identifying the server");
        r.server = id && !id->empty() ? (*id)[0][0].str() : j.target + "@" + s.describe();
      }
      for (std::size_t d = 0; d < defs.size(); ++d) {
        if (defs[d]->per_database != j.per_database) continue;
        const auto start = std::chrono::steady_clock::now();
        try {
          std::vector<CheckSample> found;
          run_one(*defs[d], s, found);
          if (j.per_database)
            for (auto& smp : found)
              smp.database = j.database;
          r.samples[d] = std::move(found);
        } catch (const Error& e) {
          if (!s.is_open()) throw;
          r.errors[d] = describe_error(j, e.what());
        }
        const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::lock_guard<std::mutex> lock(mutex);
        seconds[d] += took;
      }
    } catch (const Error& e) {
      if (j.per_database && database_gone(ctx, cache, j.target, j.database)) {
        log::info(describe_error(j, "dropped while being checked; skipped"));
        for (auto& samples : r.samples)
          samples.clear();
        for (auto& err : r.errors)
          err.clear();
        return;
      }
      fail_all(e.what());
    } catch (const std::exception& e) {
      fail_all(std::string("internal error: ") + e.what());
    }
  });

  // The server-scope job of a target names the cluster for the state files.
  std::map<std::string, std::string> server_of;
  for (std::size_t i = 0; i < jobs.size(); ++i)
    if (!jobs[i].per_database && !results[i].server.empty()) server_of[jobs[i].target] = results[i].server;

  std::vector<CheckOutcome> outcomes;
  for (const auto& t : targets) {
    for (std::size_t d = 0; d < defs.size(); ++d) {
      std::vector<CheckSample> samples;
      std::vector<std::string> errors;
      for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (jobs[i].target != t || jobs[i].per_database != defs[d]->per_database || results[i].samples.empty()) {
          continue;
        }
        if (!results[i].errors[d].empty()) errors.push_back(results[i].errors[d]);
        for (auto& smp : results[i].samples[d])
          samples.push_back(std::move(smp));
      }
      std::string note;
      if (defs[d]->reduce != Reduce::Gauge) {
        const auto it = server_of.find(t);
        try {
          samples = reduce(*defs[d], it != server_of.end() ? it->second : t + "@default", std::move(samples), note);
        } catch (const Error& e) {
          errors.push_back(e.what());
          samples.clear();
        }
      }
      CheckOutcome out = judge(*defs[d], ranges[d].first, ranges[d].second, std::move(samples), errors);
      if (!note.empty() && out.metrics.empty() && errors.empty()) out.message = note;
      out.target = t;
      out.seconds = seconds[d];
      outcomes.push_back(std::move(out));
    }
  }
  return outcomes;
}

std::string output_format(const Context& ctx) {
  const std::string f = ctx.options().output.empty() ? "nagios" : ctx.options().output;
  for (const char* known : {"nagios", "prometheus", "table", "json", "jsonl", "csv"})
    if (f == known) return f;
  throw usage_error("unknown output format \"" + f + "\"; check prints nagios, prometheus, table, json, jsonl or csv");
}

void write_stdout(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    throw failure("cannot write output");
  }
}

// Any error of a check run is UNKNOWN (3), in the format asked for.
[[noreturn]] void unknown(Context& ctx, const std::string& service, const Error& e) {
  std::string f = ctx.options().output.empty() ? "nagios" : ctx.options().output;
  if (f == "nagios") {
    std::string msg = e.what();
    for (char& c : msg)
      if (c == '\n' || c == '|') c = ' ';
    std::fputs(("PGDBA " + service + " UNKNOWN - " + msg + "\n").c_str(), stdout);
    std::fflush(stdout);
    throw Error(ErrorKind::Connect, "");  // exit 3, the message already printed
  }
  Error unknown_error = e;
  unknown_error.kind = ErrorKind::Connect;
  throw unknown_error;
}

void finish(Context& ctx, const std::vector<CheckOutcome>& outcomes, const std::string& service,
            const CheckOptions& o) {
  const std::string f = output_format(ctx);
  if (!o.textfile.empty()) write_file_atomic(o.textfile, prometheus_text(outcomes));
  if (f == "nagios") {
    write_stdout(nagios_text(outcomes, service));
  } else if (f == "prometheus") {
    write_stdout(prometheus_text(outcomes));
  } else {
    ctx.emit(check_tables(outcomes));
  }
  ctx.set_exit_code(exit_code(outcomes));
}

void common_options(Verb& v, CheckOptions& o, bool thresholds) {
  if (thresholds) {
    v.option("-w,--warning", &o.warning,
             "WARNING threshold: a Nagios range (10, 10:, ~:10, 10:20, @10:20) with units "
             "(10MB, 5m, 80%); replaces the default");
    v.option("-c,--critical", &o.critical, "CRITICAL threshold, like --warning");
  }
  v.option("--textfile", &o.textfile,
           "also write the Prometheus exposition to this file atomically (node_exporter's textfile collector)");
  v.option("--database", &o.databases, "only databases matching this pattern (repeat; checks inside databases)");
  v.option("--exclude-database", &o.exclude, "skip databases matching this pattern (repeat)");
  v.option("--jobs", &o.jobs, "databases checked at once per target (default 4)");
}

std::string service_name(const std::string& name) {
  std::string s;
  for (char c : name)
    s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Measure parse_measure(const std::string& m) {
  if (m == "count") return Measure::Count;
  if (m == "bytes") return Measure::Bytes;
  if (m == "seconds") return Measure::Seconds;
  if (m == "percent") return Measure::Percent;
  throw usage_error("--unit takes count, bytes, seconds or percent, not \"" + m + "\"");
}

CheckDef custom_check(const std::string& name, const std::string& query, Measure measure, bool per_database,
                      const std::string& help) {
  CheckDef d;
  d.name = name;
  d.help = help.empty() ? "custom check " + name : help;
  d.measure = measure;
  d.per_database = per_database;
  d.what = "rows";
  std::string metric = "custom_";
  for (char ch : name)
    metric += std::isalnum(static_cast<unsigned char>(ch)) != 0 ? ch : '_';
  const char* suffix[] = {"", "_bytes", "_seconds", "_ratio"};
  d.metric = metric + suffix[static_cast<int>(measure)];
  d.probe = [query](Session& s, std::vector<CheckSample>& out) {
    sql_samples(s, query, "running the custom check", out);
  };
  return d;
}

// The config file's checks: the global one, or --config FILE of check all.
std::shared_ptr<const Config> checks_config(const Context& ctx, const std::string& file) {
  if (!file.empty()) return std::make_shared<const Config>(read_config(file, true));
  if (ctx.options().config) return ctx.options().config;
  return std::make_shared<const Config>(load_config());
}

// A built-in check's thresholds: the command line's, else the config
// file's [checks.NAME], else the check's defaults.
std::pair<Range, Range> thresholds(const CheckDef& def, const Config& cfg, const std::string& warning,
                                   const std::string& critical) {
  std::string w = def.warning, c = def.critical;
  if (const auto it = cfg.checks.find(def.name); it != cfg.checks.end()) {
    if (!it->second.query.empty()) {
      throw usage_error("[checks." + def.name + "] in " + cfg.path + ": " + def.name +
                        " is a built-in check; only its warning and critical can be set");
    }
    w = it->second.warning.value_or(w);
    c = it->second.critical.value_or(c);
  }
  if (!warning.empty()) w = warning;
  if (!critical.empty()) c = critical;
  return {parse_range("--warning", w, def.measure), parse_range("--critical", c, def.measure)};
}

}  // namespace

void register_check(CommandTable& table) {
  Noun noun = table.noun("check", "Monitoring checks: Nagios output and exit codes, Prometheus, JSON");
  static std::deque<CheckOptions> store;  // options live as long as the program
  for (const CheckDef& def : check_catalog()) {
    CheckOptions& o = store.emplace_back();
    std::string help = def.help + " (default";
    help += def.warning.empty() ? "" : " warning " + def.warning;
    help += def.critical.empty() ? "" : std::string(def.warning.empty() ? "" : ",") + " critical " + def.critical;
    help += def.warning.empty() && def.critical.empty() ? " no thresholds)" : ")";
    Verb v = noun.raw(def.name, help, {Need::Catalog});
    common_options(v, o, true);
    if (def.name == "bloat" || def.name == "index-bloat") {
      v.flag("--exact", &o.exact,
             "judge the 20 worst by estimate on what pgstattuple measures (installed in each database; reads "
             "every page of each)");
    }
    const VerbRecord* rec = &v.record();
    v.run([&def, &o, rec](Context& ctx) {
      const std::string service = service_name(def.name);
      try {
        output_format(ctx);
        const auto cfg = checks_config(ctx, "");
        const CheckDef exact = o.exact ? exact_bloat_check(def) : CheckDef{};
        const CheckDef& chosen = o.exact ? exact : def;
        finish(ctx, run_checks(ctx, *rec, {&chosen}, {thresholds(chosen, *cfg, o.warning, o.critical)}, o), service, o);
      } catch (const Error& e) {
        if (e.kind == ErrorKind::Connect && std::string(e.what()).empty()) throw;
        unknown(ctx, service, e);
      }
    });
  }

  CheckOptions& all = store.emplace_back();
  Verb va = noun.raw("all",
                     "Every check with its default thresholds, in one process over shared connections; "
                     "one line per check, exit code the worst",
                     {Need::Catalog});
  common_options(va, all, false);
  va.option("--only", &all.only, "run only this check (repeat; built-in or from the config file)");
  va.option("--skip", &all.skip, "leave this check out (repeat)");
  va.option("--config", &all.config,
            "read thresholds and checks ([checks.NAME]) from this TOML file instead of pgdba's config file");
  const VerbRecord* all_rec = &va.record();
  va.run([&all, all_rec](Context& ctx) {
    try {
      output_format(ctx);
      const auto cfg = checks_config(ctx, all.config);
      const auto wanted = [&](const std::string& name) {
        return (all.only.empty() || std::find(all.only.begin(), all.only.end(), name) != all.only.end()) &&
               std::find(all.skip.begin(), all.skip.end(), name) == all.skip.end();
      };
      std::vector<const CheckDef*> defs;
      std::vector<std::pair<Range, Range>> ranges;
      for (const CheckDef& d : check_catalog()) {
        if (!wanted(d.name)) continue;
        defs.push_back(&d);
        ranges.push_back(thresholds(d, *cfg, "", ""));
      }
      // The config file's own checks, after the built-in ones.
      std::deque<CheckDef> own;
      for (const auto& [name, c] : cfg->checks) {
        if (find_check(name) != nullptr) continue;
        if (c.query.empty()) {
          throw usage_error("[checks." + name + "] in " + cfg->path + ": no built-in check is called \"" + name +
                            "\" and it has no query");
        }
        if (!wanted(name)) continue;
        const Measure m = parse_measure(c.unit.empty() ? "count" : c.unit);
        own.push_back(custom_check(name, c.query, m, c.per_database, c.description));
        defs.push_back(&own.back());
        ranges.emplace_back(parse_range("warning of [checks." + name + "]", c.warning.value_or(""), m),
                            parse_range("critical of [checks." + name + "]", c.critical.value_or(""), m));
      }
      for (const auto& n : all.only) {
        if (std::none_of(defs.begin(), defs.end(), [&](const CheckDef* d) { return d->name == n; })) {
          throw usage_error("--only " + n + ": no such check (pgdba check list; the config file's [checks.NAME])");
        }
      }
      finish(ctx, run_checks(ctx, *all_rec, defs, ranges, all), "ALL", all);
    } catch (const Error& e) {
      if (e.kind == ErrorKind::Connect && std::string(e.what()).empty()) throw;
      unknown(ctx, "ALL", e);
    }
  });

  CheckOptions& custom = store.emplace_back();
  static CheckDef custom_def;
  Verb vc = noun.raw("custom",
                     "Your own check: --query returns rows of (object, value[, max][, detail]); "
                     "each value is judged against --warning and --critical",
                     {Need::User});
  common_options(vc, custom, true);
  vc.option("--query", &custom.query,
            "the SQL (columns: object text, value number, then optional max and detail; a first column named "
            "database labels rows as databases)");
  vc.option("--name", &custom.name, "the check's name in the output (default custom)");
  vc.option("--unit", &custom.measure, "what the values are: count, bytes, seconds or percent (default count)");
  vc.choices({"count", "bytes", "seconds", "percent"});
  vc.flag("--per-database", &custom.per_database, "run the query in every database (default: once per server)");
  const VerbRecord* custom_rec = &vc.record();
  vc.run([&custom, custom_rec](Context& ctx) {
    const std::string service = service_name(custom.name);
    try {
      output_format(ctx);
      if (custom.query.empty()) throw usage_error("check custom needs --query");
      custom_def = custom_check(custom.name, custom.query, parse_measure(custom.measure), custom.per_database, "");
      const Range w = parse_range("--warning", custom.warning, custom_def.measure);
      const Range c = parse_range("--critical", custom.critical, custom_def.measure);
      finish(ctx, run_checks(ctx, *custom_rec, {&custom_def}, {{w, c}}, custom), service, custom);
    } catch (const Error& e) {
      if (e.kind == ErrorKind::Connect && std::string(e.what()).empty()) throw;
      unknown(ctx, service, e);
    }
  });

  CheckOptions& age = store.emplace_back();
  const CheckDef& age_def = backup_age_check();
  Verb vb = noun.raw(age_def.name,
                     age_def.help + " (default warning " + age_def.warning + ", critical " + age_def.critical +
                         "); a database with backups but none verified is CRITICAL",
                     {Need::None});
  vb.option("-w,--warning", &age.warning, "WARNING threshold, a Nagios range with units (26h)");
  vb.option("-c,--critical", &age.critical, "CRITICAL threshold, like --warning");
  vb.option("--dir", &age.dir, "the backup directory of backup create (default as backup list)");
  vb.flag("--unverified", &age.unverified,
          "count complete backups that were never verified (one whose verification failed never counts)");
  vb.option("--database", &age.databases, "only databases matching this pattern (repeat)");
  vb.option("--exclude-database", &age.exclude, "skip databases matching this pattern (repeat)");
  vb.option("--textfile", &age.textfile,
            "also write the Prometheus exposition to this file atomically (node_exporter's textfile collector)");
  vb.run([&age, &age_def](Context& ctx) {
    const std::string service = service_name(age_def.name);
    try {
      output_format(ctx);
      const auto cfg = checks_config(ctx, "");
      const auto ranges = thresholds(age_def, *cfg, age.warning, age.critical);
      std::vector<CheckSample> samples;
      for (auto& smp : backup_age_samples(age.dir, age.unverified)) {
        if (!age.databases.empty() && !matches_any(smp.database, age.databases)) continue;
        if (matches_any(smp.database, age.exclude)) continue;
        samples.push_back(std::move(smp));
      }
      std::vector<std::string> errors;
      if (samples.empty()) errors.emplace_back("no backups of the databases asked for");
      finish(ctx, {judge(age_def, ranges.first, ranges.second, std::move(samples), errors)}, service, age);
    } catch (const Error& e) {
      if (e.kind == ErrorKind::Connect && std::string(e.what()).empty()) throw;
      unknown(ctx, service, e);
    }
  });

  noun.verb("list", "The checks there are, with their units and default thresholds", {Need::None})
      .run([](Unit&, const NoOptions&) {
        Table t("checks", {{"check"}, {"unit"}, {"warning"}, {"critical"}, {"scope"}, {"metric"}, {"description"}});
        const char* units[] = {"count", "bytes", "seconds", "percent"};
        for (const CheckDef& d : check_catalog()) {
          t.add_row({d.name, std::string(units[static_cast<int>(d.measure)]), d.warning, d.critical,
                     std::string(d.per_database ? "every database" : "server"), "pgdba_" + d.metric, d.help});
        }
        const CheckDef& b = backup_age_check();
        t.add_row({b.name, std::string(units[static_cast<int>(b.measure)]), b.warning, b.critical,
                   std::string("backup directory"), "pgdba_" + b.metric, b.help});
        return Result{t};
      });
}

}  // namespace pgdba
