#include "commands/backup/freshness.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace pgdba::backup {

std::vector<Freshness> backup_freshness(const std::vector<Manifest>& manifests, Clock::time_point now,
                                        bool unverified_ok) {
  const auto seconds_since = [now](const std::string& iso) {
    return std::chrono::duration<double>(now - parse_iso_utc(iso)).count();
  };
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<const Manifest*>> groups;
  for (const Manifest& m : manifests)
    if (m.status == "complete") groups[{m.target, m.kind, m.database}].push_back(&m);

  std::vector<Freshness> out;
  for (auto& [key, members] : groups) {
    Freshness f;
    std::tie(f.target, f.kind, f.database) = key;
    f.backups = static_cast<int>(members.size());
    // The newest good one by when it finished: that is when it became usable.
    const Manifest* newest_good = nullptr;
    const Manifest* oldest = nullptr;
    for (const Manifest* m : members) {
      const bool good = m->verified ? m->verified->ok : unverified_ok;
      if (good && (newest_good == nullptr || m->finished_at > newest_good->finished_at)) newest_good = m;
      if (oldest == nullptr || m->started_at < oldest->started_at) oldest = m;
    }
    if (newest_good != nullptr) {
      f.has_good = true;
      f.age_seconds = std::max(0.0, seconds_since(newest_good->finished_at));
      f.detail = std::string(newest_good->verified ? "verified" : "unverified") + " backup finished " +
                 newest_good->finished_at + ", " + newest_good->name;
    } else {
      f.age_seconds = std::max(0.0, seconds_since(oldest->started_at));
      f.detail = "no " + std::string(unverified_ok ? "good" : "verified") + " backup among " +
                 std::to_string(f.backups) + " (the oldest started " + oldest->started_at + ")";
      if (!unverified_ok) f.detail += "; pgdba backup verify";
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace pgdba::backup
