// How old the newest good backup of each database is: what `check
// backup-age` judges. Pure: decided from the manifests and the clock, so it
// is unit-tested without files.
#pragma once

#include <string>
#include <vector>

#include "commands/backup/manifest.hpp"
#include "commands/backup/naming.hpp"

namespace pgdba::backup {

struct Freshness {
  std::string target;
  std::string database;  // "" for the globals
  std::string kind;      // "database" or "globals"
  // Seconds since the newest good backup finished; without one, since the
  // oldest backup of the group started (how long it has gone without one,
  // at least).
  double age_seconds = 0;
  bool has_good = false;  // a backup that counts exists
  int backups = 0;        // complete backups of the group, good or not
  std::string detail;
};

// One entry per target, kind and database found among the manifests, in
// that order. A backup counts when its status is complete and, unless
// `unverified_ok`, its last verification succeeded; a failed verification
// never counts.
std::vector<Freshness> backup_freshness(const std::vector<Manifest>& manifests, Clock::time_point now,
                                        bool unverified_ok);

}  // namespace pgdba::backup
