// A progress line on standard error, redrawn in place: only on a terminal
// and not under --quiet, so cron, pipes and logs never see it. Long dumps,
// restores, copies and maintenance runs show what they have done so far.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace pgdba {

class ProgressLine {
 public:
  // `quiet`: the -q option. On only when standard error is a terminal.
  explicit ProgressLine(bool quiet);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool on() const { return on_; }
  // Whether a redraw is due: on, and a second since the last one. Cheap:
  // callers ask per row or per chunk.
  bool due();
  // Draws "pgdba: TEXT" over the previous line. Safe from several threads.
  void show(const std::string& text);
  // Removes the line (before the result is printed).
  void clear();

 private:
  bool on_;
  bool shown_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace pgdba
