// The indexes pgdba rebuilt and when, so `reindex --cooldown 10d` can leave
// alone what it rebuilt lately (GitLab's and pg_index_watch's rule: a
// rebuild that keeps coming back is a symptom, not a fix). One JSON line per
// rebuild in a file of the user's (the server keeps no such record and
// pgdba creates nothing on it). Keys name the cluster by its system
// identifier, so two servers with the same database names never mix.
#pragma once

#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace pgdba {

class RebuildHistory {
 public:
  // The default file: $XDG_STATE_HOME/pgdba/reindex-history.jsonl, or
  // ~/.local/state/pgdba/reindex-history.jsonl.
  static std::string default_path();
  // Reads `path` (a missing file is an empty history; unreadable lines are
  // skipped).
  explicit RebuildHistory(std::string path);

  static std::string key(const std::string& system_identifier, const std::string& database, const std::string& schema,
                         const std::string& index);
  // When the index was last rebuilt, if ever.
  std::optional<std::time_t> last(const std::string& key) const;
  // Appends a rebuild done now; a file that cannot be written is a warning.
  void record(const std::string& key);

 private:
  std::string path_;
  std::map<std::string, std::time_t> last_;
  mutable std::mutex mutex_;
};

}  // namespace pgdba
