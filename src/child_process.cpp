#include "src/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "src/cancel.hpp"
#include "src/errors.hpp"

extern char** environ;

namespace pgdba {

namespace {

std::atomic<bool> g_terminate{false};
constexpr std::size_t kErrKeep = 64 * 1024;

// SIGTERM is handled as Ctrl-C is (cancel.hpp: the running statements are
// cancelled, the command ends with 130) plus the children killed: a
// statement pgdba waits on must not keep it from noticing.
void on_sigterm(int) {
  if (!g_terminate.exchange(true)) kill(getpid(), SIGINT);
}

// Every descriptor pgdba opens for a child is close-on-exec, so children
// started at the same time by other threads never hold each other's pipes
// open (a pipe that never reaches EOF would hang the wait).
void make_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) throw failure(std::string("cannot create a pipe: ") + std::strerror(errno));
}

}  // namespace

void catch_termination() {
  static std::atomic<bool> installed{false};
  if (installed.exchange(true)) return;
  struct sigaction sa {};
  sa.sa_handler = on_sigterm;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
}

bool termination_requested() {
  return g_terminate.load();
}

bool interrupt_requested() {
  return g_terminate.load() || cancel::requested();
}

Child::Child(const ChildSpec& spec) {
  if (spec.argv.empty()) throw failure("internal error: a child process without a program");
  program_ = spec.argv[0];
  tick_ = spec.tick;
  on_stderr_ = spec.on_stderr;
  // Everything the child needs is prepared before fork: between fork and
  // exec only async-signal-safe calls are allowed (other threads may hold
  // the allocator's lock).
  std::vector<std::string> env_strings;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string kv = *e;
    const std::string key = kv.substr(0, kv.find('='));
    if (spec.env.count(key) == 0) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : spec.env)
    if (!v.empty()) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = spec.argv;
  std::vector<char*> argv;
  for (auto& a : argv_copy)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  const std::string in_path = spec.stdin_path.empty() ? "/dev/null" : spec.stdin_path;
  const int in_fd = open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (in_fd < 0) throw failure("cannot open \"" + in_path + "\": " + std::strerror(errno));
  int out_file = -1;
  if (!spec.stdout_path.empty()) {
    out_file = open(spec.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out_file < 0) {
      const std::string why = std::strerror(errno);
      close(in_fd);
      throw failure("cannot write \"" + spec.stdout_path + "\": " + why);
    }
  }
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  try {
    if (out_file < 0) make_pipe(out_pipe);
    make_pipe(err_pipe);
  } catch (...) {
    close(in_fd);
    if (out_file >= 0) close(out_file);
    if (out_pipe[0] >= 0) close(out_pipe[0]), close(out_pipe[1]);
    throw;
  }
  const bool search = program_.find('/') == std::string::npos;
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    // Default dispositions: the child must die of the signals pgdba catches.
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    dup2(in_fd, STDIN_FILENO);
    dup2(out_file >= 0 ? out_file : out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    if (search) {
      execvpe(argv[0], argv.data(), envp.data());
    } else {
      execve(argv[0], argv.data(), envp.data());
    }
    const char* why = std::strerror(errno);
    const char prefix[] = "cannot execute: ";
    if (write(STDERR_FILENO, prefix, sizeof prefix - 1) < 0 || write(STDERR_FILENO, why, std::strlen(why)) < 0) {
      _exit(127);
    }
    _exit(127);
  }
  const int fork_errno = errno;
  close(in_fd);
  if (out_file >= 0) close(out_file);
  if (out_pipe[1] >= 0) close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    if (out_pipe[0] >= 0) close(out_pipe[0]);
    close(err_pipe[0]);
    throw failure("cannot start " + program_ + ": " + std::strerror(fork_errno));
  }
  setpgid(pid, pid);  // also here, so a kill before the child ran setpgid reaches it
  pid_ = pid;
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
}

Child::~Child() {
  kill_now();
}

void Child::kill_now() noexcept {
  if (done_ || pid_ < 0) return;
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  done_ = true;
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  out_fd_ = err_fd_ = -1;
}

void Child::signal_group(int sig) noexcept {
  if (!done_ && pid_ > 0) kill(-pid_, sig);
}

ChildResult Child::wait() {
  ChildResult r;
  using clock = std::chrono::steady_clock;
  clock::time_point killed_at{};
  bool sent_term = false;
  bool sent_kill = false;
  char buf[65536];
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    pollfd fds[2];
    nfds_t n = 0;
    if (out_fd_ >= 0) fds[n++] = pollfd{out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[n++] = pollfd{err_fd_, POLLIN, 0};
    const int ready = poll(fds, n, 100);
    if (ready < 0 && errno != EINTR) break;
    for (nfds_t i = 0; ready > 0 && i < n; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      const bool is_out = fds[i].fd == out_fd_;
      if (got <= 0) {
        close(fds[i].fd);
        (is_out ? out_fd_ : err_fd_) = -1;
        continue;
      }
      std::string& into = is_out ? r.out : r.err;
      into.append(buf, static_cast<std::size_t>(got));
      if (!is_out && on_stderr_) on_stderr_(std::string(buf, static_cast<std::size_t>(got)));
      if (!is_out && into.size() > 2 * kErrKeep) into.erase(0, into.size() - kErrKeep);
    }
    if (interrupt_requested() && !sent_term) {
      kill(-pid_, SIGTERM);
      sent_term = true;
      r.interrupted = true;
      killed_at = clock::now();
    }
    if (sent_term && !sent_kill && clock::now() - killed_at > std::chrono::seconds(5)) {
      kill(-pid_, SIGKILL);
      sent_kill = true;
    }
    if (tick_ && !sent_term) tick_();
  }
  // Output closed; the child may still be running (it closed its stdout).
  int status = 0;
  for (;;) {
    const pid_t w = waitpid(pid_, &status, WNOHANG);
    if (w == pid_) break;
    if (w < 0 && errno != EINTR) break;
    if (interrupt_requested() && !sent_term) {
      kill(-pid_, SIGTERM);
      sent_term = true;
      r.interrupted = true;
      killed_at = clock::now();
    }
    if (sent_term && !sent_kill && clock::now() - killed_at > std::chrono::seconds(5)) {
      kill(-pid_, SIGKILL);
      sent_kill = true;
    }
    usleep(20000);
  }
  // pg_dump --jobs workers are in the group too: none may outlive the leader.
  if (sent_term) kill(-pid_, SIGKILL);
  done_ = true;
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
  }
  if (r.err.size() > kErrKeep) r.err.erase(0, r.err.size() - kErrKeep);
  return r;
}

ChildResult run_child(const ChildSpec& spec) {
  Child c(spec);
  return c.wait();
}

std::string child_error_summary(const std::string& err) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < err.size()) {
    std::size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    std::string line = err.substr(start, end - start);
    start = end + 1;
    if (!line.empty()) lines.push_back(line);
  }
  std::string out;
  for (const auto& l : lines) {
    const auto pos = l.find("error: ");
    if (pos == std::string::npos) continue;
    out += (out.empty() ? "" : "; ") + l.substr(pos + 7);
  }
  if (out.empty() && !lines.empty()) {
    out = lines.back();
    // "pg_dump: ..." prefixes
    const auto colon = out.find(": ");
    if (colon != std::string::npos && out.compare(0, 3, "pg_") == 0) out = out.substr(colon + 2);
  }
  return out;
}

}  // namespace pgdba
