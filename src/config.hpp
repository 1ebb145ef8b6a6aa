// pgdba's own config file: defaults for global options and groups of fleet
// targets. Connection parameters do not belong here: they live in
// pg_service.conf, which libpq reads itself (see inventory.hpp).
//
// Where: $PGDBA_CONFIG if set and not empty; else
// $XDG_CONFIG_HOME/pgdba/config.toml (only an absolute XDG_CONFIG_HOME counts,
// as the XDG spec says); else ~/.config/pgdba/config.toml.
//
// Schema (TOML; every key optional, any other key is an error so that a typo
// does not pass silently):
//
//   [defaults]
//   output = "json"            # table | json | jsonl | csv
//   lock_timeout = "5s"        # string, PostgreSQL units as for --lock-timeout
//   statement_timeout = "0"    # string; "0" means none
//   connect_timeout = 10       # integer seconds, >= 0 (0: wait forever)
//   parallel = 8               # integer, 1..1024
//
//   [groups]                   # group name = list of pg_service.conf names
//   prod = ["pg-prod-1", "pg-prod-2"]
//   staging = ["pg-stage"]
//
//   [checks.backends]          # a built-in check's thresholds (pgdba check)
//   warning = "70"
//   critical = "85"
//   [checks.queue-depth]       # a check of your own: `check all` runs it
//   query = "select 'jobs', count(*) from jobs where not done"
//   unit = "count"             # count | bytes | seconds | percent
//   warning = "100"
//   critical = "1000"
//   per_database = false       # true: run in every database
//   description = "Jobs waiting"
//
//   [audit]                    # waivers: findings pgdba audit report leaves out
//   skip = ["PGDBA-SEC-012"]
//
// Whether a group's services exist is checked when the group is used
// (resolve_targets), so a stale group does not break every command.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgdba {

struct ConfigDefaults {
  std::optional<std::string> output;
  std::optional<std::string> lock_timeout;
  std::optional<std::string> statement_timeout;
  std::optional<int> connect_timeout;
  std::optional<int> parallel;
};

// A monitoring check in the config file: [checks.NAME]. For a built-in
// check only the thresholds; a new check also has its query.
struct ConfigCheck {
  std::optional<std::string> warning, critical;
  std::string query;  // "" for a built-in check's thresholds
  std::string unit;   // count | bytes | seconds | percent ("" = count)
  bool per_database = false;
  std::string description;
};

struct Config {
  std::string path;    // the file looked at ("" when no path could be made)
  bool found = false;  // whether it existed; when false everything below is empty
  ConfigDefaults defaults;
  // Group name -> service names in the file's order (duplicates kept;
  // resolve_targets removes them).
  std::map<std::string, std::vector<std::string>> groups;
  // Check name -> its settings ([checks.NAME]).
  std::map<std::string, ConfigCheck> checks;
  // Finding ids audit report leaves out ([audit] skip), as written.
  std::vector<std::string> audit_skip;
};

struct ConfigLocation {
  std::string path;
  bool from_env = false;  // named by $PGDBA_CONFIG: then it must exist
};

// Where the config file is, from the environment (touches no file).
ConfigLocation config_location();

// Reads and checks the file at `path`. A missing file gives an empty Config
// (found = false) unless `must_exist`. Throws a usage Error naming the file
// when it must exist but does not, cannot be read, is not valid TOML
// ("FILE:LINE:COLUMN: ..."), or breaks the schema above (unknown key, wrong
// type, bad value; also with FILE:LINE:COLUMN).
Config read_config(const std::string& path, bool must_exist = false);

// read_config() at config_location(); same errors.
Config load_config();

}  // namespace pgdba
