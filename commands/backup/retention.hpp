// Which backups `backup prune` deletes. Pure: decided from the manifests
// and the clock alone, so the rules are unit-tested without files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commands/backup/manifest.hpp"
#include "commands/backup/naming.hpp"

namespace pgdba::backup {

struct RetentionRule {
  std::optional<int> keep;             // the N newest of each database
  std::optional<double> keep_seconds;  // those started within this long
};

struct PruneDecision {
  std::size_t index = 0;  // into the manifests given
  bool remove = false;
  std::string reason;
};

// One decision per manifest, in the order given. Backups are grouped by
// target, kind and database; within a group a backup is kept when either
// rule keeps it (the union: the stricter rule never deletes what the other
// protects), and the newest backup whose verification succeeded is always
// kept whatever the rules say. A group with no verified backup keeps its
// newest one too. At least one rule must be set (else std::logic_error).
std::vector<PruneDecision> plan_prune(const std::vector<Manifest>& manifests, const RetentionRule& rule,
                                      Clock::time_point now);

}  // namespace pgdba::backup
