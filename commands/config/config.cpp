// config show | get | set | reset: the server's parameters from pg_settings,
// and ALTER SYSTEM with the value checked first against what pg_settings
// says the parameter takes (setting_value.hpp), so a typo or an
// out-of-range value never reaches postgresql.auto.conf, where it would
// stop the next restart.
#include "commands/config/config.hpp"

#include <cstdlib>

#include "commands/config/setting_value.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct ConfigShowOptions {
  bool changed = false, pending_restart = false;
  std::string category, source;
};

// A parameter name is an identifier in ALTER SYSTEM: longer than 63 bytes
// the parser would cut it and set another parameter.
struct ConfigGetOptions {
  std::string name;
  void validate() const { check_identifier("parameter", name); }
};

struct ConfigSetOptions {
  std::string name, value;
  bool reload = false;
  void validate() const { check_identifier("parameter", name); }
};

struct ConfigResetOptions {
  std::string name;
  bool reload = false;
  void validate() const { check_identifier("parameter", name); }
};

const char* param(const std::string& s) {
  return s.empty() ? nullptr : s.c_str();
}

void set_value_kinds(Table& t) {
  t.set_kind("bytes", Kind::Bytes);
  t.set_kind("seconds", Kind::Seconds);
}

// A name PostgreSQL keeps for extensions and applications (a placeholder:
// "myapp.mode"); the server knows nothing of it until a module defines it.
bool is_custom_name(const std::string& name) {
  return name.find('.') != std::string::npos;
}

// The parameter's row of get_setting.sql, or nullopt for a custom name the
// server does not know. Throws a failure naming the closest names for any
// other unknown name.
std::optional<Rows> find_setting(Session& s, const std::string& name, bool allow_custom) {
  const Rows r = s.exec(sql_text("config/get_setting"), {name.c_str()}, "looking up parameter \"" + name + "\"");
  if (!r.empty()) return r;
  if (allow_custom && is_custom_name(name)) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& row : s.exec(sql_text("config/setting_names"), "listing parameters"))
    names.push_back(row[0].str());
  const auto near = similar_setting_names(name, names);
  std::string msg = "unrecognized configuration parameter \"" + name + "\"";
  if (!near.empty()) {
    msg += "; did you mean ";
    for (std::size_t i = 0; i < near.size(); ++i)
      msg += (i == 0 ? "" : i + 1 == near.size() ? " or " : ", ") + near[i];
    msg += "?";
  }
  throw failure(msg);
}

std::optional<double> bound(const Field& f) {
  if (f.is_null()) return std::nullopt;
  return std::strtod(f.c_str(), nullptr);
}

// Postgres parses "{a,b}" as text[]; enum values never hold commas or
// quotes, so splitting on commas is exact here.
std::vector<std::string> enum_values(const Field& f) {
  std::vector<std::string> out;
  if (f.is_null()) return out;
  std::string text = f.str();
  if (text.size() >= 2 && text.front() == '{') text = text.substr(1, text.size() - 2);
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.size() >= 2 && item.front() == '"') item = item.substr(1, item.size() - 2);
    out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// What the change still needs once ALTER SYSTEM has written it.
std::string still_needed(const std::string& context, bool reloaded) {
  if (context == "postmaster") return "restart";
  if (!reloaded) return "reload";
  // Backend parameters are read when a session starts.
  if (context == "backend" || context == "superuser-backend") return "new sessions";
  return "none";
}

Table change_table() {
  return Table("settings", {Column{"action", Kind::Text, Kind::Text}, Column{"name", Kind::Text, Kind::Text},
                            Column{"value", Kind::Text, Kind::Text}, Column{"previous", Kind::Text, Kind::Text},
                            Column{"context", Kind::Text, Kind::Text}, Column{"needs", Kind::Text, Kind::Text},
                            Column{"reloaded", Kind::Boolean, Kind::Text}});
}

// ALTER SYSTEM SET or RESET, then pg_reload_conf() when asked; `value`
// nullopt resets.
Result alter_system(Unit& u, const std::string& given_name, const std::optional<std::string>& value, bool reload) {
  Session& s = u.session();
  // Servers before 17 refuse ALTER SYSTEM for a placeholder no loaded module
  // defines; say so before sending rather than after.
  const std::optional<Rows> found = find_setting(s, given_name, s.server_version() >= 170000);
  std::string name = given_name;
  std::string context = "user";  // a custom parameter: what a placeholder is
  std::optional<std::string> previous;
  if (found) {
    const RowRef row = (*found)[0];
    name = row["name"].str();
    context = row["context"].str();
    previous = row["value"].str();
    if (context == "internal")
      throw usage_error(name + " cannot be changed: it is fixed when PostgreSQL is built or the cluster initialized");
    if (value) {
      const SettingSpec spec{name,
                             row["vartype"].str(),
                             row["unit"].str(),
                             bound(row["min_val"]),
                             bound(row["max_val"]),
                             enum_values(row["enumvals"])};
      check_setting_value(spec, *value);
    }
  } else {
    log::warn("parameter \"" + name + "\" is not known to the server (a placeholder for an extension or an " +
              "application): its value is not checked");
  }
  const std::string sql = value ? "ALTER SYSTEM SET " + quote_ident(name) + " TO " + setting_value_sql(name, *value)
                                : "ALTER SYSTEM RESET " + quote_ident(name);
  u.ctx().mutate(s, sql, std::string(value ? "setting " : "resetting ") + name);
  if (reload) u.ctx().mutate(s, "SELECT pg_catalog.pg_reload_conf()", "reloading the configuration");
  const std::string needs = still_needed(context, reload);
  if (needs == "restart") {
    log::warn(name + " takes effect only when the server restarts");
  } else if (needs == "reload") {
    log::info(name + " takes effect when the configuration is reloaded (--reload, or pg_ctl reload)");
  }
  Table t = change_table();
  t.add_row({value ? "set" : "reset", name, value, previous, context, needs, reload ? "true" : "false"});
  return {t};
}

Result show_settings(Unit& u, const ConfigShowOptions& o) {
  Session& s = u.session();
  Table t = s.table(
      s.exec(sql_text("config/show_settings"),
             {o.changed ? "true" : "false", o.pending_restart ? "true" : "false", param(o.category), param(o.source)},
             "listing parameters"),
      "settings");
  set_value_kinds(t);
  return {t};
}

Result get_setting(Unit& u, const ConfigGetOptions& o) {
  Session& s = u.session();
  const std::optional<Rows> r = find_setting(s, o.name, false);
  Table t = s.table(*r, "setting");
  set_value_kinds(t);
  return {t};
}

}  // namespace

Result alter_system_setting(Unit& u, const std::string& name, const std::optional<std::string>& value, bool reload) {
  return alter_system(u, name, value, reload);
}

void register_config(CommandTable& table) {
  Noun config =
      table.noun("config", "Server parameters: show, get, set and reset (ALTER SYSTEM), diff across servers, advise");

  config
      .verb<ConfigShowOptions>("show",
                               "Parameters from pg_settings: value, size or duration, source and file:line, "
                               "context, pending restart, description",
                               {Need::Catalog, Effect::Read})
      .flag("--changed", &ConfigShowOptions::changed,
            "only parameters not at their default (source other than default and override; what pgdba's own connection "
            "sets, source client, is left out)")
      .flag("--pending-restart", &ConfigShowOptions::pending_restart,
            "only parameters changed in the files that wait for a restart")
      .option("--category", &ConfigShowOptions::category,
              "only categories containing this text, any case (\"memory\", \"Write-Ahead Log\")")
      .option("--source", &ConfigShowOptions::source,
              "only this source, any case (\"configuration file\", \"command line\", \"default\")")
      .run(show_settings);

  config
      .verb<ConfigGetOptions>(
          "get", "One parameter with its type, unit, range, enum values, boot and reset values, and description",
          {Need::Catalog, Effect::Read})
      .arg("name", &ConfigGetOptions::name, "the parameter (any case)")
      .run(get_setting);

  config
      .verb<ConfigSetOptions>(
          "set",
          "ALTER SYSTEM SET a parameter, its value first checked against its type, unit, range and enum values "
          "(256MB, 5min, on); says whether a reload or a restart is needed",
          {Need::Catalog, Effect::Change})
      .arg("name", &ConfigSetOptions::name, "the parameter")
      .arg("value", &ConfigSetOptions::value,
           "its value: units as in postgresql.conf (kB, MB, GB, TB; us, ms, s, min, h, d); lists comma-separated")
      .flag("--reload", &ConfigSetOptions::reload, "then reload the configuration (pg_reload_conf())")
      .run([](Unit& u, const ConfigSetOptions& o) { return alter_system(u, o.name, o.value, o.reload); });

  config
      .verb<ConfigResetOptions>("reset",
                                "ALTER SYSTEM RESET a parameter (remove it from postgresql.auto.conf); says "
                                "whether a reload or a restart is needed",
                                {Need::Catalog, Effect::Change})
      .arg("name", &ConfigResetOptions::name, "the parameter")
      .flag("--reload", &ConfigResetOptions::reload, "then reload the configuration (pg_reload_conf())")
      .run([](Unit& u, const ConfigResetOptions& o) { return alter_system(u, o.name, std::nullopt, o.reload); });

  add_config_diff_verb(config);
  add_config_advise_verb(config);
}

}  // namespace pgdba
