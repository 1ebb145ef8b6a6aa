// Integration test harness: runs the real pgdba binary against the private
// cluster that tests/harness/cluster.sh started, and reads back what the
// server holds. Every test creates and drops its own objects.
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace it {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

using Env = std::map<std::string, std::string>;

// The cluster's PG* variables; also exported into this process on first use
// so every pgdba child connects to it.
const Env& cluster();
// Reads KEY=VALUE lines.
Env load_env(const std::string& path);

// Runs pgdba with `args`; standard input is `input` from a file (never a
// terminal); `env` adds or, with an empty value, removes variables.
Run pgdba(const std::vector<std::string>& args, const std::string& input = "", const Env& env = {});

// Starts pgdba in the background with stdout/stderr to files; wait_pgdba
// collects it.
struct Background {
  int pid = -1;
  std::string out_path, err_path;
};
Background start_pgdba(const std::vector<std::string>& args, const Env& env = {});
Run wait_pgdba(const Background& b);

// A cluster of the test's own (tests/harness/cluster.sh), for tests that
// break or reshape a server; stopped and deleted when it goes out of scope.
class PrivateCluster {
 public:
  // `conf`: extra postgresql.conf lines (archive_mode, ...);
  // `initdb_flags`: extra initdb options (--data-checksums).
  explicit PrivateCluster(const std::string& conf = "", const std::string& initdb_flags = "");
  ~PrivateCluster();
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;
  // A streaming standby of `primary` (pg_basebackup -R), hot standby on.
  struct Standby {};
  PrivateCluster(const PrivateCluster& primary, Standby);
  // PGHOST, PGPORT, PGDBA_CLUSTER_DIR, PGDBA_PG_BINDIR of this cluster.
  const Env& env() const { return env_; }
  // A superuser connection to this cluster.
  pqxx::connection connect(const std::string& dbname = "postgres") const;

 private:
  std::string envfile_;
  Env env_;
};

// Polls `cond` every 50 ms until it holds (true) or `seconds` pass (false).
bool wait_for(const std::function<bool()>& cond, int seconds = 30);

// A superuser connection to the test cluster (or as `user`).
pqxx::connection connect(const std::string& dbname = "postgres", const std::string& user = "postgres");
// One value from a query on the test cluster.
std::string query_value(const std::string& sql, const std::string& dbname = "postgres");
bool database_exists(const std::string& name);

// A name no other test uses: prefix + pid + counter.
std::string unique(const std::string& prefix);
// Writes `text` to a new temp file and returns its path.
std::string temp_file(const std::string& text, const std::string& suffix = "");

// Runs pgdba with standard output going to `stdout_path` (e.g. /dev/full).
Run pgdba_stdout_to(const std::string& stdout_path, const std::vector<std::string>& args);

// Runs `command` with sh -c: its exit code, stdout and stderr.
Run shell(const std::string& command);

// A database of the test's own, dropped when it goes out of scope.
class ScratchDb {
 public:
  explicit ScratchDb(const std::string& prefix = "scratch");
  ~ScratchDb();
  ScratchDb(const ScratchDb&) = delete;
  ScratchDb& operator=(const ScratchDb&) = delete;
  const std::string& name() const { return name_; }
  // pgdba -d <this database> args...
  Run pgdba(std::vector<std::string> args, const std::string& input = "", const Env& env = {}) const;
  // Runs SQL on it as the superuser (setup and checks, not under test).
  void exec(const std::string& sql) const;
  std::string value(const std::string& sql) const;

 private:
  std::string name_;
};

// What the test cluster's server log (log_statement = all) holds from now on:
// PostgreSQL's issues_sql_like for pgdba.
class ServerLog {
 public:
  ServerLog();  // marks the current end of every log file
  // Whether a statement or message matching `pattern` was logged since the
  // mark; waits up to 10 s for it to arrive.
  bool saw(const std::string& pattern) const;
  // Whether nothing matching `pattern` was logged since the mark: first waits
  // until a statement sent after the call has reached the log.
  bool never_saw(const std::string& pattern) const;
  // Everything logged since the mark (for failure messages).
  std::string text() const;

 private:
  std::map<std::string, long> start_;
};

nlohmann::json parse_json(const std::string& text);
// Number of lines in text.
std::size_t count_lines(const std::string& text);
// The first row of JSON `rows` whose `key` is `value`; null when none is.
nlohmann::json row_for(const nlohmann::json& rows, const std::string& key, const std::string& value);
// A file's whole content ("" when it cannot be read).
std::string read_file(const std::string& path);

}  // namespace it
