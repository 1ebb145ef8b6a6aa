// backup prune: deletes what the retention rules (retention.hpp) let go,
// manifest first, so a half-deleted backup is never listed as one.
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "commands/backup/backup.hpp"
#include "commands/backup/manifest.hpp"
#include "commands/backup/retention.hpp"
#include "src/durable.hpp"
#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"

namespace pgdba::backup {

std::optional<RetentionRule> retention_rule(int keep, const std::string& keep_days) {
  RetentionRule r;
  if (keep >= 0) {
    if (keep < 1) throw usage_error("--keep must be at least 1");
    r.keep = keep;
  } else if (keep != -1) {
    throw usage_error("--keep must be at least 1");
  }
  if (!keep_days.empty()) {
    const std::string& v = keep_days;
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
  if (!r.keep && !r.keep_seconds) return std::nullopt;
  return r;
}

namespace {

struct Leftover {
  std::string path;
  long long pid = 0;
};

// What a backup interrupted beyond cleaning up (pgdba killed with SIGKILL,
// the machine down) left: hidden ".NAME.tmp-PID[-N]" entries whose process
// is gone and that are more than a day old. A running backup's are never
// touched, nor anything that is not named like pgdba's temporaries.
std::vector<Leftover> find_leftovers(const std::string& dir) {
  namespace fs = std::filesystem;
  static const std::regex name(R"(^\..+\.tmp-([0-9]+)(-[0-9]+)?$)");
  std::vector<Leftover> out;
  std::error_code ec;
  const auto day_ago = fs::file_time_type::clock::now() - std::chrono::hours(24);
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::smatch m;
    const std::string file = it->path().filename().string();
    if (!std::regex_match(file, m, name)) continue;
    if (it->is_directory()) it.disable_recursion_pending();
    std::error_code tec;
    if (fs::last_write_time(it->path(), tec) > day_ago || tec) continue;
    const long long pid = std::atoll(m[1].str().c_str());
    if (pid <= 0 || pid > 0x3fffffff || kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    out.push_back(Leftover{it->path().string(), pid});
  }
  return out;
}

}  // namespace

Table prune_backups(Context& ctx, const std::vector<Manifest>& all, const RetentionRule& rule,
                    const std::vector<std::string>& leftover_dirs, int& failed) {
  const std::vector<PruneDecision> plan = plan_prune(all, rule, Clock::now());
  std::vector<Leftover> leftovers;
  for (const auto& dir : leftover_dirs) {
    for (auto& l : find_leftovers(dir))
      leftovers.push_back(std::move(l));
  }
  Table t("prune", {Column{"target", Kind::Text, Kind::Text}, Column{"database", Kind::Text, Kind::Text},
                    Column{"started_at", Kind::Text, Kind::Text}, Column{"size", Kind::Bytes, Kind::Text},
                    Column{"path", Kind::Text, Kind::Text}, Column{"action", Kind::Text, Kind::Text},
                    Column{"reason", Kind::Text, Kind::Text}});
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
  for (const auto& l : leftovers) {
    std::error_code ec;
    const long long size = std::filesystem::is_regular_file(l.path, ec)
                               ? static_cast<long long>(std::filesystem::file_size(l.path, ec))
                               : 0;
    std::string action = "would delete";
    if (!ctx.dry_run()) {
      std::filesystem::remove_all(l.path, ec);
      action = ec ? "failed" : "deleted";
      failed += ec ? 1 : 0;
    }
    t.add_row({std::nullopt, std::nullopt, std::nullopt, std::to_string(size), l.path, action,
               "left by an interrupted backup (process " + std::to_string(l.pid) + " is gone)"});
  }
  return t;
}

void run_prune(Context& ctx, const PruneOptions& o) {
  const auto rule = retention_rule(o.keep, o.keep_days);
  if (!rule) throw usage_error("backup prune needs --keep N or --keep-days D");
  const std::string dir = backup_dir(o.dir);
  const std::vector<Manifest> all = find_manifests(dir);
  std::size_t doomed = 0;
  for (const auto& d : plan_prune(all, *rule, Clock::now()))
    doomed += d.remove ? 1 : 0;
  const std::size_t leftovers = find_leftovers(dir).size();
  if (doomed + leftovers > 0 && !ctx.dry_run()) {
    ctx.confirm("delete " + std::to_string(doomed) + " backups and " + std::to_string(leftovers) +
                " leftovers of interrupted ones");
  }
  int failed = 0;
  ctx.emit({prune_backups(ctx, all, *rule, {dir}, failed)});
  if (failed > 0) ctx.set_exit_code(static_cast<int>(ErrorKind::Failed));
}

}  // namespace pgdba::backup
