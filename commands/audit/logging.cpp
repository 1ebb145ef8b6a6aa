// pgdba audit logging: turns the server's statement and connection logging
// on or off through ALTER SYSTEM and one reload (config set's code path),
// and pgaudit.log too when pgaudit is preloaded; reports each parameter
// before and after.
#include <cctype>
#include <chrono>
#include <map>
#include <thread>

#include "commands/audit/audit.hpp"
#include "commands/config/config.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct AuditLoggingOptions {
  std::string statements, connections, min_duration;
  void validate() const {
    if (statements.empty() && connections.empty() && min_duration.empty())
      throw usage_error("nothing to change: give --statements, --connections or --min-duration");
    if (!min_duration.empty()) {
      const std::string& v = min_duration;
      const std::size_t start = v[0] == '-' ? 1 : 0;
      bool digits = v.size() > start && v.size() - start <= 9;
      for (std::size_t i = start; digits && i < v.size(); ++i)
        digits = std::isdigit(static_cast<unsigned char>(v[i])) != 0;
      if (!digits || std::stol(v) < -1)
        throw usage_error("--min-duration: \"" + v +
                          "\" is not a number of milliseconds (-1 turns it off, 0 logs "
                          "every statement)");
    }
  }
};

// pgaudit's classes for log_statement's levels: ddl also logs role
// changes (GRANT, CREATE ROLE), which log_statement counts as DDL.
std::string pgaudit_classes(const std::string& statements) {
  if (statements == "ddl") return "ddl,role";
  if (statements == "mod") return "ddl,role,write";
  if (statements == "all") return "all";
  return "none";
}

std::string normalized(std::string v) {
  std::string out;
  for (char ch : v)
    if (ch != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::map<std::string, std::string> read_settings(Session& s, const std::vector<std::string>& names) {
  const std::string arr = text_array_literal(names);
  std::map<std::string, std::string> out;
  for (const auto& r : s.exec(sql_text("audit/logging_settings"), {arr.c_str()}, "reading the logging parameters"))
    out[r[0].str()] = r[1].str();
  return out;
}

Result audit_logging(Unit& u, const AuditLoggingOptions& o) {
  Session& s = u.session();
  std::vector<std::pair<std::string, std::string>> changes;
  if (!o.statements.empty()) changes.emplace_back("log_statement", o.statements);
  if (!o.connections.empty()) {
    changes.emplace_back("log_connections", o.connections);
    changes.emplace_back("log_disconnections", o.connections);
  }
  if (!o.min_duration.empty()) changes.emplace_back("log_min_duration_statement", o.min_duration);
  std::vector<std::string> names;
  for (const auto& c : changes)
    names.push_back(c.first);
  names.push_back("shared_preload_libraries");
  names.push_back("pgaudit.log");
  const auto before = read_settings(s, names);
  bool pgaudit = false;
  if (const auto it = before.find("shared_preload_libraries"); it != before.end()) {
    const std::string libs = "," + normalized(it->second) + ",";
    pgaudit = libs.find(",pgaudit,") != std::string::npos;
  }
  if (pgaudit && !o.statements.empty()) changes.emplace_back("pgaudit.log", pgaudit_classes(o.statements));

  for (const auto& [name, value] : changes)
    alter_system_setting(u, name, value, false);
  u.ctx().mutate(s, "SELECT pg_catalog.pg_reload_conf()", "reloading the configuration");

  // What new sessions see once the server has read the file again; the
  // reload is a signal, so the values arrive a moment later.
  std::map<std::string, std::string> after;
  if (!u.ctx().dry_run()) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      std::unique_ptr<Session> fresh = u.ctx().open_session(u.target(), SessionKind::Catalog, u.database());
      after = read_settings(*fresh, names);
      bool all = true;
      for (const auto& [name, value] : changes)
        all = all && normalized(after[name]) == normalized(value);
      if (all) break;
      if (std::chrono::steady_clock::now() > deadline) {
        log::warn("the server does not show every new value yet: see pgdba config show --pending-restart and its log");
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  Table t("logging", {Column{"setting", Kind::Text, Kind::Text}, Column{"before", Kind::Text, Kind::Text},
                      Column{"after", Kind::Text, Kind::Text}});
  for (const auto& [name, value] : changes) {
    const auto b = before.find(name);
    t.add_row({name, b == before.end() ? std::nullopt : std::optional<std::string>(b->second),
               u.ctx().dry_run() ? value : after[name]});
  }
  return {t};
}

}  // namespace

void add_audit_logging_verb(Noun& audit) {
  audit
      .verb<AuditLoggingOptions>(
          "logging",
          "Set the server's audit logging through ALTER SYSTEM and a reload: log_statement, "
          "log_connections and log_disconnections, log_min_duration_statement, and pgaudit.log when pgaudit is "
          "in shared_preload_libraries (none, ddl,role, ddl,role,write or all); shows each setting before and "
          "after",
          {Need::Catalog, Effect::Change})
      .option("--statements", &AuditLoggingOptions::statements, "log_statement: none, ddl, mod or all")
      .choices({"none", "ddl", "mod", "all"})
      .option("--connections", &AuditLoggingOptions::connections, "log_connections and log_disconnections: on or off")
      .choices({"on", "off"})
      .option("--min-duration", &AuditLoggingOptions::min_duration,
              "log_min_duration_statement in milliseconds: log statements that run this long (-1 off, 0 all)")
      .run(audit_logging);
}

}  // namespace pgdba
