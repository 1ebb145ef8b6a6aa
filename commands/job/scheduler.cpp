// job cron PLAN and job systemd PLAN: the plan's schedule as a crontab line
// or as a .service and .timer pair, both running `pgdba job run PLAN` (whose
// lock keeps runs from overlapping when one outlasts its interval).
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "commands/job/plan.hpp"
#include "commands/job/schedule.hpp"
#include "commands/job/scheduler.hpp"
#include "src/context.hpp"
#include "src/durable.hpp"
#include "src/errors.hpp"

namespace pgdba {

namespace {

struct SchedulerOptions {
  std::string plan;
  std::string dir;  // job systemd: write the unit files here
};

// A word for /bin/sh and for systemd's ExecStart: single quotes when needed.
std::string quoted(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+=:,@") ==
                        std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string self_path() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("pgdba");
}

struct Scheduled {
  JobPlan plan;
  JobSchedule schedule;
  std::string command;  // pgdba job run PLAN, quoted
};

Scheduled load(const SchedulerOptions& o) {
  Scheduled s;
  s.plan = read_job_plan(o.plan);
  if (s.plan.schedule.empty()) {
    throw usage_error("the plan " + o.plan + " has no schedule (schedule = \"daily 02:30\", ...)");
  }
  s.schedule = parse_schedule(s.plan.schedule);
  const std::string abs = std::filesystem::absolute(o.plan).lexically_normal().string();
  s.command = quoted(self_path()) + " job run " + quoted(abs);
  return s;
}

std::string unit_name(const JobPlan& plan) {
  std::string n = "pgdba-";
  for (char c : plan.name)
    n += std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ? c : '-';
  return n;
}

}  // namespace

void register_job_schedulers(Noun& job) {
  auto cron = std::make_shared<SchedulerOptions>();
  job.raw("cron", "The crontab line that runs a plan on its schedule (schedule = \"daily 02:30\" in the plan)",
          {Need::None})
      .arg("plan", &cron->plan, "the plan file (TOML)")
      .run([cron](Context& ctx) {
        const Scheduled s = load(*cron);
        const std::string line = s.schedule.cron + " " + s.command;
        Table t("cron", {{"plan"}, {"schedule"}, {"line"}});
        t.add_row({s.plan.name, s.plan.schedule, line});
        ctx.emit_text("# pgdba job " + s.plan.name + " (" + s.plan.schedule + ")\n" + line + "\n", {t});
      });

  auto sd = std::make_shared<SchedulerOptions>();
  job.raw("systemd",
          "A .service and a .timer that run a plan on its schedule (Persistent=, a randomized delay; the plan's lock "
          "keeps runs from overlapping)",
          {Need::None})
      .arg("plan", &sd->plan, "the plan file (TOML)")
      .option("--dir", &sd->dir, "write pgdba-NAME.service and pgdba-NAME.timer into this directory")
      .run([sd](Context& ctx) {
        const Scheduled s = load(*sd);
        const std::string name = unit_name(s.plan);
        // Spread runs of many servers over a tenth of the interval, at most 15 min.
        const long delay = std::max(1L, std::min(900L, static_cast<long>(s.schedule.period / 10)));
        const std::string service = "[Unit]\nDescription=pgdba job " + s.plan.name +
                                    "\nWants=network-online.target\nAfter=network-online.target\n\n"
                                    "[Service]\nType=oneshot\nExecStart=" +
                                    s.command + "\n";
        const std::string timer = "[Unit]\nDescription=Run pgdba job " + s.plan.name + " (" + s.plan.schedule +
                                  ")\n\n[Timer]\nOnCalendar=" + s.schedule.on_calendar +
                                  "\nPersistent=true\nRandomizedDelaySec=" + std::to_string(delay) + "\nUnit=" + name +
                                  ".service\n\n[Install]\nWantedBy=timers.target\n";
        if (!sd->dir.empty()) {
          write_file_atomic(sd->dir + "/" + name + ".service", service);
          write_file_atomic(sd->dir + "/" + name + ".timer", timer);
        }
        Table t("units", {{"file"}, {"content"}});
        t.add_row({name + ".service", service});
        t.add_row({name + ".timer", timer});
        ctx.emit_text("# " + name + ".service\n" + service + "\n# " + name + ".timer\n" + timer, {t});
      });
}

}  // namespace pgdba
