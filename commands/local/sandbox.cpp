// sandbox: a throwaway local cluster (initdb + pg_ctl) for trying pgdba and
// for tests. Private port (never 5432), socket in its own directory, the
// logging collector on and pg_stat_statements preloaded.
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "src/command.hpp"
#include "src/context.hpp"
#include "src/errors.hpp"
#include "src/process.hpp"
#include "src/quote.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace fs = std::filesystem;

namespace {

constexpr int kFirstPort = 54320;
constexpr const char* kSuperuser = "postgres";
// Written by `sandbox up` beside the cluster it creates; `down` and `up` touch
// only a cluster whose marker names it (see require_marker).
constexpr const char* kMarker = "pgdba-sandbox.json";
// IF NOT EXISTS: a second `up` racing this one must not fail.
constexpr const char* kCreateExtension = "CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA public";

using Argv = std::vector<std::string>;

struct SandboxOptions {
  std::string dir;
  int port = 0;
  bool destroy = false;
};

bool is_root() {
  return geteuid() == 0;
}

// As root the server runs as the postgres OS user, which cannot enter /root,
// so root's sandbox lives under /var/lib.
std::string default_dir() {
  if (is_root()) return "/var/lib/pgdba/sandbox";
  if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state != '\0') {
    return std::string(state) + "/pgdba/sandbox";
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    if (const passwd* pw = getpwuid(geteuid())) home = pw->pw_dir;
  }
  return std::string(home != nullptr ? home : "/tmp") + "/.local/state/pgdba/sandbox";
}

std::string sandbox_dir(const SandboxOptions& o) {
  const std::string d = o.dir.empty() ? default_dir() : o.dir;
  std::error_code ec;
  const fs::path abs = fs::absolute(d, ec);
  return ec ? d : abs.lexically_normal().string();
}

std::string data_dir(const std::string& dir) {
  return dir + "/data";
}

std::string server_user() {
  return is_root() ? "postgres" : "";
}

bool port_free(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  const std::string sock = ".s.PGSQL." + std::to_string(port);
  return ok && !fs::exists("/tmp/" + sock) && !fs::exists("/var/run/postgresql/" + sock);
}

void validate_port(int wanted) {
  if (wanted == 0) return;
  if (wanted == 5432) throw usage_error("the sandbox never uses port 5432, the system cluster's port");
  if (wanted < 1024 || wanted > 65535) throw usage_error("--port must be between 1024 and 65535");
}

int choose_port(int wanted) {
  if (wanted != 0) return wanted;
  // Start at a pid-dependent offset so parallel harnesses rarely collide.
  const int offset = static_cast<int>(getpid() % 500);
  for (int i = 0; i < 1000; ++i) {
    const int port = kFirstPort + (offset + i) % 1000;
    if (port_free(port)) return port;
  }
  throw failure("no free port between 54320 and 55319");
}

int read_port(const std::string& dir) {
  std::ifstream in(dir + "/port");
  int port = 0;
  in >> port;
  return port;
}

std::string marker_path(const std::string& dir) {
  return dir + "/" + kMarker;
}

Argv pg_argv(const std::string& program, Argv args) {
  args.insert(args.begin(), postgres_bindir() + "/" + program);
  return args;
}

ProcessResult run_pg(const Argv& argv) {
  return run_process(argv, server_user());
}

bool running(const std::string& dir) {
  return run_pg(pg_argv("pg_ctl", {"status", "-D", data_dir(dir)})).exit_code == 0;
}

// The first field of pg_control. initdb picks a new one for every cluster,
// so it ties a marker to the cluster it was written for: a marker copied next
// to another cluster, even edited to name that directory, does not match.
// "" if pg_control cannot be read.
std::string system_identifier(const std::string& dir) {
  std::ifstream in(data_dir(dir) + "/global/pg_control", std::ios::binary);
  std::uint64_t id = 0;
  if (!in.read(reinterpret_cast<char*>(&id), sizeof id)) return "";
  return std::to_string(id);
}

// What `sandbox up` created, for a later `down` to recognise. "command" is
// the equivalent command line rather than the one typed, which may carry a
// password in a global --dsn.
void write_marker(const std::string& dir, int port) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char created[32];
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const nlohmann::json marker = {
      {"created_by", "pgdba " PGDBA_VERSION},
      {"command", shell_command_line({"pgdba", "sandbox", "up", "--dir", dir, "--port", std::to_string(port)})},
      {"created", created},
      {"dir", dir},
      {"data_dir", data_dir(dir)},
      {"port", port},
      {"system_identifier", system_identifier(dir)},
  };
  std::ofstream out(marker_path(dir));
  out << marker.dump(2) << "\n";
  if (!out) throw failure("cannot write \"" + marker_path(dir) + "\"");
}

// --dir may name any directory, and a real server's (RHEL's /var/lib/pgsql
// holds data/ too) looks like a sandbox from outside: only the marker
// `sandbox up` wrote for this very cluster lets pgdba start, stop or delete
// it. `refused` says what would have happened ("delete \"/x\"").
void require_marker(const std::string& dir, const std::string& refused) {
  const std::string path = marker_path(dir);
  const auto refuse = [&](const std::string& why) {
    Error e = failure("refusing to " + refused + ": " + why);
    e.hint = "pgdba starts, stops and deletes only clusters that 'pgdba sandbox up' created and marked with \"" + path +
             "\"; manage any other cluster with pg_ctl";
    return e;
  };
  std::ifstream in(path);
  if (!in) throw refuse("pgdba did not create it (no marker \"" + path + "\")");
  const nlohmann::json m = nlohmann::json::parse(in, nullptr, false);
  const auto field = [&](const char* key) {
    return m.is_object() && m.contains(key) && m[key].is_string() ? m[key].get<std::string>() : std::string();
  };
  if (!m.is_object()) throw refuse("the marker \"" + path + "\" is not one pgdba wrote");
  const std::string named = field("dir");
  std::error_code ec;
  if (named != dir && !(fs::equivalent(named, dir, ec) && !ec)) {
    throw refuse("the marker \"" + path + "\" was written for \"" + named + "\", not for this directory");
  }
  const std::string id = system_identifier(dir);
  if (id.empty() || field("system_identifier") != id) {
    throw refuse("the marker \"" + path + "\" was written for another cluster (system identifier " +
                 field("system_identifier") + ", this one " + (id.empty() ? "unreadable" : id) + ")");
  }
}

void check_result(const ProcessResult& r, const std::string& what) {
  if (r.exit_code == 0) return;
  std::string out = r.output;
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  Error e = failure(what + " failed (exit code " + std::to_string(r.exit_code) + ")");
  e.detail = out;
  throw e;
}

// Read-only, so --dry-run fails where the real run would.
void check_dir_usable(const std::string& dir) {
  if (!is_root()) return;
  if (getpwnam("postgres") == nullptr) throw failure("running as root needs the postgres OS user to own the sandbox");
  // postgres must be able to reach the directory through its parents.
  for (fs::path p = fs::path(dir).parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    struct stat st {};
    if (stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
      throw failure("the postgres OS user cannot enter \"" + p.string() +
                    "\"; choose a --dir outside it (for example under /var/tmp)");
    }
  }
}

void prepare_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw failure("cannot create \"" + dir + "\": " + ec.message());
  chmod(dir.c_str(), 0700);
  if (is_root()) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr || chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw failure("cannot give \"" + dir + "\" to postgres");
    }
  }
}

void write_config(const std::string& dir, int port) {
  std::ofstream conf(data_dir(dir) + "/postgresql.conf", std::ios::app);
  conf << "\n# pgdba sandbox\n"
       << "port = " << port << "\n"
       << "listen_addresses = ''\n"
       << "unix_socket_directories = " << quote_literal(dir) << "\n"
       << "logging_collector = on\n"
       << "log_destination = 'stderr,csvlog'\n"
       << "log_directory = 'log'\n"
       << "log_filename = 'postgresql-%Y-%m-%d_%H%M%S.log'\n"
       << "shared_preload_libraries = 'pg_stat_statements'\n"
       << "pg_stat_statements.track = all\n";
  if (!conf) throw failure("cannot write the sandbox's postgresql.conf");
  std::ofstream(dir + "/port") << port << "\n";
}

Table status_table(const std::string& dir) {
  Table t("sandbox", {Column{"dir", Kind::Text, Kind::Text}, Column{"port", Kind::Integer, Kind::Text},
                      Column{"running", Kind::Boolean, Kind::Text}, Column{"socket_dir", Kind::Text, Kind::Text},
                      Column{"user", Kind::Text, Kind::Text}});
  const bool exists = fs::exists(data_dir(dir) + "/PG_VERSION");
  const int port = read_port(dir);
  t.add_row({dir, port > 0 ? std::optional<std::string>(std::to_string(port)) : std::nullopt,
             std::string(exists && running(dir) ? "t" : "f"), dir, std::string(kSuperuser)});
  return t;
}

// Everything `sandbox up` will do, decided and validated once: --dry-run
// prints it and a real run executes it, so the two cannot drift apart.
struct UpPlan {
  std::string dir;
  int port = 0;
  Argv initdb;  // empty: the cluster exists
  Argv start;   // empty: it already runs
};

UpPlan plan_up(const SandboxOptions& o) {
  validate_port(o.port);
  UpPlan p;
  p.dir = sandbox_dir(o);
  if (!fs::exists(data_dir(p.dir) + "/PG_VERSION")) {
    p.port = choose_port(o.port);
    const std::string sock = p.dir + "/.s.PGSQL." + std::to_string(p.port);
    if (sock.size() > 107) throw usage_error("the sandbox path is too long for a unix socket; choose a shorter --dir");
    check_dir_usable(p.dir);
    p.initdb = pg_argv("initdb", {"-D", data_dir(p.dir), "-U", kSuperuser, "--auth=trust", "-E", "UTF8",
                                  "--locale=C.UTF-8", "--no-instructions"});
  } else {
    require_marker(p.dir, "start \"" + data_dir(p.dir) + "\"");
    p.port = read_port(p.dir);
    if (o.port != 0 && o.port != p.port) {
      throw usage_error("the sandbox in \"" + p.dir + "\" already uses port " + std::to_string(p.port));
    }
  }
  if (!p.initdb.empty() || !running(p.dir)) {
    p.start = pg_argv("pg_ctl", {"start", "-w", "-t", "60", "-D", data_dir(p.dir), "-l", p.dir + "/startup.log"});
  }
  return p;
}

// Through ctx.mutate, so the statement is audited and --dry-run lists it.
void ensure_extension(Context& ctx, const UpPlan& p) {
  if (ctx.dry_run() && !p.start.empty()) {
    // No server to ask yet; a new cluster never has the extension.
    ctx.plan(kCreateExtension);
    return;
  }
  ConnOptions c;
  c.host = p.dir;
  c.port = std::to_string(p.port);
  c.user = kSuperuser;
  c.dbname = "postgres";
  Session s(build_conninfo(c, SessionSettings{}, ""));
  const auto present =
      s.exec("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_stat_statements'", "looking up extensions");
  if (present.empty()) ctx.mutate(s, kCreateExtension, "creating pg_stat_statements");
}

Result sandbox_up(Context& ctx, const SandboxOptions& o) {
  const UpPlan p = plan_up(o);
  if (ctx.dry_run()) {
    for (const Argv* argv : {&p.initdb, &p.start})
      if (!argv->empty()) ctx.plan(shell_command_line(*argv));
  } else {
    ctx.open_audit_log();  // an unwritable audit log stops us before initdb
    if (!p.initdb.empty()) {
      prepare_dir(p.dir);
      check_result(run_pg(p.initdb), "initdb");
      write_marker(p.dir, p.port);
      write_config(p.dir, p.port);
    }
    if (!p.start.empty()) check_result(run_pg(p.start), "starting the server (see " + p.dir + "/startup.log)");
  }
  ensure_extension(ctx, p);
  return {status_table(p.dir)};
}

// Everything `sandbox down` will do; see UpPlan.
struct DownPlan {
  std::string dir;
  Argv stop;                        // empty: not running
  std::vector<std::string> remove;  // --destroy: what `sandbox up` created
  std::vector<std::string> kept;    // --destroy: entries pgdba did not create
};

DownPlan plan_down(const SandboxOptions& o) {
  DownPlan p;
  p.dir = sandbox_dir(o);
  if (!fs::exists(data_dir(p.dir) + "/PG_VERSION")) {
    if (o.destroy && fs::exists(p.dir)) {
      throw failure("\"" + p.dir + "\" holds no sandbox cluster; not removing it");
    }
    throw failure("no sandbox in \"" + p.dir + "\"");
  }
  require_marker(p.dir, o.destroy ? "delete \"" + p.dir + "\"" : "stop \"" + data_dir(p.dir) + "\"");
  if (running(p.dir)) p.stop = pg_argv("pg_ctl", {"stop", "-w", "-m", "fast", "-D", data_dir(p.dir)});
  if (o.destroy) {
    // Someone may have put files of their own beside the cluster: those stay,
    // and so does the directory then.
    const std::string sock = ".s.PGSQL." + std::to_string(read_port(p.dir));
    const std::vector<std::string> ours = {"data", "port", "startup.log", kMarker, sock, sock + ".lock"};
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(p.dir, ec)) {
      const std::string name = e.path().filename().string();
      (std::find(ours.begin(), ours.end(), name) != ours.end() ? p.remove : p.kept).push_back(e.path().string());
    }
    if (ec) throw failure("cannot list \"" + p.dir + "\": " + ec.message());
    std::sort(p.remove.begin(), p.remove.end());
    std::sort(p.kept.begin(), p.kept.end());
  }
  return p;
}

Result sandbox_down(Context& ctx, const SandboxOptions& o) {
  const DownPlan p = plan_down(o);
  if (o.destroy) ctx.confirm("stop the sandbox and delete \"" + p.dir + "\" with all its data");
  Argv rm = {"rm", "-rf", "--"};
  rm.insert(rm.end(), p.remove.begin(), p.remove.end());
  const Argv rmdir = {"rmdir", "--", p.dir};
  Table t = action_table();
  if (ctx.dry_run()) {
    if (!p.stop.empty()) ctx.plan(shell_command_line(p.stop));
    if (o.destroy) ctx.plan(shell_command_line(rm));
    if (o.destroy && p.kept.empty()) ctx.plan(shell_command_line(rmdir));
    if (p.stop.empty()) add_action(t, "stop sandbox", p.dir, "not running");
    return {t};
  }
  if (!p.stop.empty()) {
    check_result(run_pg(p.stop), "stopping the server");
    add_action(t, "stop sandbox", p.dir, "stopped");
  } else {
    add_action(t, "stop sandbox", p.dir, "not running");
  }
  if (o.destroy) {
    std::error_code ec;
    for (const auto& path : p.remove) {
      fs::remove_all(path, ec);
      if (ec) throw failure("cannot remove \"" + path + "\": " + ec.message());
    }
    if (p.kept.empty()) {
      fs::remove(p.dir, ec);
      if (ec) throw failure("cannot remove \"" + p.dir + "\": " + ec.message());
      add_action(t, "delete sandbox", p.dir, "deleted");
    } else {
      std::string kept;
      for (const auto& k : p.kept)
        kept += (kept.empty() ? "" : ", ") + fs::path(k).filename().string();
      add_action(t, "delete sandbox", p.dir, "deleted; kept what pgdba did not create: " + kept);
    }
  }
  return {t};
}

}  // namespace

void register_sandbox(CommandTable& table) {
  Noun sandbox = table.noun("sandbox", "A throwaway local cluster: up, down, status, env");
  const std::string dir_help =
      "directory of the sandbox (default ~/.local/state/pgdba/sandbox, "
      "/var/lib/pgdba/sandbox as root)";

  auto up = std::make_shared<SandboxOptions>();
  sandbox
      .raw("up", "Create (initdb) and start the sandbox cluster; starts an existing one", {Need::None, Effect::Change})
      .option("--dir", &up->dir, dir_help)
      .option("--port", &up->port, "port for a new sandbox (default: a free one from 54320, never 5432)")
      .run([up](Context& ctx) { ctx.emit(sandbox_up(ctx, *up)); });

  auto down = std::make_shared<SandboxOptions>();
  sandbox.raw("down", "Stop the sandbox cluster; --destroy also deletes it", {Need::None, Effect::Change})
      .option("--dir", &down->dir, dir_help)
      .flag("--destroy", &down->destroy, "delete the sandbox directory and its data (asks first)")
      .run([down](Context& ctx) { ctx.emit(sandbox_down(ctx, *down)); });

  auto status = std::make_shared<SandboxOptions>();
  sandbox.raw("status", "Whether the sandbox exists and runs, and where")
      .option("--dir", &status->dir, dir_help)
      .run([status](Context& ctx) { ctx.emit({status_table(sandbox_dir(*status))}); });

  auto env = std::make_shared<SandboxOptions>();
  sandbox.raw("env", "Print export lines for PGHOST, PGPORT, PGUSER and PGDATABASE: eval \"$(pgdba sandbox env)\"")
      .option("--dir", &env->dir, dir_help)
      .run([env](Context& ctx) {
        const std::string dir = sandbox_dir(*env);
        const int port = read_port(dir);
        if (port == 0) throw failure("no sandbox in \"" + dir + "\"; run 'pgdba sandbox up' first");
        Table t("env", {Column{"name", Kind::Text, Kind::Text}, Column{"value", Kind::Text, Kind::Text}});
        t.add_row({std::string("PGHOST"), dir});
        t.add_row({std::string("PGPORT"), std::to_string(port)});
        t.add_row({std::string("PGUSER"), std::string(kSuperuser)});
        t.add_row({std::string("PGDATABASE"), std::string("postgres")});
        std::string text;
        for (std::size_t i = 0; i < t.size(); ++i) {
          text += "export " + *t.row(i)[0] + "=" + shell_quote(*t.row(i)[1]) + "\n";
        }
        ctx.emit_text(text, {t});
      });
}

}  // namespace pgdba
