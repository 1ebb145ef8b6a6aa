// backup list: what the manifests under --dir say, oldest first.
#include <cstdio>

#include "commands/backup/backup.hpp"
#include "commands/backup/manifest.hpp"

namespace pgdba::backup {

void run_list(Context& ctx, const ListOptions& o) {
  const std::vector<Manifest> all = find_manifests(backup_dir(o.dir));
  std::vector<Column> cols;
  for (const char* c : {"target", "database", "kind", "started_at", "format"})
    cols.push_back({c, Kind::Text, Kind::Text});
  cols.push_back({"size", Kind::Bytes, Kind::Text});
  cols.push_back({"seconds", Kind::Seconds, Kind::Text});
  cols.push_back({"status", Kind::Text, Kind::Text});
  cols.push_back({"verified", Kind::Boolean, Kind::Text});
  cols.push_back({"verified_at", Kind::Text, Kind::Text});
  cols.push_back({"path", Kind::Text, Kind::Text});
  Table t("backups", cols);
  for (const auto& m : all) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.3f", m.duration_seconds);
    std::optional<std::string> verified, at;
    if (m.verified) {
      verified = m.verified->ok ? "t" : "f";
      at = m.verified->at;
    }
    t.add_row({m.target, m.kind == "globals" ? std::nullopt : std::optional<std::string>(m.database), m.kind,
               m.started_at, m.format, std::to_string(m.size), std::string(secs), m.status, verified, at,
               m.backup_path()});
  }
  ctx.emit({t});
}

}  // namespace pgdba::backup
