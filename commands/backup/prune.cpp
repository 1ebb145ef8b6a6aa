// backup prune: deletes what the retention rules (retention.hpp) let go,
// manifest first, so a half-deleted backup is never listed as one.
#include <cstdlib>

#include "commands/backup/backup.hpp"
#include "commands/backup/durable.hpp"
#include "commands/backup/manifest.hpp"
#include "commands/backup/retention.hpp"
#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"

namespace pgdba::backup {

namespace {

RetentionRule rule_of(const PruneOptions& o) {
  RetentionRule r;
  if (o.keep >= 0) {
    if (o.keep < 1) throw usage_error("--keep must be at least 1");
    r.keep = o.keep;
  } else if (o.keep != -1) {
    throw usage_error("--keep must be at least 1");
  }
  if (!o.keep_days.empty()) {
    const std::string& v = o.keep_days;
    char* end = nullptr;
    const double days = std::strtod(v.c_str(), &end);
    if (end != v.c_str() && *end == '\0') {
      if (days <= 0) throw usage_error("--keep-days must be more than 0");
      r.keep_seconds = days * 86400;
    } else {
      r.keep_seconds = parse_duration("--keep-days", v);
      if (*r.keep_seconds <= 0) throw usage_error("--keep-days must be more than 0");
    }
  }
  if (!r.keep && !r.keep_seconds) throw usage_error("backup prune needs --keep N or --keep-days D");
  return r;
}

}  // namespace

void run_prune(Context& ctx, const PruneOptions& o) {
  const RetentionRule rule = rule_of(o);
  const std::vector<Manifest> all = find_manifests(backup_dir(o.dir));
  const std::vector<PruneDecision> plan = plan_prune(all, rule, Clock::now());
  std::size_t doomed = 0;
  for (const auto& d : plan)
    doomed += d.remove ? 1 : 0;
  if (doomed > 0 && !ctx.dry_run()) ctx.confirm("delete " + std::to_string(doomed) + " backups");

  Table t("prune", {Column{"target", Kind::Text, Kind::Text}, Column{"database", Kind::Text, Kind::Text},
                    Column{"started_at", Kind::Text, Kind::Text}, Column{"size", Kind::Bytes, Kind::Text},
                    Column{"path", Kind::Text, Kind::Text}, Column{"action", Kind::Text, Kind::Text},
                    Column{"reason", Kind::Text, Kind::Text}});
  int failed = 0;
  for (const auto& d : plan) {
    const Manifest& m = all[d.index];
    std::string action = "keep";
    std::string reason = d.reason;
    if (d.remove && ctx.dry_run()) {
      action = "would delete";
    } else if (d.remove) {
      if (std::remove(m.manifest_path.c_str()) != 0) {
        action = "failed";
        reason = "cannot delete \"" + m.manifest_path + "\"";
        log::error(reason);
        ++failed;
      } else {
        remove_quietly(m.backup_path());
        action = "deleted";
      }
    }
    t.add_row({m.target, m.kind == "globals" ? std::nullopt : std::optional<std::string>(m.database), m.started_at,
               std::to_string(m.size), m.backup_path(), action, reason});
  }
  ctx.emit({t});
  if (failed > 0) ctx.set_exit_code(static_cast<int>(ErrorKind::Failed));
}

}  // namespace pgdba::backup
