#include "commands/backup/retention.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

namespace pgdba::backup {

std::vector<PruneDecision> plan_prune(const std::vector<Manifest>& manifests, const RetentionRule& rule,
                                      Clock::time_point now) {
  if (!rule.keep && !rule.keep_seconds) throw std::logic_error("plan_prune without a rule");
  std::vector<PruneDecision> out(manifests.size());
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < manifests.size(); ++i) {
    out[i].index = i;
    const Manifest& m = manifests[i];
    groups[{m.target, m.kind, m.database}].push_back(i);
  }
  for (auto& [key, members] : groups) {
    (void)key;
    // Newest first.
    std::stable_sort(members.begin(), members.end(),
                     [&](std::size_t a, std::size_t b) { return manifests[a].started_at > manifests[b].started_at; });
    std::optional<std::size_t> newest_verified;
    for (std::size_t i : members) {
      if (manifests[i].verified && manifests[i].verified->ok) {
        newest_verified = i;
        break;
      }
    }
    for (std::size_t rank = 0; rank < members.size(); ++rank) {
      const std::size_t i = members[rank];
      PruneDecision& d = out[i];
      const bool by_count = rule.keep && static_cast<long long>(rank) < *rule.keep;
      bool by_age = false;
      if (rule.keep_seconds) {
        const double age = std::chrono::duration<double>(now - parse_iso_utc(manifests[i].started_at)).count();
        by_age = age <= *rule.keep_seconds;
      }
      if (by_count) {
        d.reason = "one of the " + std::to_string(*rule.keep) + " newest";
      } else if (by_age) {
        d.reason = "within --keep-days";
      } else if (newest_verified && *newest_verified == i) {
        d.reason = "newest verified backup";
      } else if (!newest_verified && rank == 0) {
        d.reason = "newest backup (none verified)";
      } else {
        d.remove = true;
        d.reason = rule.keep && rule.keep_seconds
                       ? "older than the " + std::to_string(*rule.keep) + " newest and than --keep-days"
                   : rule.keep ? "older than the " + std::to_string(*rule.keep) + " newest"
                               : "older than --keep-days";
      }
    }
  }
  return out;
}

}  // namespace pgdba::backup
