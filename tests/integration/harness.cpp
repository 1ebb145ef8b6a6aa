#include "tests/integration/harness.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace it {

namespace {

std::string binary() {
  const char* b = std::getenv("PGDBA_BIN");  // lets a packaged binary be tested
  return b != nullptr ? b : PGDBA_BIN;
}

int spawn(const std::vector<std::string>& args, const std::string& in_path, const std::string& out_path,
          const std::string& err_path, const Env& env) {
  cluster();
  std::vector<std::string> argv{binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (auto& a : argv)
    cargs.push_back(a.data());
  cargs.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    for (const auto& [k, v] : env) {
      if (v.empty()) {
        unsetenv(k.c_str());
      } else {
        setenv(k.c_str(), v.c_str(), 1);
      }
    }
    const int in = open(in_path.c_str(), O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

Env load_env(const std::string& path) {
  Env e;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) e[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return e;
}

const Env& cluster() {
  static const Env env = [] {
    const char* path = std::getenv("PGDBA_TEST_ENV");
    Env e = load_env(path != nullptr ? path : PGDBA_TEST_ENV);
    for (const auto& [k, v] : e)
      setenv(k.c_str(), v.c_str(), 1);
    unsetenv("PGSERVICE");
    unsetenv("PGOPTIONS");
    // pgdba's own state (the rebuild history) stays with the test cluster.
    if (const auto dir = e.find("PGDBA_CLUSTER_DIR"); dir != e.end())
      setenv("XDG_STATE_HOME", (dir->second + "/state").c_str(), 1);
    return e;
  }();
  return env;
}

Run pgdba(const std::vector<std::string>& args, const std::string& input, const Env& env) {
  const std::string in = temp_file(input);
  const std::string out = temp_file("");
  const std::string err = temp_file("");
  const int pid = spawn(args, in, out, err, env);
  int status = 0;
  waitpid(pid, &status, 0);
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out);
  r.err = read_file(err);
  unlink(in.c_str());
  unlink(out.c_str());
  unlink(err.c_str());
  return r;
}

Background start_pgdba(const std::vector<std::string>& args, const Env& env) {
  Background b;
  const std::string in = temp_file("");
  b.out_path = temp_file("");
  b.err_path = temp_file("");
  b.pid = spawn(args, in, b.out_path, b.err_path, env);
  return b;
}

Run wait_pgdba(const Background& b) {
  int status = 0;
  waitpid(b.pid, &status, 0);
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(b.out_path);
  r.err = read_file(b.err_path);
  return r;
}

PrivateCluster::PrivateCluster(const std::string& conf, const std::string& initdb_flags)
    : envfile_(temp_file("", ".env")) {
  const std::string conf_file = temp_file(conf, ".conf");
  const std::string cmd = "PGDBA_CLUSTER_CONF=\"$(cat '" + conf_file + "')\" PGDBA_INITDB_FLAGS='" + initdb_flags +
                          "' " + std::string(PGDBA_HARNESS) + " start " + envfile_ + " >/dev/null";
  if (std::system(cmd.c_str()) != 0) {
    throw std::runtime_error("tests/harness/cluster.sh could not start a cluster");
  }
  env_ = load_env(envfile_);
}

PrivateCluster::PrivateCluster(const PrivateCluster& primary, Standby) : envfile_(temp_file("", ".env")) {
  const std::string cmd = std::string(PGDBA_HARNESS) + " standby " + envfile_ + " " + primary.envfile_ + " >/dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("tests/harness/cluster.sh could not start a standby");
  env_ = load_env(envfile_);
}

pqxx::connection PrivateCluster::connect(const std::string& dbname) const {
  return pqxx::connection("host=" + env_.at("PGHOST") + " port=" + env_.at("PGPORT") + " user=postgres dbname='" +
                          dbname + "' application_name=pgdba_tests");
}

PrivateCluster::~PrivateCluster() {
  if (std::system((std::string(PGDBA_HARNESS) + " stop " + envfile_).c_str()) != 0) {
    // nothing more to do: the directory is in /tmp
  }
}

bool wait_for(const std::function<bool()>& cond, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

pqxx::connection connect(const std::string& dbname, const std::string& user) {
  const Env& e = cluster();
  return pqxx::connection("host=" + e.at("PGHOST") + " port=" + e.at("PGPORT") + " user=" + user + " dbname='" +
                          dbname + "' application_name=pgdba_tests");
}

std::string query_value(const std::string& sql, const std::string& dbname) {
  auto c = connect(dbname);
  pqxx::nontransaction tx(c);
  const auto r = tx.exec(sql);
  return r.empty() || r[0][0].is_null() ? std::string() : r[0][0].c_str();
}

bool database_exists(const std::string& name) {
  auto c = connect();
  pqxx::nontransaction tx(c);
  return !tx.exec_params("select 1 from pg_database where datname = $1", name).empty();
}

std::string unique(const std::string& prefix) {
  static int counter = 0;
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
}

std::string temp_file(const std::string& text, const std::string& suffix) {
  std::string path = "/tmp/pgdba-it-XXXXXX" + suffix;
  const int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw std::runtime_error("mkstemps failed");
  std::size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  close(fd);
  return path;
}

Run pgdba_stdout_to(const std::string& stdout_path, const std::vector<std::string>& args) {
  const std::string in = temp_file("");
  const std::string err = temp_file("");
  const int pid = spawn(args, in, stdout_path, err, {});
  int status = 0;
  waitpid(pid, &status, 0);
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = read_file(err);
  unlink(in.c_str());
  unlink(err.c_str());
  return r;
}

Run shell(const std::string& command) {
  const std::string err = temp_file("");
  Run r;
  FILE* p = popen(("(" + command + ") 2>'" + err + "'").c_str(), "r");
  if (p == nullptr) throw std::runtime_error("popen failed: " + command);
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
    r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = read_file(err);
  unlink(err.c_str());
  return r;
}

ScratchDb::ScratchDb(const std::string& prefix) : name_(unique(prefix)) {
  auto c = connect();
  pqxx::nontransaction tx(c);
  tx.exec("CREATE DATABASE " + tx.quote_name(name_));
}

ScratchDb::~ScratchDb() {
  try {
    auto c = connect();
    pqxx::nontransaction tx(c);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (...) {
    // a cluster that is gone takes the database with it
  }
}

Run ScratchDb::pgdba(std::vector<std::string> args, const std::string& input, const Env& env) const {
  args.insert(args.begin(), {"-d", name_});
  return it::pgdba(args, input, env);
}

void ScratchDb::exec(const std::string& sql) const {
  auto c = connect(name_);
  pqxx::nontransaction tx(c);
  tx.exec(sql);
}

std::string ScratchDb::value(const std::string& sql) const {
  return query_value(sql, name_);
}

namespace {

std::vector<std::string> log_files() {
  std::vector<std::string> out;
  const std::string dir = cluster().at("PGDBA_CLUSTER_DIR") + "/data/log";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    out.push_back(e.path().string());
  return out;
}

}  // namespace

ServerLog::ServerLog() {
  for (const auto& f : log_files())
    start_[f] = static_cast<long>(std::filesystem::file_size(f));
}

std::string ServerLog::text() const {
  std::string out;
  for (const auto& f : log_files()) {
    const auto it = start_.find(f);
    std::ifstream in(f, std::ios::binary);
    in.seekg(it == start_.end() ? 0 : it->second);
    std::ostringstream s;
    s << in.rdbuf();
    out += s.str();
  }
  return out;
}

bool ServerLog::saw(const std::string& pattern) const {
  const std::regex re(pattern);
  for (int i = 0; i < 100; ++i) {
    if (std::regex_search(text(), re)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

bool ServerLog::never_saw(const std::string& pattern) const {
  const std::string sentinel = unique("pgdba_log_sentinel");
  query_value("SELECT '" + sentinel + "'");
  if (!saw(sentinel)) throw std::runtime_error("the server log never showed " + sentinel);
  return !std::regex_search(text(), std::regex(pattern));
}

nlohmann::json parse_json(const std::string& text) {
  return nlohmann::json::parse(text);
}

nlohmann::json row_for(const nlohmann::json& rows, const std::string& key, const std::string& value) {
  for (const auto& r : rows)
    if (r.contains(key) && r[key] == value) return r;
  return nullptr;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text)
    n += c == '\n';
  return n;
}

}  // namespace it
