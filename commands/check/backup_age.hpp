// check backup-age: the freshness of the newest verified backup of every
// database under a backup directory. It reads manifests, not a server, so it
// still judges the backups when the server is down.
#pragma once

#include <string>
#include <vector>

#include "commands/check/check.hpp"

namespace pgdba {

const CheckDef& backup_age_check();

// One sample per target and database (and their globals) with backups under
// `dir`; a database without a backup that counts is CRITICAL whatever its
// age. Throws a failure when `dir` is missing.
std::vector<CheckSample> backup_age_samples(const std::string& dir, bool unverified_ok);

}  // namespace pgdba
