// A maintenance plan for `job run`: TOML (the config file's parser), a list
// of steps, each a pgdba command line with its own timeout, on-failure
// policy and optional targets. Pure: reading the file is the only I/O.
//
//   name = "nightly"                 # optional; default: the file's name without .toml
//   schedule = "daily 02:30"         # optional; job cron / job systemd (grammar: schedule.hpp)
//   lock_file = "/run/pgdba/nightly.lock"      # optional (see default_lock_file)
//   report = "/var/lib/pgdba/nightly.json"     # optional; --report overrides
//   textfile = "/var/lib/node_exporter/textfile/pgdba_nightly.prom"  # optional; --textfile overrides
//
//   [[step]]
//   name = "vacuum"                  # unique in the plan
//   command = ["vacuum", "--all-databases", "--min-dead-tuples", "10000"]
//   timeout = "2h"                   # optional; us, ms, s, min, h, d
//   on_failure = "continue"          # stop (default) | continue
//   targets = ["pg-prod-1"]          # optional; becomes --target
//
// Any other key is an error, so a typo does not pass silently.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pgdba {

struct JobStep {
  std::string name;
  std::vector<std::string> command;  // pgdba's arguments, without the program
  std::optional<double> timeout;     // seconds
  bool continue_on_failure = false;
  std::vector<std::string> targets;
};

struct JobPlan {
  std::string path;
  std::string name;
  std::string schedule;
  std::string lock_file;  // "" when the plan names none
  std::string report;
  std::string textfile;
  std::vector<JobStep> steps;
};

// Reads and checks the plan at `path`. Throws a failure when it cannot be
// read, a usage Error naming the file (FILE:LINE:COLUMN where it can) when it is not valid
// TOML, has an unknown key or a value of the wrong type, has no steps, two
// steps of one name, an empty command, a command that is itself `job`, a
// bad timeout or on_failure.
JobPlan read_job_plan(const std::string& path);

// The same from text (for tests); `path` names it in messages.
JobPlan parse_job_plan(const std::string& text, const std::string& path);

// Where the lock lives when neither the plan nor --lock-file says:
// $XDG_RUNTIME_DIR (absolute) or /tmp, "pgdba-job-NAME-HASH.lock", the
// hash of the plan's absolute path so two plans of one name do not share it.
std::string default_lock_file(const JobPlan& plan);

}  // namespace pgdba
