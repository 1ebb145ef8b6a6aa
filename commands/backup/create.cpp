// backup create: one pg_dump per database (and pg_dumpall --globals-only for
// roles and tablespaces), each written under a hidden temporary name,
// fsynced, and renamed to its final name with its manifest only once the
// dump succeeded. Row counts are taken in pg_dump's own snapshot (exported
// by pgdba's session and handed over with --snapshot), so the manifest says
// exactly what a restore must give back.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "commands/backup/backup.hpp"
#include "commands/backup/manifest.hpp"
#include "commands/backup/naming.hpp"
#include "commands/backup/pg_tools.hpp"
#include "commands/backup/sha256.hpp"
#include "src/child_process.hpp"
#include "src/durable.hpp"
#include "src/errors.hpp"
#include "src/format.hpp"
#include "src/log.hpp"
#include "src/progress.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"
#include "src/text.hpp"

namespace pgdba::backup {

namespace fs = std::filesystem;

namespace {

struct Compress {
  std::string method;  // "" when only a level was given
  std::optional<int> level;
};

Compress parse_compress(const std::string& text) {
  Compress c;
  if (text.empty()) return c;
  const auto colon = text.find(':');
  const std::string head = text.substr(0, colon);
  const auto is_number = [](const std::string& s) {
    return !s.empty() && s.size() < 4 &&
           std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  };
  if (colon == std::string::npos && is_number(head)) {
    c.level = std::stoi(head);
  } else {
    c.method = head;
    if (c.method != "gzip" && c.method != "lz4" && c.method != "zstd" && c.method != "none") {
      throw usage_error("--compress: unknown method \"" + c.method + "\" (gzip, lz4, zstd or none)");
    }
    if (colon != std::string::npos) {
      const std::string level = text.substr(colon + 1);
      if (!is_number(level)) throw usage_error("--compress: the level after ':' must be a number");
      c.level = std::stoi(level);
    }
  }
  if (c.level && (c.method == "gzip" || c.method.empty()) && *c.level > 9)
    throw usage_error("--compress: gzip levels are 0 to 9");
  return c;
}

// pg_dump's compression arguments: METHOD:LEVEL from PostgreSQL 16, a
// level (gzip) before.
std::vector<std::string> compress_args(const Compress& c, int pg_dump_major) {
  if (c.method.empty() && !c.level) return {};
  if (pg_dump_major >= 16) {
    std::string v = c.method.empty() ? std::to_string(*c.level) : c.method;
    if (!c.method.empty() && c.level) v += ":" + std::to_string(*c.level);
    return {"--compress=" + v};
  }
  if (c.method == "lz4" || c.method == "zstd") {
    throw failure("--compress " + c.method + " needs pg_dump 16 or newer; this pg_dump is PostgreSQL " +
                  std::to_string(pg_dump_major));
  }
  if (c.method == "none") return {"--compress=0"};
  return {"--compress=" + std::to_string(c.level.value_or(6))};
}

void validate(const CreateOptions& o, const VerbRecord& rec) {
  format_ext(o.format);
  if (!o.dbs.empty() && rec.fan_out.all_databases) throw usage_error("--db cannot be combined with --all-databases");
  for (const auto& d : o.dbs)
    check_identifier("database", d);
  if (o.format == "plain" && !o.compress.empty())
    throw usage_error("--compress needs --format custom or directory (a plain backup is restored with psql)");
  parse_compress(o.compress);
}

// One dump to make and, afterwards, what became of it.
struct Job {
  std::string target;
  std::string database;  // "" for the connection's own (resolved when it runs)
  bool globals = false;
  std::string file;  // the final path
  double seconds = 0;
  long long size = 0;
  std::string status = "planned";
  std::optional<Error> error;
};

struct ServerInfo {
  int version_num = 0;
  std::string version, label, database, system_identifier;
};

ServerInfo server_info(Session& s) {
  ServerInfo i;
  const Rows r = s.exec(sql_text("backup/server_info", s.server_version()), "reading the server's version");
  i.version_num = r[0]["version_num"].as<int>();
  i.version = r[0]["version"].str();
  i.label = r[0]["label"].str();
  i.database = r[0]["database"].str();
  if (auto id = s.try_query(sql_text("core/system_identifier"), {}, "reading the system identifier");
      id && !id->empty()) {
    i.system_identifier = (*id)[0][0].str();
  }
  return i;
}

// A name under `dir` that no backup has yet: the timestamp, then -2, -3 ...
std::string free_name(const std::string& dir, const std::string& stamp, const std::string& ext) {
  for (int n = 1;; ++n) {
    const std::string base = n == 1 ? stamp : stamp + "-" + std::to_string(n);
    std::error_code ec;
    if (!fs::exists(dir + "/" + base + "." + ext, ec) && !fs::exists(dir + "/" + manifest_name(base + "." + ext), ec))
      return base + "." + ext;
  }
}

// Sizes and SHA-256 of every file of a finished dump (`name` is the file's
// name in the manifest), then fsync. Touches nothing but its arguments: it
// runs in a thread of its own.
void sum_files(const std::string& name, const std::string& path, bool directory, std::vector<FileSum>& files,
               long long& size) {
  size = 0;
  if (!directory) {
    files.push_back(FileSum{name, static_cast<long long>(fs::file_size(path)), sha256_file(path)});
    size = files.back().size;
    fsync_path(path);
    return;
  }
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(path))
    if (e.is_regular_file()) names.push_back(fs::relative(e.path(), path).string());
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    const std::string p = path + "/" + n;
    files.push_back(FileSum{n, static_cast<long long>(fs::file_size(p)), sha256_file(p)});
    size += files.back().size;
  }
  fsync_tree(path);
}

// Exact row counts in pg_dump's snapshot, counted in the transaction that
// exported it while pg_dump runs. pg_dump holds ACCESS SHARE locks on every
// table, so a count waits only behind an exclusive lock someone queued: it
// gives up waiting after 1 s and tries again, unless `dump_failed` says
// there is no backup to count for any more.
void count_rows(Session& s, Manifest& m, const std::atomic<bool>& dump_failed) {
  s.exec("SET LOCAL lock_timeout = '1s'", "setting the lock timeout");
  // No parallel workers: they are the server's to give to its users, and
  // beside pg_dump on a busy machine a serial count is faster anyway.
  s.exec("SET LOCAL max_parallel_workers_per_gather = 0", "turning parallel query off");
  const Rows tables = s.exec(sql_text("backup/list_tables", s.server_version()), "listing tables");
  m.tables = static_cast<long long>(tables.size());
  for (const auto& t : tables) {
    TableCount c{t["schema"].str(), t["table"].str(), 0};
    while (!m.schema_only) {
      if (dump_failed) throw failure("counting rows stopped: pg_dump failed");
      try {
        Savepoint sp(s, "pgdba_count");
        const Rows n =
            s.exec("SELECT pg_catalog.count(*)::int8 FROM " + quote_ident(c.schema) + "." + quote_ident(c.table),
                   "counting the rows of " + c.schema + "." + c.table);
        c.rows = n[0][0].as<long long>();
        sp.release();
        break;
      } catch (const Error& e) {
        if (e.sqlstate != "55P03") throw;  // lock_not_available: try again
      }
    }
    m.row_counts.push_back(std::move(c));
  }
  if (m.schema_only) {
    m.large_objects = 0;
  } else {
    m.large_objects =
        s.exec(sql_text("backup/large_objects", s.server_version()), "counting large objects")[0][0].as<long long>();
  }
}

// Joins a thread however the scope ends; on an early end (an exception)
// first kills the child it waits for.
struct WaiterGuard {
  Child& child;
  std::thread& waiter;
  ~WaiterGuard() {
    if (!waiter.joinable()) return;
    child.signal_group(SIGKILL);
    waiter.join();
  }
};

// Bytes written so far, on a terminal's stderr, once a second: "pgdba:
// dumping database "app": 1.2 GB". Quiet under cron (no terminal), with -q,
// and with parallel dumps (their lines would mix).
class Progress {
 public:
  Progress(bool on, std::string what, std::string path) : line_(!on), what_(std::move(what)), path_(std::move(path)) {}
  void tick() {
    if (!line_.due()) return;
    std::error_code ec;
    std::uintmax_t bytes = 0;
    if (fs::is_directory(path_, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(path_, ec))
        if (e.is_regular_file(ec)) bytes += e.file_size(ec);
    } else {
      bytes = fs::file_size(path_, ec);
    }
    line_.show("dumping " + what_ + ": " + format_size(static_cast<double>(bytes)));
  }
  void done() { line_.clear(); }

 private:
  ProgressLine line_;
  std::string what_, path_;
};

struct Plan {
  bool progress = false;
  const CreateOptions* o;
  Compress compress;
  std::string dir;
  int jobs = 1;
  std::string command;
};

Error child_failure(const std::string& program, const std::string& what, const ChildResult& r) {
  if (r.interrupted) {
    return failure(what + " was interrupted (" + (termination_requested() ? "SIGTERM" : "Ctrl-C") + "): " + program +
                   " was stopped and its partial output removed");
  }
  std::string why = child_error_summary(r.err);
  if (why.empty()) why = r.signal != 0 ? "killed by signal " + std::to_string(r.signal) : "no message";
  const std::string how = r.signal != 0 ? "was killed by signal " + std::to_string(r.signal)
                                        : "failed (exit code " + std::to_string(r.exit_code) + ")";
  Error e(lost_connection(r.err) ? ErrorKind::Connect : ErrorKind::Failed,
          program + " " + how + " " + what + ": " + why);
  e.detail = trim(r.err);
  return e;
}

// Makes one backup: the dump under a temporary name, then the final name
// and the manifest. On any failure nothing is left under a final name.
void run_job(Context& ctx, SessionCache& cache, const Plan& p, Job& job) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto started = Clock::now();
  cache.keep_only(job.target, job.database);
  Session& s = cache.get(ctx, job.target, SessionKind::Catalog, job.database);
  const ServerInfo info = server_info(s);
  if (job.database.empty() && !job.globals) job.database = info.database;
  const int server_major = info.version_num / 10000;
  const std::string program = job.globals ? "pg_dumpall" : "pg_dump";
  const PgProgram tool = find_pg_program(program, server_major);

  Manifest m;
  m.tool = "pgdba " PGDBA_VERSION;
  m.target = job.target.empty() ? info.label : job.target;
  m.kind = job.globals ? "globals" : "database";
  m.database = job.globals ? "" : job.database;
  m.format = job.globals ? "plain" : p.o->format;
  m.compress = job.globals ? "" : p.o->compress;
  m.schema_only = p.o->schema_only && !job.globals;
  m.exclude_tables = job.globals ? std::vector<std::string>{} : p.o->exclude_tables;
  m.server_version = info.version;
  m.server_version_num = info.version_num;
  m.system_identifier = info.system_identifier;
  m.pg_dump = tool.path;
  m.pg_dump_version = tool.version;
  m.command = p.command;

  const std::string dir =
      p.dir + "/" + encode_component(m.target) + "/" + (job.globals ? kGlobalsDir : encode_component(job.database));
  const std::string ext = format_ext(m.format);
  const bool directory = m.format == "directory";
  ChildConnection conn(ctx.options(), job.target, job.globals ? "" : job.database);

  std::vector<std::string> argv = {tool.path};
  if (job.globals) {
    argv.push_back("--globals-only");
  } else {
    argv.push_back(std::string("--format=") + m.format);
    for (const auto& a : compress_args(p.compress, tool.major))
      argv.push_back(a);
    if (directory && p.jobs > 1) argv.push_back("--jobs=" + std::to_string(p.jobs));
    if (m.schema_only) argv.push_back("--schema-only");
    for (const auto& t : m.exclude_tables)
      argv.push_back("--exclude-table=" + t);
  }
  argv.push_back("--no-password");

  if (ctx.dry_run()) {
    argv.push_back("--file=" + dir + "/<UTC time>." + ext);
    argv.push_back("--dbname=" + redact_password_text(conn.conninfo()));
    ctx.plan(shell_command_line(argv));
    job.status = "would run";
    job.file = dir + "/<UTC time>." + ext;
    return;
  }

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw failure("cannot create backup directory \"" + dir + "\": " + ec.message());
  // The directories just made must survive a crash as well as the files.
  for (fs::path d = fs::path(dir).parent_path(); d.string().size() >= p.dir.size(); d = d.parent_path())
    fsync_path(d.string());
  const std::string stamp = utc_stamp(started);
  m.name = free_name(dir, stamp, ext);
  std::string final_path = dir + "/" + m.name;
  static std::atomic<int> serial{0};  // the same database twice in one run
  const std::string tmp = dir + "/." + m.name + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(++serial);
  // Created here so an unwritable directory fails before pg_dump starts.
  if (directory) {
    if (mkdir(tmp.c_str(), 0700) != 0)
      throw failure("cannot write in backup directory \"" + dir + "\": " + std::strerror(errno));
  } else {
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw failure("cannot write in backup directory \"" + dir + "\": " + std::strerror(errno));
    close(fd);
  }
  bool renamed = false;
  try {
    argv.push_back("--file=" + tmp);
    std::optional<Transaction> tx;
    std::string snapshot;
    if (!job.globals) {
      // The snapshot pg_dump reads, held open until the counts are done.
      tx.emplace(s, "starting the snapshot transaction");
      s.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", "starting the snapshot transaction");
      snapshot = s.exec("SELECT pg_catalog.pg_export_snapshot()", "exporting the snapshot")[0][0].str();
      argv.push_back("--snapshot=" + snapshot);
    }
    argv.push_back("--dbname=" + conn.conninfo());
    log::info("running " + shell_command_line(argv));
    // Recorded as it would be typed to make this very file.
    const auto dump_command = [argv, tmp](const std::string& file) {
      std::vector<std::string> shown = argv;
      for (auto& a : shown)
        if (a == "--file=" + tmp) a = "--file=" + file;
      return shell_command_line(shown);
    };
    ChildSpec spec;
    spec.argv = argv;
    spec.env = conn.env();
    Progress progress(p.progress, job.globals ? "globals" : "database \"" + job.database + "\"", tmp);
    if (p.progress) spec.tick = [&progress] { progress.tick(); };

    // pg_dump runs (a thread waits for it) while this session counts the
    // rows in the snapshot it exported. Which tables an --exclude-table
    // pattern dropped is pg_dump's business: then the total is not
    // recorded, only each table's rows.
    const std::string what = job.globals ? "dumping the globals" : "dumping database \"" + job.database + "\"";
    Child child(spec);
    ChildResult r;
    std::atomic<bool> dump_failed{false};
    std::thread waiter([&] {
      r = child.wait();
      dump_failed = r.interrupted || r.exit_code != 0;
    });
    WaiterGuard guard{child, waiter};
    Manifest counted;
    counted.schema_only = m.schema_only;
    std::optional<Error> count_failure;
    bool stopped = false;  // pgdba killed pg_dump because the counts failed
    if (!job.globals) {
      try {
        count_rows(s, counted, dump_failed);
      } catch (const Error& e) {
        count_failure = e;
        // A lost server ends pg_dump too, in its own words; any other
        // failure makes the dump worthless: stop it.
        if (!dump_failed && e.kind != ErrorKind::Connect) {
          child.signal_group(SIGKILL);
          stopped = true;
        }
      }
    }
    waiter.join();
    progress.done();
    if (interrupt_requested()) {
      r.interrupted = true;
      throw child_failure(program, what, r);
    }
    if (dump_failed && !stopped) throw child_failure(program, what, r);
    if (count_failure) throw *count_failure;
    std::vector<FileSum> sums;
    long long size = 0;
    sum_files(m.name, tmp, directory, sums, size);
    if (tx) tx->rollback();
    m.tables = !job.globals && m.exclude_tables.empty() ? counted.tables : std::nullopt;
    m.row_counts = std::move(counted.row_counts);
    m.large_objects = counted.large_objects;
    m.files = std::move(sums);
    m.size = size;
    const auto finished = Clock::now();
    m.started_at = iso_utc(started);
    m.finished_at = iso_utc(finished);
    m.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (interrupt_requested()) throw failure("interrupted: the finished dump was not kept");
    // Never over another backup: another run may have taken the name
    // meanwhile (same database, same second); then the next free one.
    for (int attempt = 0; !rename_new_durable(tmp, final_path); ++attempt) {
      if (attempt == 100) throw failure("cannot find a free name for the backup in \"" + dir + "\"");
      m.name = free_name(dir, stamp, ext);
      final_path = dir + "/" + m.name;
    }
    renamed = true;
    if (!directory) m.files[0].path = m.name;
    m.dump_command = dump_command(final_path);
    write_manifest(m, dir + "/" + manifest_name(m.name), false);
  } catch (...) {
    remove_quietly(tmp);
    if (renamed) remove_quietly(final_path);
    throw;
  }
  job.file = final_path;
  job.size = m.size;
  job.status = "complete";
  job.seconds = m.duration_seconds;
}

}  // namespace

namespace {

// --keep / --keep-days after a run in which every dump succeeded: the
// retention of backup prune, over the backups of the databases just dumped
// (same target, kind and database), never others under the directory.
Table prune_after(Context& ctx, const std::string& dir, const std::vector<Job>& jobs, const RetentionRule& rule,
                  int& failed) {
  std::set<std::tuple<std::string, std::string, std::string>> groups;
  std::set<std::string> dirs;
  for (const auto& j : jobs) {
    if (j.status != "complete") continue;
    const Manifest m = manifest_for(j.file);
    groups.emplace(m.target, m.kind, m.database);
    dirs.insert(std::filesystem::path(j.file).parent_path().string());
  }
  std::vector<Manifest> mine;
  for (auto& m : find_manifests(dir)) {
    if (groups.count({m.target, m.kind, m.database}) != 0) mine.push_back(std::move(m));
  }
  return prune_backups(ctx, mine, rule, {dirs.begin(), dirs.end()}, failed);
}

}  // namespace

void run_create(Context& ctx, const VerbRecord& rec, const CreateOptions& o) {
  validate(o, rec);
  const auto retention = retention_rule(o.keep, o.keep_days);
  catch_termination();
  Plan p;
  p.o = &o;
  p.compress = parse_compress(o.compress);
  p.dir = backup_dir(o.dir);
  p.jobs = rec.fan_out.jobs > 0 ? rec.fan_out.jobs : 1;
  p.command = own_command_line();
  if (!ctx.dry_run()) ctx.open_audit_log();

  const std::vector<std::string>& targets = ctx.targets();
  const bool fleet = !targets.empty();
  std::vector<Job> jobs;
  const std::vector<std::string> where = fleet ? targets : std::vector<std::string>{""};
  if (o.globals || rec.fan_out.all_databases) {
    for (const auto& t : where) {
      Job j;
      j.target = t;
      j.globals = true;
      jobs.push_back(j);
    }
  }
  if (!o.dbs.empty()) {
    for (const auto& t : where)
      for (const auto& d : o.dbs) {
        Job j;
        j.target = t;
        j.database = d;
        jobs.push_back(j);
      }
  } else {
    for (const auto& u : list_units(ctx, rec, targets, rec.fan_out.all_databases, fleet ? 8 : 1)) {
      Job j;
      j.target = u.target;
      j.database = u.database;
      if (u.error) {
        j.status = "failed";
        j.error = *u.error;
      }
      jobs.push_back(j);
    }
  }

  // Directory format parallelises inside pg_dump; the others over databases.
  // Databases at once: --jobs, by default min(databases, 4) as for every
  // verb that fans out; a directory-format dump of one database
  // parallelises inside pg_dump instead (--jobs given only).
  const int slots = ctx.dry_run() || (o.format == "directory" && !rec.fan_out.all_databases) ? 1
                    : rec.fan_out.jobs > 0                                                   ? rec.fan_out.jobs
                                           : std::max(1, std::min<int>(4, static_cast<int>(jobs.size())));
  p.progress = slots == 1 && isatty(STDERR_FILENO) != 0 && !ctx.options().quiet;
  parallel_for(jobs.size(), slots, [&](std::size_t i, SessionCache& cache) {
    Job& j = jobs[i];
    if (j.error) return;
    if (interrupt_requested()) {
      j.status = "cancelled";
      j.error = failure("interrupted before it started");
      return;
    }
    try {
      run_job(ctx, cache, p, j);
    } catch (const Error& e) {
      // A database dropped while it was listed or dumped (as vacuumdb -a
      // takes it): nothing to back up, not a failed backup.
      if (rec.fan_out.all_databases && !j.globals && !j.database.empty() &&
          database_gone(ctx, cache, j.target, j.database)) {
        j.status = "skipped";
        log::warn(j.database + ": dropped while it was being backed up: skipped (" + e.what() + ")");
        return;
      }
      j.status = "failed";
      j.error = e;
    } catch (const std::exception& e) {
      j.status = "failed";
      j.error = failure(e.what());
    }
  });

  int failed = 0, done = 0, lost = 0;
  for (const auto& j : jobs) {
    if (j.error) {
      ++failed;
      lost += j.error->kind == ErrorKind::Connect ? 1 : 0;
    } else {
      ++done;
    }
  }
  // One dump that failed: its error is the command's error (one line on
  // stderr, the exit code of its kind).
  if (jobs.size() == 1 && failed == 1) throw *jobs[0].error;

  std::vector<Column> cols;
  if (fleet) cols.push_back({"target", Kind::Text, Kind::Text});
  for (const char* c : {"database", "kind", "file"})
    cols.push_back({c, Kind::Text, Kind::Text});
  cols.push_back({"size", Kind::Bytes, Kind::Text});
  cols.push_back({"seconds", Kind::Seconds, Kind::Text});
  cols.push_back({"status", Kind::Text, Kind::Text});
  cols.push_back({"error", Kind::Text, Kind::Text});
  Table t("backup", cols);
  const auto opt = [](const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); };
  for (const auto& j : jobs) {
    if (j.error) log::error((j.database.empty() ? std::string("globals") : j.database) + ": " + j.error->what());
    std::vector<std::optional<std::string>> row;
    if (fleet) row.emplace_back(j.target);
    row.emplace_back(j.globals ? std::nullopt : opt(j.database));
    row.emplace_back(std::string(j.globals ? "globals" : "database"));
    row.emplace_back(opt(j.file));
    row.emplace_back(j.status == "complete" ? opt(std::to_string(j.size)) : std::nullopt);
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.3f", j.seconds);
    row.emplace_back(j.status == "complete" ? opt(secs) : std::nullopt);
    row.emplace_back(j.status);
    row.emplace_back(j.error ? opt(j.error->what()) : std::nullopt);
    t.add_row(std::move(row));
  }
  if (failed > 0) {
    if (retention) log::warn("no backup pruned: " + std::to_string(failed) + " of the dumps failed");
    ctx.emit({t});
    const ErrorKind kind = done > 0 ? ErrorKind::Partial : lost == failed ? ErrorKind::Connect : ErrorKind::Failed;
    ctx.set_exit_code(static_cast<int>(kind));
    return;
  }
  if (!retention || ctx.dry_run()) {
    if (retention) log::info("--keep and --keep-days prune after a real run; nothing is dumped or pruned now");
    ctx.emit({t});
    return;
  }
  int prune_failed = 0;
  Table pruned = prune_after(ctx, p.dir, jobs, *retention, prune_failed);
  ctx.emit({t, pruned});
  if (prune_failed > 0) ctx.set_exit_code(static_cast<int>(ErrorKind::Failed));
}

}  // namespace pgdba::backup
