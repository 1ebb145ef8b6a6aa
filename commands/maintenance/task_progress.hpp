// The progress line of a maintenance run on a terminal: tasks done of those
// planned so far, and how far the longest-running statement is, read once a
// second from the pg_stat_progress views on a connection of its own. Off
// under cron, -q and --dry-run.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "commands/maintenance/task.hpp"
#include "src/progress.hpp"

namespace pgdba {

class TaskProgress {
 public:
  explicit TaskProgress(Context& ctx);
  ~TaskProgress();
  TaskProgress(const TaskProgress&) = delete;
  TaskProgress& operator=(const TaskProgress&) = delete;

  bool on() const { return line_.on(); }
  void planned(std::size_t tasks);
  // A task starts on the session whose backend is `pid` (0: not known);
  // returns the token finished() takes.
  int started(const MaintenanceTask& t, int pid);
  void finished(int token);

 private:
  struct Running {
    std::string target, label;
    int pid = 0;
    std::chrono::steady_clock::time_point since;
  };
  void poll();
  std::string statement_progress(const Running& r);

  Context& ctx_;
  ProgressLine line_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::size_t planned_ = 0, done_ = 0;
  int next_token_ = 0;
  std::map<int, Running> running_;
  SessionCache sessions_;  // the poller's own connections
  std::thread poller_;
};

}  // namespace pgdba
