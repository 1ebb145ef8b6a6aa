// The manifest written beside every backup (JSON): what was dumped, from
// which server, with which pg_dump, how long it took, and the size and
// SHA-256 of every file. A backup without a manifest is not a backup: the
// manifest is written last, so list, verify, prune and restore see only
// backups that completed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgdba::backup {

struct FileSum {
  std::string path;  // relative to the backup (the file itself: its own name)
  long long size = 0;
  std::string sha256;
};

struct TableCount {
  std::string schema, table;
  long long rows = 0;
};

struct Verification {
  std::string at;  // ISO 8601 UTC
  bool ok = false;
  bool restore_test = false;
  std::string error;  // when !ok
};

struct Manifest {
  std::string tool;               // "pgdba 0.1.0"
  std::string target;             // fleet target, or a label of the server
  std::string database;           // "" for globals
  std::string kind = "database";  // or "globals"
  std::string name;               // the backup's file or directory name, beside the manifest
  std::string format;             // custom, directory, plain
  std::string compress;           // as given, "" for pg_dump's default
  bool schema_only = false;
  std::vector<std::string> exclude_tables;
  std::string server_version;  // "15.4"
  int server_version_num = 0;
  std::string system_identifier;
  std::string pg_dump;                  // the program that wrote it
  std::string pg_dump_version;          // "15.18"
  std::string started_at, finished_at;  // ISO 8601 UTC
  double duration_seconds = 0;
  long long size = 0;  // bytes, every file
  std::vector<FileSum> files;
  std::string status = "complete";
  // In pg_dump's snapshot: ordinary tables and their exact row counts, and
  // large objects; globals have none. With --exclude-table the number of
  // tables is not recorded (pg_dump decides what its patterns match).
  std::optional<long long> tables;
  std::optional<long long> large_objects;
  std::vector<TableCount> row_counts;
  std::string command;       // pgdba's command line, secrets removed
  std::string dump_command;  // the pg_dump command line (never holds a password)
  std::optional<Verification> verified;

  // Where it was read from (not stored).
  std::string manifest_path;
  // The backup file or directory: beside the manifest.
  std::string backup_path() const;
};

nlohmann::json manifest_to_json(const Manifest& m);
// Throws a failure naming `where` when a field is missing or has the wrong type.
Manifest manifest_from_json(const nlohmann::json& j, const std::string& where);

// Reads one manifest; throws a failure naming the file.
Manifest read_manifest(const std::string& path);
// Writes atomically: a temporary file beside it, fsynced, renamed, and the
// directory fsynced. Throws a failure naming the file; on failure the old
// manifest (if any) is untouched.
// `replace` false: never over an existing file (a new backup's manifest).
void write_manifest(const Manifest& m, const std::string& path, bool replace = true);

// The manifest of the backup at `path`: a manifest itself, or a backup file
// or directory (its manifest beside it). Throws a failure "backup ... does
// not exist" or "... has no manifest".
Manifest manifest_for(const std::string& path);

// Every manifest under `dir` (any depth), oldest first by start time, then
// path. Unreadable ones are skipped with a warning naming them; a missing
// `dir` throws a failure.
std::vector<Manifest> find_manifests(const std::string& dir);

}  // namespace pgdba::backup
