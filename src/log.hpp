// Logging (contract section 6) behind plain functions, so only log.cpp pays
// for spdlog's headers.
#pragma once

#include <string>

namespace pgdba::log {

enum class Level { Error, Warn, Info, Debug };

struct Settings {
  Level level = Level::Warn;
  std::string file;        // also log here when set
  bool json = false;       // one JSON object per line
  std::string start_line;  // written to the log file first (the command line)
};

// Throws a usage Error if the log file cannot be opened or written.
void configure(const Settings& settings);
// Why writing the log failed since configure(), or "" if it never did.
std::string failure();
bool enabled(Level level);
void error(const std::string& message);
void warn(const std::string& message);
void info(const std::string& message);
void debug(const std::string& message);

}  // namespace pgdba::log
