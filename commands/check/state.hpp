// The state file of checks that judge a rate or an increase (deadlocks,
// WAL rate, database growth): the previous run's values, per server and
// check, under $XDG_STATE_HOME/pgdba/checks. Locked for the whole
// read-judge-write of one run, so two runs at once do not interleave;
// written atomically; a corrupted file is discarded with a warning.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace pgdba {

class CheckState {
 public:
  // `server` names the cluster (its system identifier, or target and
  // address when that is hidden), `check` the check.
  CheckState(const std::string& server, const std::string& check);
  ~CheckState();
  CheckState(const CheckState&) = delete;
  CheckState& operator=(const CheckState&) = delete;

  struct Value {
    double value = 0;
    double time = 0;  // seconds since the epoch
  };
  std::optional<Value> previous(const std::string& key) const;
  void set(const std::string& key, Value v) { next_[key] = v; }
  // Replaces the file with the values set in this run.
  void save();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int lock_fd_ = -1;
  std::map<std::string, Value> previous_, next_;
};

}  // namespace pgdba
