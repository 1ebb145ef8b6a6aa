#include "commands/check/backup_age.hpp"

#include <set>

#include "commands/backup/backup.hpp"
#include "commands/backup/freshness.hpp"
#include "commands/backup/manifest.hpp"
#include "src/errors.hpp"

namespace pgdba {

const CheckDef& backup_age_check() {
  static const CheckDef def = [] {
    CheckDef d;
    d.name = "backup-age";
    d.help = "Age of the newest verified backup of each database under --dir (from the manifests; no server needed)";
    d.measure = Measure::Seconds;
    d.warning = "26h";
    d.critical = "50h";
    d.metric = "backup_age_seconds";
    d.what = "backups";
    return d;
  }();
  return def;
}

std::vector<CheckSample> backup_age_samples(const std::string& dir, bool unverified_ok) {
  const std::string where = backup::backup_dir(dir);
  const auto all = backup::backup_freshness(backup::find_manifests(where), backup::Clock::now(), unverified_ok);
  if (all.empty()) throw failure("no backups under " + where);
  std::set<std::string> targets;
  for (const auto& f : all)
    targets.insert(f.target);
  std::vector<CheckSample> out;
  for (const auto& f : all) {
    CheckSample s;
    s.database = f.database;
    // The target only when the directory holds several: the usual one-server
    // directory keeps labels as short as the database names.
    const std::string what = f.kind == "globals" ? "globals" : "";
    s.object = targets.size() > 1 ? f.target + (what.empty() ? "" : "/" + what) : what;
    s.value = f.age_seconds;
    s.detail = f.detail;
    if (!f.has_good) s.status = CheckStatus::Critical;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace pgdba
