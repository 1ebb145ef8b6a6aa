// sandbox: a throwaway local cluster (initdb + pg_ctl) for trying pgdba and
// for tests. Private port (never 5432), socket in its own directory, the
// logging collector on and pg_stat_statements preloaded.
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "src/command.hpp"
#include "src/context.hpp"
#include "src/errors.hpp"
#include "src/process.hpp"
#include "src/quote.hpp"

namespace pgdba {

namespace fs = std::filesystem;

namespace {

constexpr int kFirstPort = 54320;
constexpr const char* kSuperuser = "postgres";

struct SandboxOptions {
  std::string dir;
  int port = 0;
  bool destroy = false;
};

std::string shell_quote(const std::string& v) {
  std::string out = "'";
  for (char c : v)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

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

int choose_port(int wanted) {
  if (wanted != 0) {
    if (wanted == 5432) throw usage_error("the sandbox never uses port 5432, the system cluster's port");
    if (wanted < 1024 || wanted > 65535) throw usage_error("--port must be between 1024 and 65535");
    return wanted;
  }
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

ProcessResult pg(const std::string& program, std::vector<std::string> args) {
  args.insert(args.begin(), postgres_bindir() + "/" + program);
  return run_process(args, server_user());
}

bool running(const std::string& dir) {
  return pg("pg_ctl", {"status", "-D", data_dir(dir)}).exit_code == 0;
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

void prepare_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw failure("cannot create \"" + dir + "\": " + ec.message());
  chmod(dir.c_str(), 0700);
  if (is_root()) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) throw failure("running as root needs the postgres OS user to own the sandbox");
    if (chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw failure("cannot give \"" + dir + "\" to postgres");
    // postgres must be able to reach the directory through its parents.
    for (fs::path p = fs::path(dir).parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
      struct stat st {};
      if (stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
        throw failure("the postgres OS user cannot enter \"" + p.string() +
                      "\"; choose a --dir outside it (for example under /var/tmp)");
      }
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

Result sandbox_up(Context& ctx, const SandboxOptions& o) {
  const std::string dir = sandbox_dir(o);
  const bool exists = fs::exists(data_dir(dir) + "/PG_VERSION");
  if (ctx.dry_run()) {
    if (!exists) ctx.plan(postgres_bindir() + "/initdb -D " + data_dir(dir) + " -U postgres --auth=trust -E UTF8");
    ctx.plan(postgres_bindir() + "/pg_ctl start -w -D " + data_dir(dir));
    return {};
  }
  if (!exists) {
    const int port = choose_port(o.port);
    const std::string sock = dir + "/.s.PGSQL." + std::to_string(port);
    if (sock.size() > 107) throw usage_error("the sandbox path is too long for a unix socket; choose a shorter --dir");
    prepare_dir(dir);
    check_result(pg("initdb", {"-D", data_dir(dir), "-U", kSuperuser, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
                               "--no-instructions"}),
                 "initdb");
    write_config(dir, port);
  } else if (o.port != 0 && o.port != read_port(dir)) {
    throw usage_error("the sandbox in \"" + dir + "\" already uses port " + std::to_string(read_port(dir)));
  }
  if (!running(dir)) {
    check_result(pg("pg_ctl", {"start", "-w", "-t", "60", "-D", data_dir(dir), "-l", dir + "/startup.log"}),
                 "starting the server (see " + dir + "/startup.log)");
  }
  ConnOptions c;
  c.host = dir;
  c.port = std::to_string(read_port(dir));
  c.user = kSuperuser;
  c.dbname = "postgres";
  Session s(build_conninfo(c, SessionSettings{}, ""));
  const auto present =
      s.exec("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_stat_statements'", "looking up extensions");
  if (present.empty()) s.exec("CREATE EXTENSION pg_stat_statements SCHEMA public", "creating pg_stat_statements");
  return {status_table(dir)};
}

Result sandbox_down(Context& ctx, const SandboxOptions& o) {
  const std::string dir = sandbox_dir(o);
  if (!fs::exists(data_dir(dir) + "/PG_VERSION")) {
    if (o.destroy && fs::exists(dir)) {
      throw failure("\"" + dir + "\" holds no sandbox cluster; not removing it");
    }
    throw failure("no sandbox in \"" + dir + "\"");
  }
  if (o.destroy) ctx.confirm("stop the sandbox and delete \"" + dir + "\" with all its data");
  if (ctx.dry_run()) {
    ctx.plan(postgres_bindir() + "/pg_ctl stop -w -m fast -D " + data_dir(dir));
    if (o.destroy) ctx.plan("rm -rf " + dir);
    return {};
  }
  Table t = action_table();
  if (running(dir)) {
    check_result(pg("pg_ctl", {"stop", "-w", "-m", "fast", "-D", data_dir(dir)}), "stopping the server");
    add_action(t, "stop sandbox", dir, "stopped");
  } else {
    add_action(t, "stop sandbox", dir, "not running");
  }
  if (o.destroy) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec) throw failure("cannot remove \"" + dir + "\": " + ec.message());
    add_action(t, "delete sandbox", dir, "deleted");
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
  sandbox.verb("up", "Create (initdb) and start the sandbox cluster; starts an existing one")
      .option("--dir", &up->dir, dir_help)
      .option("--port", &up->port, "port for a new sandbox (default: a free one from 54320, never 5432)")
      .run([up](Context& ctx) { ctx.emit(sandbox_up(ctx, *up)); });

  auto down = std::make_shared<SandboxOptions>();
  sandbox.verb("down", "Stop the sandbox cluster; --destroy also deletes it")
      .option("--dir", &down->dir, dir_help)
      .flag("--destroy", &down->destroy, "delete the sandbox directory and its data (asks first)")
      .run([down](Context& ctx) { ctx.emit(sandbox_down(ctx, *down)); });

  auto status = std::make_shared<SandboxOptions>();
  sandbox.verb("status", "Whether the sandbox exists and runs, and where")
      .option("--dir", &status->dir, dir_help)
      .run([status](Context& ctx) { ctx.emit({status_table(sandbox_dir(*status))}); });

  auto env = std::make_shared<SandboxOptions>();
  sandbox.verb("env", "Print export lines for PGHOST, PGPORT, PGUSER and PGDATABASE: eval \"$(pgdba sandbox env)\"")
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
