// Where a backup lives and what its files are called: DIR/<target>/<db>/
// <UTC timestamp>.<ext>, its manifest beside it. Pure, no server.
#pragma once

#include <chrono>
#include <string>

namespace pgdba::backup {

using Clock = std::chrono::system_clock;

// The directory name under DIR of the globals of a target (roles,
// tablespaces): '@' never appears in an encoded database name.
constexpr const char* kGlobalsDir = "@globals";
constexpr const char* kManifestSuffix = ".manifest.json";

// A database or target name as one safe path component: letters, digits,
// '_', '-' and (not first) '.' kept, every other byte as %XX. Distinct names
// give distinct components; "" gives "%".
std::string encode_component(const std::string& name);
// "20261123T120301Z": sorts as time does.
std::string utc_stamp(Clock::time_point t);
// "2026-11-23T12:03:01.123Z" (ISO 8601, UTC, milliseconds).
std::string iso_utc(Clock::time_point t);
// The inverse of iso_utc (also without milliseconds); throws a failure for
// anything else.
Clock::time_point parse_iso_utc(const std::string& text);
// The file (or directory) extension of a pg_dump format: custom "dump",
// directory "dir", plain "sql"; throws a usage Error for another format.
std::string format_ext(const std::string& format);
// The manifest's file name for a backup file name: "X.dump" -> "X.manifest.json".
std::string manifest_name(const std::string& backup_name);

}  // namespace pgdba::backup
