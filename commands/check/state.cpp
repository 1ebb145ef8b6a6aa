#include "commands/check/state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "src/durable.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"

namespace pgdba {

namespace {

// A file name from anything: letters, digits, '-', '.', '_' kept.
std::string file_part(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    out += (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_') ? static_cast<char>(c) : '_';
  return out;
}

}  // namespace

CheckState::CheckState(const std::string& server, const std::string& check) {
  const std::string dir = state_home() + "/checks";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  path_ = dir + "/" + file_part(server) + "." + file_part(check) + ".json";
  lock_fd_ = ::open((path_ + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX) != 0) {
    throw failure("cannot lock the check state file " + path_ + ".lock: " + std::strerror(errno));
  }
  std::ifstream in(path_);
  if (!in) return;
  std::stringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  bool ok = j.is_object() && j.contains("values") && j["values"].is_object();
  if (ok) {
    for (const auto& [key, v] : j["values"].items()) {
      if (!v.is_object() || !v.contains("value") || !v.contains("time") || !v["value"].is_number() ||
          !v["time"].is_number()) {
        ok = false;
        break;
      }
      previous_[key] = Value{v["value"].get<double>(), v["time"].get<double>()};
    }
  }
  if (!ok) {
    previous_.clear();
    log::warn("the check state file " + path_ + " is corrupted; starting over from this run");
  }
}

CheckState::~CheckState() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the lock
}

std::optional<CheckState::Value> CheckState::previous(const std::string& key) const {
  const auto it = previous_.find(key);
  if (it == previous_.end()) return std::nullopt;
  return it->second;
}

void CheckState::save() {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [key, v] : next_)
    values[key] = {{"value", v.value}, {"time", v.time}};
  write_file_atomic(path_, nlohmann::json{{"version", 1}, {"values", values}}.dump() + "\n");
}

}  // namespace pgdba
