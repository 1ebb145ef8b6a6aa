#include "commands/maintenance/task_progress.hpp"

#include "src/format.hpp"
#include "src/rows.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

TaskProgress::TaskProgress(Context& ctx) : ctx_(ctx), line_(ctx.options().quiet || ctx.dry_run()) {
  if (line_.on()) poller_ = std::thread([this] { poll(); });
}

TaskProgress::~TaskProgress() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (poller_.joinable()) poller_.join();
  line_.clear();
}

void TaskProgress::planned(std::size_t tasks) {
  std::lock_guard<std::mutex> lock(mutex_);
  planned_ += tasks;
}

int TaskProgress::started(const MaintenanceTask& t, int pid) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string label = t.schema.empty() ? t.database : t.schema + "." + (t.index.empty() ? t.table : t.index);
  running_[next_token_] = Running{t.target, std::move(label), pid, std::chrono::steady_clock::now()};
  return next_token_++;
}

void TaskProgress::finished(int token) {
  std::lock_guard<std::mutex> lock(mutex_);
  running_.erase(token);
  ++done_;
}

// "scanning heap 43%" for the backend's statement; "" when it cannot be told.
std::string TaskProgress::statement_progress(const Running& r) {
  if (r.pid == 0) return "";
  try {
    sessions_.keep_only(r.target, "");
    Session& s = sessions_.get(ctx_, r.target, SessionKind::Catalog, "");
    const std::string pid = std::to_string(r.pid);
    const Rows rows = s.exec(sql_text("maintenance/progress", s.server_version()), {pid.c_str()}, "reading progress");
    if (rows.empty()) return "";
    std::string out = rows[0]["phase"].str();
    if (!rows[0]["percent"].is_null()) out += " " + rows[0]["percent"].str() + "%";
    return out;
  } catch (const std::exception&) {
    return "";  // a progress line is never worth an error
  }
}

void TaskProgress::poll() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
    if (stop_) return;
    std::string text = std::to_string(done_) + " of " + std::to_string(planned_) + " done";
    if (running_.empty()) {
      line_.show(text);
      continue;
    }
    // The statement that has run longest: the one a person waits on.
    Running oldest = running_.begin()->second;
    for (const auto& [token, r] : running_)
      if (r.since < oldest.since) oldest = r;
    if (running_.size() > 1) text += ", " + std::to_string(running_.size()) + " running";
    lock.unlock();
    const std::string how = statement_progress(oldest);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - oldest.since).count();
    text += "; " + oldest.label + (how.empty() ? "" : ": " + how) + " (" + format_duration(secs) + ")";
    lock.lock();
    if (!stop_) line_.show(text);
  }
}

}  // namespace pgdba
