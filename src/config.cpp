#include "src/config.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

// Kept out of config.hpp: toml++ is a large header and only this file needs it.
#include <toml++/toml.h>

#include "src/conninfo.hpp"
#include "src/errors.hpp"
#include "src/inventory.hpp"
#include "src/render.hpp"

namespace pgdba {

namespace {

const char* type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date or time";
    default:
      return "nothing";
  }
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

class Checker {
 public:
  explicit Checker(const std::string& path) : path_(path) {}

  Error error(const toml::source_region& where, const std::string& message) const {
    return usage_error(path_ + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column) +
                       ": " + message);
  }

  // Every key of `table` must be one of `known`, so a typo is reported
  // rather than silently ignored.
  void only_keys(const toml::table& table, const std::vector<std::string>& known, const std::string& label,
                 const std::map<std::string, std::string>& hints = {}) const {
    for (auto&& [key, node] : table) {
      (void)node;
      const std::string name(key.str());
      bool ok = false;
      for (const auto& k : known)
        ok = ok || k == name;
      if (!ok) {
        std::string message = "unknown key \"" + name + "\"";
        message += label + " (known: " + join(known) + ")";
        const auto hint = hints.find(name);
        if (hint != hints.end()) message += hint->second;
        throw error(key.source(), message);
      }
    }
  }

  std::string string_value(const toml::node& node, const std::string& name) const {
    if (!node.is_string()) throw error(node.source(), name + " must be a string, not " + type_name(node));
    return node.as_string()->get();
  }

  int int_value(const toml::node& node, const std::string& name, long long min, long long max) const {
    if (!node.is_integer()) throw error(node.source(), name + " must be an integer, not " + type_name(node));
    const long long v = node.as_integer()->get();
    if (v < min || v > max) {
      throw error(node.source(), name + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                                     ", not " + std::to_string(v));
    }
    return static_cast<int>(v);
  }

  std::string timeout_value(const toml::node& node, const std::string& name) const {
    std::string v = string_value(node, name);
    try {
      check_timeout_value(name, v);
    } catch (const Error& e) {
      throw error(node.source(), e.what());
    }
    return v;
  }

  void read_defaults(const toml::node& node, ConfigDefaults& d) const {
    const toml::table* table = node.as_table();
    if (table == nullptr)
      throw error(node.source(), "defaults must be a table ([defaults]), not " + std::string(type_name(node)));
    only_keys(*table, {"connect_timeout", "lock_timeout", "output", "parallel", "statement_timeout"}, " in [defaults]");
    for (auto&& [key, value] : *table) {
      const std::string name = "defaults." + std::string(key.str());
      if (key == "output") {
        const std::string v = string_value(value, name);
        try {
          parse_format(v);
        } catch (const Error& e) {
          throw error(value.source(), name + ": " + e.what());
        }
        d.output = v;
      } else if (key == "lock_timeout") {
        d.lock_timeout = timeout_value(value, name);
      } else if (key == "statement_timeout") {
        d.statement_timeout = timeout_value(value, name);
      } else if (key == "connect_timeout") {
        // libpq's connect_timeout is an int of seconds; pgdba refuses negatives.
        d.connect_timeout = int_value(value, name, 0, std::numeric_limits<int>::max());
      } else if (key == "parallel") {
        // Each parallel slot is a server connection: a four-digit number is a typo.
        d.parallel = int_value(value, name, 1, 1024);
      }
    }
  }

  void read_checks(const toml::node& node, std::map<std::string, ConfigCheck>& checks) const {
    const toml::table* table = node.as_table();
    if (table == nullptr)
      throw error(node.source(), "checks must be a table ([checks.NAME]), not " + std::string(type_name(node)));
    for (auto&& [key, value] : *table) {
      const std::string check(key.str());
      const std::string label = "checks." + check;
      const toml::table* t = value.as_table();
      if (t == nullptr) throw error(value.source(), label + " must be a table ([" + label + "])");
      if (check.empty() || check.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos) {
        throw error(key.source(), "a check name is lower-case letters, digits, '-' and '_', not \"" + check + "\"");
      }
      only_keys(*t, {"critical", "description", "per_database", "query", "unit", "warning"}, " in [" + label + "]");
      ConfigCheck c;
      for (auto&& [k, v] : *t) {
        const std::string name = label + "." + std::string(k.str());
        if (k == "warning") {
          c.warning = string_value(v, name);
        } else if (k == "critical") {
          c.critical = string_value(v, name);
        } else if (k == "query") {
          c.query = string_value(v, name);
        } else if (k == "description") {
          c.description = string_value(v, name);
        } else if (k == "unit") {
          c.unit = string_value(v, name);
          if (c.unit != "count" && c.unit != "bytes" && c.unit != "seconds" && c.unit != "percent") {
            throw error(v.source(), name + " must be count, bytes, seconds or percent, not \"" + c.unit + "\"");
          }
        } else if (k == "per_database") {
          if (!v.is_boolean()) throw error(v.source(), name + " must be true or false, not " + type_name(v));
          c.per_database = v.as_boolean()->get();
        }
      }
      checks[check] = std::move(c);
    }
  }

  // [audit] skip = ["PGDBA-SEC-012", ...]: whether an id names a control is
  // for `audit report` to say (the config knows no controls).
  void read_audit(const toml::node& node, std::vector<std::string>& skip) const {
    const toml::table* table = node.as_table();
    if (table == nullptr)
      throw error(node.source(), "audit must be a table ([audit]), not " + std::string(type_name(node)));
    only_keys(*table, {"skip"}, " in [audit]");
    const toml::node* list = table->get("skip");
    if (list == nullptr) return;
    const toml::array* ids = list->as_array();
    if (ids == nullptr)
      throw error(list->source(), "audit.skip must be an array of finding ids, not " + std::string(type_name(*list)));
    for (const toml::node& id : *ids) {
      if (!id.is_string())
        throw error(id.source(),
                    std::string("audit.skip: each item must be a finding id (a string), not ") + type_name(id));
      skip.push_back(id.as_string()->get());
    }
  }

  void read_groups(const toml::node& node, std::map<std::string, std::vector<std::string>>& groups) const {
    const toml::table* table = node.as_table();
    if (table == nullptr)
      throw error(node.source(), "groups must be a table ([groups]), not " + std::string(type_name(node)));
    for (auto&& [key, value] : *table) {
      const std::string group(key.str());
      if (group.empty()) throw error(key.source(), "a group name must not be empty");
      const std::string name = "group \"" + group + "\"";
      const toml::array* members = value.as_array();
      if (members == nullptr) {
        throw error(value.source(),
                    name + " must be an array of service names (prod = [\"a\", \"b\"]), not " + type_name(value));
      }
      std::vector<std::string> services;
      for (const toml::node& m : *members) {
        if (!m.is_string()) {
          throw error(m.source(), name + ": each member must be a service name (a string), not " + type_name(m));
        }
        const std::string& service = m.as_string()->get();
        if (service.empty()) throw error(m.source(), name + ": empty service name");
        services.push_back(service);
      }
      groups[group] = std::move(services);
    }
  }

 private:
  const std::string& path_;
};

}  // namespace

ConfigLocation config_location() {
  const char* explicit_path = std::getenv("PGDBA_CONFIG");
  if (explicit_path != nullptr && explicit_path[0] != '\0') return {explicit_path, true};
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and is ignored.
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && xdg[0] == '/') return {std::string(xdg) + "/pgdba/config.toml", false};
  const std::string home = home_directory();
  if (home.empty()) return {"", false};
  return {home + "/.config/pgdba/config.toml", false};
}

Config read_config(const std::string& path, bool must_exist) {
  Config cfg;
  cfg.path = path;
  if (path.empty()) return cfg;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT && !must_exist) return cfg;
    throw usage_error("cannot read config file " + path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) throw usage_error("cannot read config file " + path + ": it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage_error("cannot read config file " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw usage_error("cannot read config file " + path + ": " + std::strerror(errno));
  cfg.found = true;

  toml::table root;
  try {
    root = toml::parse(text.str(), path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw usage_error(path + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                      std::string(e.description()));
  }

  const Checker check(path);
  // The likeliest mistake: a default written above any [defaults] header.
  std::map<std::string, std::string> hints;
  for (const char* k : {"output", "lock_timeout", "statement_timeout", "connect_timeout", "parallel"})
    hints[k] = "; \"" + std::string(k) + "\" belongs under [defaults]";
  check.only_keys(root, {"audit", "checks", "defaults", "groups"}, "", hints);
  if (const toml::node* d = root.get("defaults")) check.read_defaults(*d, cfg.defaults);
  if (const toml::node* g = root.get("groups")) check.read_groups(*g, cfg.groups);
  if (const toml::node* c = root.get("checks")) check.read_checks(*c, cfg.checks);
  if (const toml::node* a = root.get("audit")) check.read_audit(*a, cfg.audit_skip);
  return cfg;
}

Config load_config() {
  const ConfigLocation where = config_location();
  return read_config(where.path, where.from_env);
}

}  // namespace pgdba
