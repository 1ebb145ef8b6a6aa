#include "commands/backup/manifest.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "commands/backup/naming.hpp"
#include "src/durable.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"

namespace pgdba::backup {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string Manifest::backup_path() const {
  return (fs::path(manifest_path).parent_path() / name).string();
}

json manifest_to_json(const Manifest& m) {
  json files = json::array();
  for (const auto& f : m.files)
    files.push_back({{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}});
  json counts = json::array();
  for (const auto& c : m.row_counts)
    counts.push_back({{"schema", c.schema}, {"table", c.table}, {"rows", c.rows}});
  json j = {
      {"manifest_version", 1},
      {"tool", m.tool},
      {"target", m.target},
      {"database", m.kind == "globals" ? json(nullptr) : json(m.database)},
      {"kind", m.kind},
      {"name", m.name},
      {"format", m.format},
      {"compress", m.compress.empty() ? json(nullptr) : json(m.compress)},
      {"schema_only", m.schema_only},
      {"exclude_tables", m.exclude_tables},
      {"server_version", m.server_version},
      {"server_version_num", m.server_version_num},
      {"system_identifier", m.system_identifier},
      {"pg_dump", m.pg_dump},
      {"pg_dump_version", m.pg_dump_version},
      {"started_at", m.started_at},
      {"finished_at", m.finished_at},
      {"duration_seconds", m.duration_seconds},
      {"size", m.size},
      {"files", files},
      {"status", m.status},
      {"tables", m.tables ? json(*m.tables) : json(nullptr)},
      {"large_objects", m.large_objects ? json(*m.large_objects) : json(nullptr)},
      {"row_counts", m.tables || !m.row_counts.empty() ? counts : json(nullptr)},
      {"command", m.command},
      {"dump_command", m.dump_command},
      {"verified", nullptr},
  };
  if (m.verified) {
    j["verified"] = {{"at", m.verified->at},
                     {"ok", m.verified->ok},
                     {"restore_test", m.verified->restore_test},
                     {"error", m.verified->error.empty() ? json(nullptr) : json(m.verified->error)}};
  }
  return j;
}

namespace {

template <class T>
T field(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key)) throw failure("manifest \"" + where + "\" lacks \"" + key + "\"");
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    throw failure("manifest \"" + where + "\": \"" + key + "\" has the wrong type");
  }
}

template <class T>
std::optional<T> optional_field(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return field<T>(j, key, where);
}

}  // namespace

Manifest manifest_from_json(const json& j, const std::string& where) {
  if (!j.is_object()) throw failure("manifest \"" + where + "\" is not a JSON object");
  Manifest m;
  m.tool = field<std::string>(j, "tool", where);
  m.target = field<std::string>(j, "target", where);
  m.database = optional_field<std::string>(j, "database", where).value_or("");
  m.kind = field<std::string>(j, "kind", where);
  m.name = field<std::string>(j, "name", where);
  if (m.name.empty() || m.name.find('/') != std::string::npos || m.name[0] == '.')
    throw failure("manifest \"" + where + "\" names a file outside its directory");
  m.format = field<std::string>(j, "format", where);
  m.compress = optional_field<std::string>(j, "compress", where).value_or("");
  m.schema_only = field<bool>(j, "schema_only", where);
  m.exclude_tables = field<std::vector<std::string>>(j, "exclude_tables", where);
  m.server_version = field<std::string>(j, "server_version", where);
  m.server_version_num = field<int>(j, "server_version_num", where);
  m.system_identifier = field<std::string>(j, "system_identifier", where);
  m.pg_dump = field<std::string>(j, "pg_dump", where);
  m.pg_dump_version = field<std::string>(j, "pg_dump_version", where);
  m.started_at = field<std::string>(j, "started_at", where);
  m.finished_at = field<std::string>(j, "finished_at", where);
  m.duration_seconds = field<double>(j, "duration_seconds", where);
  m.size = field<long long>(j, "size", where);
  for (const auto& f : field<json>(j, "files", where)) {
    FileSum s{field<std::string>(f, "path", where), field<long long>(f, "size", where),
              field<std::string>(f, "sha256", where)};
    if (s.path.empty() || s.path.find("..") != std::string::npos || s.path[0] == '/')
      throw failure("manifest \"" + where + "\" names a file outside its backup");
    m.files.push_back(std::move(s));
  }
  m.status = field<std::string>(j, "status", where);
  m.tables = optional_field<long long>(j, "tables", where);
  m.large_objects = optional_field<long long>(j, "large_objects", where);
  if (j.contains("row_counts") && j.at("row_counts").is_array()) {
    for (const auto& c : j.at("row_counts"))
      m.row_counts.push_back(TableCount{field<std::string>(c, "schema", where), field<std::string>(c, "table", where),
                                        field<long long>(c, "rows", where)});
  }
  m.command = field<std::string>(j, "command", where);
  m.dump_command = field<std::string>(j, "dump_command", where);
  if (j.contains("verified") && !j.at("verified").is_null()) {
    const json& v = j.at("verified");
    Verification ver;
    ver.at = field<std::string>(v, "at", where);
    ver.ok = field<bool>(v, "ok", where);
    ver.restore_test = field<bool>(v, "restore_test", where);
    ver.error = optional_field<std::string>(v, "error", where).value_or("");
    m.verified = ver;
  }
  m.manifest_path = where;
  return m;
}

Manifest read_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw failure("cannot read manifest \"" + path + "\"");
  const json j = json::parse(in, nullptr, false);
  if (j.is_discarded()) throw failure("manifest \"" + path + "\" is not valid JSON");
  return manifest_from_json(j, path);
}

void write_manifest(const Manifest& m, const std::string& path, bool replace) {
  write_file_atomic(path, manifest_to_json(m).dump(2) + "\n", replace);
}

Manifest manifest_for(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  while (!p.has_filename() && p.has_parent_path() && p != p.root_path())
    p = p.parent_path();  // "x.dir/" names the directory
  if (!fs::exists(p, ec)) throw failure("backup \"" + path + "\" does not exist");
  const std::string name = p.filename().string();
  const std::string suffix = kManifestSuffix;
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
    return read_manifest(p.string());
  const fs::path manifest = p.parent_path() / manifest_name(name);
  if (!fs::exists(manifest, ec))
    throw failure("backup \"" + path + "\" has no manifest (\"" + manifest.string() +
                  "\"): it is not a complete pgdba backup");
  Manifest m = read_manifest(manifest.string());
  if (m.name != name)
    throw failure("manifest \"" + manifest.string() + "\" describes \"" + m.name + "\", not \"" + name + "\"");
  return m;
}

std::vector<Manifest> find_manifests(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw failure("backup directory \"" + dir + "\" does not exist");
  std::vector<Manifest> out;
  const std::string suffix = kManifestSuffix;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory()) {
      // A directory-format dump (pg_dump always writes toc.dat): nothing of
      // ours inside. Not told by its name: a database may be called "x.dir".
      if (fs::exists(it->path() / "toc.dat", ec)) it.disable_recursion_pending();
      continue;
    }
    if (name.empty() || name[0] == '.' || name.size() <= suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0 || !it->is_regular_file())
      continue;
    try {
      out.push_back(read_manifest(it->path().string()));
    } catch (const Error& e) {
      log::warn(std::string(e.what()) + "; skipped");
    }
  }
  if (ec) throw failure("cannot list \"" + dir + "\": " + ec.message());
  std::sort(out.begin(), out.end(), [](const Manifest& a, const Manifest& b) {
    return a.started_at != b.started_at ? a.started_at < b.started_at : a.manifest_path < b.manifest_path;
  });
  return out;
}

}  // namespace pgdba::backup
