// job run PLAN: a maintenance plan's steps (plan.hpp), each a pgdba command
// run as a child process with its own timeout and on-failure policy, under
// a lock (flock on a file per plan) so a run that outlasts its interval
// never overlaps the next one; then a report (JSON) and, for monitoring, a
// Prometheus textfile (last run time, duration, status per step), so an
// alert fires when maintenance stops running or fails.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>

#include "commands/job/plan.hpp"
#include "commands/job/scheduler.hpp"
#include "src/child_process.hpp"
#include "src/command.hpp"
#include "src/context.hpp"
#include "src/durable.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/prometheus.hpp"
#include "src/render.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

struct JobRunOptions {
  std::string plan, report, textfile, lock_file;
  bool wait = false;
  int busy_exit = 0;
};

struct StepOutcome {
  std::string status = "skipped";  // ok, failed, timeout, interrupted, skipped
  std::optional<int> exit_code;
  double seconds = 0;
  std::optional<long long> rows;
  std::string error;
};

using Clock = std::chrono::steady_clock;

std::string self_exe() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw failure("cannot find pgdba's own executable (/proc/self/exe)");
  return std::string(buf, static_cast<std::size_t>(n));
}

// PostgreSQL's text form of a timestamptz, which the renderers take.
std::string timestamp_text(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S+00", &tm);
  return buf;
}

bool names_output(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "-o" || a == "--output" || a.rfind("--output=", 0) == 0 || (a.size() > 2 && a.rfind("-o", 0) == 0))
      return true;
  return false;
}

// The step's command line: pgdba, --target for its targets, the step's
// words; jsonl output unless the step chose a format, so its rows can be
// counted line by line without parsing them.
std::vector<std::string> step_argv(const std::string& exe, const JobStep& step) {
  std::vector<std::string> argv = {exe};
  if (!names_output(step.command)) argv.insert(argv.end(), {"-o", "jsonl"});
  for (const auto& t : step.targets)
    argv.insert(argv.end(), {"--target", t});
  argv.insert(argv.end(), step.command.begin(), step.command.end());
  return argv;
}

std::optional<long long> count_rows(const std::string& out, bool jsonl) {
  if (!jsonl) return std::nullopt;
  long long n = 0;
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    if (out.compare(start, 1, "{") == 0 && out.compare(start, 9, "{\"error\":") != 0) ++n;
    start = end + 1;
  }
  return n;
}

// What the steps inherit from job run's own options: the connection as
// libpq variables (never argv, where other users could read it) and the
// audit log, so every change a step makes is recorded where the DBA asked.
struct Inherited {
  std::map<std::string, std::string> env;
  std::vector<std::string> args;
};

Inherited inherited(const GlobalOptions& g) {
  if (!g.conn.dsn.empty() || g.conn.prompt_password)
    throw usage_error(
        "job run cannot hand --dsn or -W to its steps: give the connection with -h/-p/-U/-d, the environment "
        "(PGHOST, PGPASSFILE, PGSERVICE ...), or in each step's command (--target)");
  if (!g.targets.empty() || !g.groups.empty() || g.all_targets)
    throw usage_error("job run takes its targets from the plan: give them per step (targets = [...])");
  Inherited in;
  const std::pair<const std::string*, const char*> vars[] = {
      {&g.conn.host, "PGHOST"}, {&g.conn.port, "PGPORT"}, {&g.conn.user, "PGUSER"}, {&g.conn.dbname, "PGDATABASE"}};
  for (const auto& [value, name] : vars)
    if (!value->empty()) in.env[name] = *value;
  if (!g.audit_log.empty()) in.args = {"--audit-log", g.audit_log};
  return in;
}

StepOutcome run_step(const std::string& exe, const JobStep& step, const Inherited& in) {
  StepOutcome o;
  ChildSpec spec;
  spec.argv = step_argv(exe, step);
  spec.argv.insert(spec.argv.begin() + 1, in.args.begin(), in.args.end());
  spec.env = in.env;
  const auto t0 = Clock::now();
  Child* child = nullptr;
  // Past its timeout a step gets Ctrl-C first (pgdba cancels its statements
  // on the server, as psql does, so no query keeps running there), then
  // SIGTERM, then SIGKILL.
  int signals_sent = 0;
  Clock::time_point next_signal;
  spec.tick = [&] {
    const auto now = Clock::now();
    if (signals_sent == 0 && step.timeout && std::chrono::duration<double>(now - t0).count() > *step.timeout) {
      child->signal_group(SIGINT);
    } else if (signals_sent == 0 || signals_sent >= 3 || now < next_signal) {
      return;
    } else {
      child->signal_group(signals_sent == 1 ? SIGTERM : SIGKILL);
    }
    ++signals_sent;
    next_signal = now + std::chrono::seconds(5);
  };
  log::info("job: step " + step.name + ": " + shell_command_line(spec.argv));
  ChildResult r;
  try {
    Child c(spec);
    child = &c;
    r = c.wait();
  } catch (const Error& e) {
    o.status = "failed";
    o.error = e.what();
    return o;
  }
  o.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (r.exit_code >= 0) o.exit_code = r.exit_code;
  o.rows = count_rows(r.out, !names_output(step.command));
  if (r.interrupted) {
    o.status = "interrupted";
  } else if (signals_sent > 0) {
    o.status = "timeout";
    o.error = "stopped after its timeout of " + std::to_string(static_cast<long long>(*step.timeout)) + "s";
  } else if (r.exit_code == 0) {
    o.status = "ok";
  } else {
    o.status = "failed";
    o.error = child_error_summary(r.err);
    if (o.error.empty())
      o.error = r.exit_code >= 0 ? "exit code " + std::to_string(r.exit_code)
                                 : "killed by signal " + std::to_string(r.signal);
  }
  return o;
}

// Holds the plan's lock for the life of the run (flock: released by the
// kernel however the process ends, so a crash never leaves it stuck).
class PlanLock {
 public:
  explicit PlanLock(const std::string& path) : path_(path) {
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw failure("cannot open the lock file " + path + ": " + std::strerror(errno));
  }
  ~PlanLock() {
    if (fd_ >= 0) close(fd_);
  }
  PlanLock(const PlanLock&) = delete;
  PlanLock& operator=(const PlanLock&) = delete;

  // False when another run holds it and `wait` is false.
  bool acquire(bool wait) {
    while (flock(fd_, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
      if (errno == EINTR && !interrupt_requested()) continue;
      if (errno == EWOULDBLOCK) return false;
      throw failure("cannot lock " + path_ + ": " + std::strerror(errno));
    }
    // Who holds it, for a DBA looking at the file.
    const std::string pid = std::to_string(getpid()) + "\n";
    if (ftruncate(fd_, 0) == 0 && pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
      // the pid is a courtesy; the lock is what matters
    }
    return true;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

std::string render_json(const Result& result) {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* mem = open_memstream(&buf, &size);
  if (mem == nullptr) throw failure("cannot render the report: out of memory");
  {
    RenderOptions ro;
    ro.format = Format::Json;
    auto sink = make_renderer(ro, mem);
    emit_result(result, *sink);
  }
  std::fclose(mem);
  std::string out(buf, size);
  std::free(buf);
  return out;
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string metrics_text(const JobPlan& plan, const std::vector<StepOutcome>& steps, std::time_t started,
                         double seconds, bool ok) {
  const std::string p = "plan=\"" + prometheus_label_value(plan.name) + "\"";
  std::string out;
  const auto metric = [&](const char* name, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
  };
  metric("pgdba_job_last_run_timestamp_seconds", "When the last run of the plan started (Unix time).");
  out += "pgdba_job_last_run_timestamp_seconds{" + p + "} " + std::to_string(static_cast<long long>(started)) + "\n";
  metric("pgdba_job_last_run_duration_seconds", "How long the last run of the plan took.");
  out += "pgdba_job_last_run_duration_seconds{" + p + "} " + number(seconds) + "\n";
  metric("pgdba_job_last_run_success", "1 if every step of the last run succeeded, else 0.");
  out += "pgdba_job_last_run_success{" + p + "} " + std::string(ok ? "1" : "0") + "\n";
  metric("pgdba_job_step_duration_seconds", "How long each step of the last run took.");
  for (std::size_t i = 0; i < steps.size(); ++i)
    out += "pgdba_job_step_duration_seconds{" + p + ",step=\"" + prometheus_label_value(plan.steps[i].name) + "\"} " +
           number(steps[i].seconds) + "\n";
  metric("pgdba_job_step_success", "1 if the step succeeded in the last run, 0 if it failed or was skipped.");
  for (std::size_t i = 0; i < steps.size(); ++i)
    out += "pgdba_job_step_success{" + p + ",step=\"" + prometheus_label_value(plan.steps[i].name) + "\",status=\"" +
           steps[i].status + "\"} " + (steps[i].status == "ok" ? "1" : "0") + "\n";
  metric("pgdba_job_step_exit_code", "The exit code of each step of the last run (-1: none, killed or skipped).");
  for (std::size_t i = 0; i < steps.size(); ++i)
    out += "pgdba_job_step_exit_code{" + p + ",step=\"" + prometheus_label_value(plan.steps[i].name) + "\"} " +
           std::to_string(steps[i].exit_code.value_or(-1)) + "\n";
  return out;
}

Result report(const JobPlan& plan, const std::vector<StepOutcome>& steps, std::time_t started, std::time_t finished,
              double seconds, const std::string& status, int exit_code) {
  Table run("run", {Column{"plan", Kind::Text, Kind::Text}, Column{"file", Kind::Text, Kind::Text},
                    Column{"started", Kind::Timestamp, Kind::Text}, Column{"finished", Kind::Timestamp, Kind::Text},
                    Column{"duration", Kind::Seconds, Kind::Text}, Column{"status", Kind::Text, Kind::Text},
                    Column{"exit_code", Kind::Integer, Kind::Text}});
  run.add_row({plan.name, plan.path, timestamp_text(started), timestamp_text(finished), number(seconds), status,
               std::to_string(exit_code)});
  Table t("steps", {Column{"step", Kind::Text, Kind::Text}, Column{"command", Kind::Text, Kind::Text},
                    Column{"status", Kind::Text, Kind::Text}, Column{"exit_code", Kind::Integer, Kind::Text},
                    Column{"duration", Kind::Seconds, Kind::Text}, Column{"rows", Kind::Integer, Kind::Text},
                    Column{"error", Kind::Text, Kind::Text}});
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const StepOutcome& s = steps[i];
    std::vector<std::string> words = {"pgdba"};
    for (const auto& target : plan.steps[i].targets)
      words.insert(words.end(), {"--target", target});
    words.insert(words.end(), plan.steps[i].command.begin(), plan.steps[i].command.end());
    const auto opt = [](const auto& v) { return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt; };
    t.add_row({plan.steps[i].name, shell_command_line(words), s.status, opt(s.exit_code), number(s.seconds),
               opt(s.rows), s.error.empty() ? std::nullopt : std::optional<std::string>(s.error)});
  }
  return {run, t};
}

void run_job(Context& ctx, const JobRunOptions& o) {
  if (o.busy_exit < 0 || o.busy_exit > 255) throw usage_error("--busy-exit must be between 0 and 255");
  const JobPlan plan = read_job_plan(o.plan);
  const Inherited in = inherited(ctx.options());
  const std::string exe = self_exe();
  if (ctx.dry_run()) {
    for (const auto& step : plan.steps)
      ctx.plan(shell_command_line(step_argv("pgdba", step)));
    ctx.emit({});
    return;
  }
  const std::string lock_path = !o.lock_file.empty()      ? o.lock_file
                                : !plan.lock_file.empty() ? plan.lock_file
                                                          : default_lock_file(plan);
  PlanLock lock(lock_path);
  if (!lock.acquire(o.wait)) {
    log::warn("plan " + plan.name + " is already running (" + lock_path + " is locked); this run does nothing");
    Table t("run", {Column{"plan", Kind::Text, Kind::Text}, Column{"status", Kind::Text, Kind::Text},
                    Column{"lock_file", Kind::Text, Kind::Text}});
    t.add_row({plan.name, std::string("already running"), lock_path});
    ctx.emit({t});
    ctx.set_exit_code(o.busy_exit);
    return;
  }
  catch_termination();
  const std::time_t started = std::time(nullptr);
  const auto t0 = Clock::now();
  std::vector<StepOutcome> steps(plan.steps.size());
  int failed = 0;
  int succeeded = 0;
  bool stop = false;
  for (std::size_t i = 0; i < plan.steps.size() && !stop; ++i) {
    steps[i] = run_step(exe, plan.steps[i], in);
    if (steps[i].status == "ok") {
      ++succeeded;
      continue;
    }
    ++failed;
    log::error("job " + plan.name + ": step " + plan.steps[i].name + " " + steps[i].status +
               (steps[i].error.empty() ? "" : ": " + steps[i].error));
    stop = steps[i].status == "interrupted" || !plan.steps[i].continue_on_failure;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const int exit_code = failed == 0     ? 0
                        : succeeded > 0 ? static_cast<int>(ErrorKind::Partial)
                                        : static_cast<int>(ErrorKind::Failed);
  const std::string status = failed == 0 ? "ok" : "failed";
  const Result result = report(plan, steps, started, std::time(nullptr), seconds, status, exit_code);
  // Written before the output, so a monitoring system sees the run even if
  // stdout is gone (cron closes it).
  const std::string report_path = !o.report.empty() ? o.report : plan.report;
  if (!report_path.empty()) write_file_atomic(report_path, render_json(result));
  const std::string textfile = !o.textfile.empty() ? o.textfile : plan.textfile;
  if (!textfile.empty()) write_file_atomic(textfile, metrics_text(plan, steps, started, seconds, failed == 0));
  ctx.emit(result);
  ctx.set_exit_code(exit_code);
}

}  // namespace

void register_job(CommandTable& table) {
  Noun job = table.noun("job", "Scheduled maintenance: run a plan of pgdba steps under a lock, with a report");
  Verb run = job.raw("run",
                     "Run a plan (TOML: steps of pgdba command lines, each with a timeout and on_failure "
                     "stop|continue) under a lock so runs never overlap; report in JSON, metrics for Prometheus. "
                     "Steps connect as -h/-p/-U/-d, the environment or their own --target say",
                     {Need::None});
  auto o = std::make_shared<JobRunOptions>();
  run.arg("plan", &o->plan, "the plan file (TOML)")
      .flag("--wait", &o->wait, "when another run of the plan holds its lock, wait for it instead of doing nothing")
      .option("--busy-exit", &o->busy_exit, "the exit code when another run holds the lock (default 0)")
      .option("--report", &o->report, "write the run's report (JSON) here, atomically (overrides the plan's report)")
      .option("--textfile", &o->textfile,
              "write Prometheus metrics here for node_exporter's textfile collector (overrides the plan's textfile)")
      .option("--lock-file", &o->lock_file,
              "the lock file (default: the plan's lock_file, else one per plan in $XDG_RUNTIME_DIR or /tmp)")
      .run([o](Context& ctx) { run_job(ctx, *o); });
  register_job_schedulers(job);
}

}  // namespace pgdba
