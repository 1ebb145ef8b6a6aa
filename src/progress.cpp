#include "src/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace pgdba {

ProgressLine::ProgressLine(bool quiet)
    : on_(!quiet && isatty(STDERR_FILENO) != 0), last_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() {
  clear();
}

bool ProgressLine::due() {
  if (!on_) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::seconds(1)) return false;
  last_ = now;
  return true;
}

void ProgressLine::show(const std::string& text) {
  if (!on_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  // \033[K clears what a longer previous line left to the right.
  const std::string line = "\rpgdba: " + text + "\033[K";
  shown_ = std::fwrite(line.data(), 1, line.size(), stderr) > 0 || shown_;
  std::fflush(stderr);
}

void ProgressLine::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!shown_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace pgdba
