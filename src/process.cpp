#include "src/process.hpp"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "src/errors.hpp"

namespace pgdba {

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& as_user) {
  ProcessResult res;
  const passwd* pw = nullptr;
  if (!as_user.empty() && geteuid() == 0) {
    pw = getpwnam(as_user.c_str());
    if (pw == nullptr) throw failure("OS user \"" + as_user + "\" does not exist; it must own the server's files");
  }
  int fds[2];
  if (pipe(fds) != 0) throw failure(std::string("pipe: ") + std::strerror(errno));
  const uid_t uid = pw != nullptr ? pw->pw_uid : 0;
  const gid_t gid = pw != nullptr ? pw->pw_gid : 0;
  const std::string home = pw != nullptr ? pw->pw_dir : "";
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw failure(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    if (pw != nullptr) {
      if (initgroups(as_user.c_str(), gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
        const char msg[] = "cannot switch to the server's OS user\n";
        if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) _exit(127);
        _exit(127);
      }
      setenv("HOME", home.c_str(), 1);
      if (chdir("/") != 0) _exit(127);
    }
    execvp(args[0], args.data());
    const std::string msg = std::string("cannot run ") + args[0] + ": " + std::strerror(errno) + "\n";
    if (write(STDERR_FILENO, msg.data(), msg.size()) < 0) _exit(127);
    _exit(127);
  }
  close(fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) res.output.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return res;
}

std::string postgres_bindir() {
  if (const char* env = std::getenv("PGDBA_PG_BINDIR"); env != nullptr && *env != '\0') return env;
  int best = 0;
  if (DIR* d = opendir("/usr/lib/postgresql")) {
    while (const dirent* e = readdir(d)) {
      const int v = std::atoi(e->d_name);
      const std::string initdb = std::string("/usr/lib/postgresql/") + e->d_name + "/bin/initdb";
      if (v > best && access(initdb.c_str(), X_OK) == 0) best = v;
    }
    closedir(d);
  }
  if (best > 0) return "/usr/lib/postgresql/" + std::to_string(best) + "/bin";
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    std::size_t start = 0;
    while (start <= p.size()) {
      const std::size_t end = p.find(':', start);
      std::string dir = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (!dir.empty() && access((dir + "/initdb").c_str(), X_OK) == 0) return dir;
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  throw failure("cannot find PostgreSQL's server programs (initdb, pg_ctl)");
  // HINT is given by the caller.
}

}  // namespace pgdba
