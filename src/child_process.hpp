// Child processes that pgdba drives and waits on (pg_dump, pg_restore,
// pg_dumpall, psql): started from an argv vector (fork + execve, never a
// shell), in a process group of their own, with extra environment variables
// (PGPASSFILE, never a password in argv), their output captured, and killed
// with their whole group when pgdba is interrupted (Ctrl-C or SIGTERM) so an
// interrupted command never leaves a pg_dump running behind it.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pgdba {

struct ChildSpec {
  std::vector<std::string> argv;  // argv[0] is an absolute path or looked up in PATH
  // Added to (or, with an empty value, removed from) pgdba's environment.
  std::map<std::string, std::string> env;
  // Where standard output goes: "" captures it (ChildResult::out); a path
  // is opened for writing (created, truncated).
  std::string stdout_path;
  // Where standard input comes from; "" is /dev/null.
  std::string stdin_path;
  // Called about every 100 ms while the child runs (progress display); on
  // the waiting thread, so it must be quick and must not throw.
  std::function<void()> tick;
  // Called with each piece of standard error as it arrives (progress from a
  // program's --verbose output); same rules as tick.
  std::function<void(const std::string& chunk)> on_stderr;
};

struct ChildResult {
  int exit_code = -1;        // -1 when killed by a signal
  int signal = 0;            // the signal that ended it, 0 if it exited
  bool interrupted = false;  // pgdba killed it because of Ctrl-C or SIGTERM
  std::string out;           // standard output when captured
  std::string err;           // standard error (its last 64 kB)
};

// A started child. Destroying a Child that still runs kills its process
// group and waits for it, so an exception never leaves one behind.
class Child {
 public:
  // Starts the child; throws a failure when it cannot fork or the program
  // cannot be executed (the message names the program).
  explicit Child(const ChildSpec& spec);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Reads its output until it exits and returns how it ended. On Ctrl-C or
  // SIGTERM (see catch_termination) it kills the child's process group
  // (SIGTERM, SIGKILL after 5 s) and returns with interrupted set.
  ChildResult wait();
  // Kills the process group now (SIGKILL) and reaps it.
  void kill_now() noexcept;
  // Sends `sig` to the process group unless the child was reaped; safe
  // while another thread is in wait() (which then reaps it).
  void signal_group(int sig) noexcept;

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::atomic<bool> done_{false};
  std::string program_;
  std::function<void()> tick_;
  std::function<void(const std::string&)> on_stderr_;
};

// Runs a child to completion (Child(spec).wait()).
ChildResult run_child(const ChildSpec& spec);

// From now on, SIGTERM no longer ends pgdba at once: it is recorded so that
// running children are killed and their partial output cleaned up, then the
// command fails. Idempotent.
void catch_termination();
// Whether SIGTERM arrived since catch_termination().
bool termination_requested();
// Ctrl-C or SIGTERM.
bool interrupt_requested();

// The program's stderr made into a one-line message: its "error:" lines
// (or its last line) joined by "; ", without the program-name prefix.
std::string child_error_summary(const std::string& err);

}  // namespace pgdba
