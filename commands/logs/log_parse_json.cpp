// jsonlog lines (PostgreSQL 15+), apart so that only this file compiles
// nlohmann/json.
#include <nlohmann/json.hpp>

#include "commands/logs/log_parse.hpp"

namespace pgdba {

bool parse_jsonlog_line(std::string_view line, LogEntry& e) {
  const auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("timestamp")) return false;
  const auto text = [&](const char* key) -> std::string {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return "";
    if (it->is_string()) return it->get<std::string>();
    return it->dump();
  };
  e.time = text("timestamp");
  e.user = text("user");
  e.database = text("dbname");
  e.pid = text("pid");
  e.client = text("remote_host");
  const std::string port = text("remote_port");
  if (!e.client.empty() && !port.empty()) e.client += "(" + port + ")";
  e.level = text("error_severity");
  e.sqlstate = text("state_code");
  e.message = text("message");
  e.detail = text("detail");
  e.hint = text("hint");
  e.context = text("context");
  const std::string internal = text("internal_query");
  if (!internal.empty()) e.context += (e.context.empty() ? "" : "\n") + internal;
  e.statement = text("statement");
  e.application = text("application_name");
  e.backend_type = text("backend_type");
  return true;
}

}  // namespace pgdba
