#include "commands/maintenance/history.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "src/durable.hpp"
#include "src/log.hpp"

namespace pgdba {

std::string RebuildHistory::default_path() {
  return state_home() + "/reindex-history.jsonl";
}

RebuildHistory::RebuildHistory(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_);
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("key") || !j.contains("time")) continue;
    if (!j["key"].is_string() || !j["time"].is_number_integer()) continue;
    auto& t = last_[j["key"].get<std::string>()];
    t = std::max(t, static_cast<std::time_t>(j["time"].get<long long>()));
  }
}

std::string RebuildHistory::key(const std::string& system_identifier, const std::string& database,
                                const std::string& schema, const std::string& index) {
  return nlohmann::json::array({system_identifier, database, schema, index}).dump();
}

std::optional<std::time_t> RebuildHistory::last(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = last_.find(key);
  if (it == last_.end()) return std::nullopt;
  return it->second;
}

void RebuildHistory::record(const std::string& key) {
  const std::time_t now = std::time(nullptr);
  std::lock_guard<std::mutex> lock(mutex_);
  last_[key] = now;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  std::ofstream out(path_, std::ios::app);
  out << nlohmann::json{{"key", key}, {"time", static_cast<long long>(now)}}.dump() << '\n';
  out.flush();
  if (!out) log::warn("could not record the rebuild in \"" + path_ + "\": --cooldown will not know of it");
}

}  // namespace pgdba
