#include "commands/backup/pg_tools.hpp"

#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "src/child_process.hpp"
#include "src/errors.hpp"
#include "src/sql_text.hpp"

namespace pgdba::backup {

namespace fs = std::filesystem;

bool parse_program_version(const std::string& text, std::string& version, int& major) {
  const auto paren = text.find(") ");
  if (text.find("(PostgreSQL)") == std::string::npos || paren == std::string::npos) return false;
  std::size_t i = paren + 2;
  std::size_t j = i;
  while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.'))
    ++j;
  if (j == i) return false;
  version = text.substr(i, j - i);
  major = std::atoi(version.c_str());
  return major > 0;
}

namespace {

// Where to look, the likeliest first: a program of the server's own major
// version found early ends the search (each look runs `program --version`).
std::vector<std::string> candidate_dirs(int major) {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("PGDBA_PG_BINDIR"); env != nullptr && *env != '\0') dirs.push_back(env);
  for (const char* root : {"/usr/lib/postgresql/", "/var/cache/pgdba/pg/"})
    dirs.push_back(root + std::to_string(major) + "/bin");
  for (const char* root : {"/usr/lib/postgresql", "/var/cache/pgdba/pg"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root, ec))
      dirs.push_back((e.path() / "bin").string());
  }
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    std::string d;
    while (std::getline(ss, d, ':'))
      if (!d.empty()) dirs.push_back(d);
  }
  return dirs;
}

std::mutex g_mutex;
std::map<std::string, PgProgram> g_versions;  // by real path

// The version of one executable, asked once per run.
bool program_version(const std::string& path, PgProgram& out) {
  std::error_code ec;
  const std::string real = fs::canonical(path, ec).string();
  if (ec) return false;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (auto it = g_versions.find(real); it != g_versions.end()) {
      out = it->second;
      out.path = path;
      return out.major > 0;
    }
  }
  PgProgram p;
  p.path = path;
  ChildSpec spec;
  spec.argv = {path, "--version"};
  const ChildResult r = run_child(spec);
  if (r.exit_code != 0 || !parse_program_version(r.out, p.version, p.major)) p.major = 0;
  std::lock_guard<std::mutex> lock(g_mutex);
  g_versions[real] = p;
  out = p;
  return p.major > 0;
}

}  // namespace

PgProgram find_pg_program(const std::string& program, int server_major, int archive_major) {
  const int need = std::max(server_major, archive_major);
  std::vector<PgProgram> found;
  for (const auto& dir : candidate_dirs(server_major)) {
    const std::string path = dir + "/" + program;
    if (access(path.c_str(), X_OK) != 0) continue;
    PgProgram p;
    if (!program_version(path, p)) continue;
    if (p.major == server_major && p.major >= need) return p;
    found.push_back(p);
  }
  const PgProgram* best = nullptr;
  for (const auto& p : found) {
    if (p.major < need) continue;
    // The server's own major first; otherwise the closest newer one.
    if (best == nullptr || (p.major == server_major && best->major != server_major) ||
        (best->major != server_major && p.major < best->major))
      best = &p;
  }
  if (best != nullptr) return *best;
  const std::string wanted = std::to_string(need);
  if (found.empty()) {
    Error e = failure("cannot find " + program + " (PostgreSQL " + wanted + " or newer)");
    e.hint = "install the PostgreSQL " + wanted + " client programs or point PGDBA_PG_BINDIR at their bin directory";
    throw e;
  }
  const PgProgram* newest = &found[0];
  for (const auto& p : found)
    if (p.major > newest->major) newest = &p;
  Error e = failure(program + " " + newest->version + " (" + newest->path + ") is older than " +
                    (archive_major > server_major ? "the pg_dump that wrote the backup (PostgreSQL " + wanted + ")"
                                                  : "the server (PostgreSQL " + wanted + ")") +
                    "; it cannot be used: nothing was run");
  e.hint = "install the PostgreSQL " + wanted + " client programs or point PGDBA_PG_BINDIR at their bin directory";
  throw e;
}

ChildConnection::ChildConnection(const GlobalOptions& g, const std::string& target, const std::string& dbname) {
  ConnOptions conn = g.conn;
  if (!target.empty()) conn.dsn = "service=" + quote_conninfo_value(target);
  SessionSettings settings;
  settings.fixed_search_path = false;  // pg_dump and psql set their own
  const std::string full = build_conninfo(conn, settings, "", dbname);
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(full.c_str(), &err);
  if (opts == nullptr) {
    const std::string why = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    throw usage_error("invalid connection options: " + why);
  }
  std::string password;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    const std::string key = o->keyword;
    if (key == "password") {
      password = o->val;
      continue;
    }
    conninfo_ += (conninfo_.empty() ? "" : " ") + key + "=" + quote_conninfo_value(o->val);
  }
  PQconninfoFree(opts);
  if (password.empty() && g.conn.prompt_password) {
    // The prompted password stays inside pgdba's own connections.
    Error e = usage_error("-W/--password cannot be used with backup: pg_dump and pg_restore need the password too");
    e.hint = "give it through PGPASSWORD, ~/.pgpass or the password of --dsn (pgdba hands it on in a 0600 passfile)";
    throw e;
  }
  if (password.empty()) return;
  // The password goes to the child in a file only its owner can read,
  // never on its command line (which `ps` shows to everyone).
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path = std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") + "/pgdba-pass-XXXXXX";
  const int fd = mkstemp(path.data());  // mode 0600
  if (fd < 0) throw failure("cannot create a temporary password file in " + fs::path(path).parent_path().string());
  std::string escaped;
  for (char c : password) {
    if (c == ':' || c == '\\') escaped += '\\';
    escaped += c;
  }
  const std::string line = "*:*:*:*:" + escaped + "\n";
  const bool ok = fchmod(fd, 0600) == 0 && write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);
  passfile_ = path;
  if (!ok) throw failure("cannot write the temporary password file " + path);
  env_["PGPASSFILE"] = path;
}

ChildConnection::~ChildConnection() {
  if (!passfile_.empty()) unlink(passfile_.c_str());
}

std::string own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string out = "pgdba";
  std::size_t start = all.find('\0');
  while (start != std::string::npos && start + 1 < all.size()) {
    const std::size_t end = all.find('\0', start + 1);
    std::string a = all.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
    std::string lower = a;
    for (char& ch : lower)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower.find("password") != std::string::npos) a = redact_secrets(a);
    out += " " + redact_password_text(a);
    start = end;
  }
  return out;
}

bool lost_connection(const std::string& err) {
  for (const char* s : {"server closed the connection unexpectedly", "terminating connection due to administrator",
                        "connection to server", "could not connect to server", "no connection to the server",
                        "the database system is shutting down"}) {
    if (err.find(s) != std::string::npos) return true;
  }
  return false;
}

}  // namespace pgdba::backup
