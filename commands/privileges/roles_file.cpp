#include "commands/privileges/roles_file.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

// Kept out of the header: toml++ is a large header.
#include <toml++/toml.h>

#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

std::string lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path) {}

  Error error(const toml::node& node, const std::string& message) const {
    const auto& b = node.source().begin;
    return usage_error(path_ + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) + ": " + message);
  }

  void only_keys(const toml::table& t, const std::vector<std::string>& known, const std::string& label) const {
    for (auto&& [key, node] : t) {
      const std::string k(key.str());
      if (std::find(known.begin(), known.end(), k) != known.end()) continue;
      std::string list;
      for (const auto& n : known)
        list += (list.empty() ? "" : ", ") + n;
      const auto& b = key.source().begin;
      throw usage_error(path_ + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) + ": unknown key \"" + k +
                        "\" in " + label + " (known: " + list + ")");
    }
  }

  const toml::node& required(const toml::table& t, const char* key, const std::string& label) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) throw error(t, label + " needs \"" + key + "\"");
    return *n;
  }

  std::string text(const toml::node& n, const std::string& key) const {
    if (!n.is_string()) throw error(n, key + " must be a string");
    return n.as_string()->get();
  }

  // A role, schema, database or table name: what check_identifier accepts.
  std::string name(const toml::node& n, const std::string& key) const {
    std::string v = text(n, key);
    try {
      check_identifier(key, v);
    } catch (const Error& e) {
      throw error(n, e.what());
    }
    return v;
  }

  bool boolean(const toml::node& n, const std::string& key) const {
    if (!n.is_boolean()) throw error(n, key + " must be true or false");
    return n.as_boolean()->get();
  }

  std::vector<std::string> names(const toml::node& n, const std::string& key, bool allow_public) const {
    std::vector<std::string> out;
    const auto one = [&](const toml::node& item) {
      std::string v = text(item, key);
      if (allow_public && lower(v) == "public") {
        out.push_back("public");
        return;
      }
      out.push_back(name(item, key));
    };
    if (const toml::array* a = n.as_array()) {
      for (const toml::node& item : *a)
        one(item);
    } else {
      one(n);
    }
    return out;
  }

  std::vector<std::string> privileges(const toml::node& n, const std::vector<std::string>& allowed) const {
    const toml::array* a = n.as_array();
    if (a == nullptr || a->empty()) throw error(n, "privileges must be a non-empty array of strings");
    std::vector<std::string> out;
    for (const toml::node& item : *a) {
      std::string p = upper(text(item, "privileges"));
      if (p == "TEMP") p = "TEMPORARY";
      if (p == "ALL PRIVILEGES") p = "ALL";
      if (p != "ALL" && std::find(allowed.begin(), allowed.end(), p) == allowed.end()) {
        std::string list;
        for (const auto& x : allowed)
          list += (list.empty() ? "" : ", ") + lower(x);
        throw error(item, "\"" + item.as_string()->get() + "\" is not a privilege here (" + list + ", all)");
      }
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
    if (out.size() > 1 && std::find(out.begin(), out.end(), "ALL") != out.end())
      throw error(n, "\"all\" includes every privilege: give it alone");
    return out;
  }

  int line(const toml::node& n) const { return static_cast<int>(n.source().begin.line); }

  const toml::array& tables(const toml::table& root, const char* key) const {
    static const toml::array none;
    const toml::node* n = root.get(key);
    if (n == nullptr) return none;
    const toml::array* a = n->as_array();
    if (a == nullptr || !a->is_array_of_tables())
      throw error(*n, std::string(key) + " must be an array of tables ([[" + key + "]])");
    return *a;
  }

 private:
  const std::string& path_;
};

std::vector<std::string> kind_privileges(const std::string& on) {
  if (on == "database") return {"CREATE", "CONNECT", "TEMPORARY"};
  if (on == "schema" || on == "schemas") return {"CREATE", "USAGE"};
  if (on == "sequence" || on == "sequences") return {"USAGE", "SELECT", "UPDATE"};
  if (on == "function" || on == "functions") return {"EXECUTE"};
  return {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"};
}

// TOML basic string: quotes, backslashes and control characters escaped,
// UTF-8 kept as it is.
std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"') {
      out += "\\\"";
    } else if (ch == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string toml_list(const std::vector<std::string>& items, bool lowercase = false) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : ", ") + toml_string(lowercase ? lower(items[i]) : items[i]);
  return out + "]";
}

}  // namespace

std::vector<std::string> roles_file_privileges(const std::string& on) {
  return kind_privileges(on);
}

RolesFile parse_roles_file(const std::string& text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw usage_error(path + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) + ": " +
                      std::string(e.description()));
  }
  const Reader r(path);
  r.only_keys(root, {"database", "default", "grant", "role"}, "the file");
  RolesFile f;
  std::set<std::string> role_names;
  for (const toml::node& n : r.tables(root, "role")) {
    const toml::table& t = *n.as_table();
    r.only_keys(t,
                {"name", "login", "superuser", "createdb", "createrole", "replication", "bypassrls", "inherit",
                 "connection_limit", "member_of"},
                "[[role]]");
    DeclaredRole d;
    d.name = r.name(r.required(t, "name", "[[role]]"), "name");
    if (d.name.rfind("pg_", 0) == 0) throw r.error(t, "role \"" + d.name + "\": names starting pg_ are reserved");
    if (!role_names.insert(d.name).second) throw r.error(t, "role \"" + d.name + "\" is declared twice");
    const std::pair<const char*, bool DeclaredRole::*> flags[] = {{"login", &DeclaredRole::login},
                                                                  {"superuser", &DeclaredRole::superuser},
                                                                  {"createdb", &DeclaredRole::createdb},
                                                                  {"createrole", &DeclaredRole::createrole},
                                                                  {"replication", &DeclaredRole::replication},
                                                                  {"bypassrls", &DeclaredRole::bypassrls},
                                                                  {"inherit", &DeclaredRole::inherit}};
    for (const auto& [key, member] : flags)
      if (const toml::node* v = t.get(key)) d.*member = r.boolean(*v, key);
    if (const toml::node* v = t.get("connection_limit")) {
      if (!v->is_integer() || v->as_integer()->get() < -1 || v->as_integer()->get() > 2147483647)
        throw r.error(*v, "connection_limit must be an integer, -1 (no limit) or more");
      d.connection_limit = static_cast<int>(v->as_integer()->get());
    }
    if (const toml::node* v = t.get("member_of")) {
      if (!v->is_array()) throw r.error(*v, "member_of must be an array of role names");
      d.member_of = r.names(*v, "member_of", false);
      std::sort(d.member_of.begin(), d.member_of.end());
      d.member_of.erase(std::unique(d.member_of.begin(), d.member_of.end()), d.member_of.end());
      if (std::find(d.member_of.begin(), d.member_of.end(), d.name) != d.member_of.end())
        throw r.error(*v, "role \"" + d.name + "\" cannot be a member of itself");
    }
    f.roles.push_back(std::move(d));
  }
  for (const toml::node& n : r.tables(root, "database")) {
    const toml::table& t = *n.as_table();
    r.only_keys(t, {"name", "revoke_public"}, "[[database]]");
    const std::string name = r.name(r.required(t, "name", "[[database]]"), "name");
    bool revoke = false;
    if (const toml::node* v = t.get("revoke_public")) revoke = r.boolean(*v, "revoke_public");
    if (f.databases.count(name) != 0) throw r.error(t, "database \"" + name + "\" is declared twice");
    f.databases[name] = revoke;
  }
  const auto check_grantees = [&](const toml::node& n, const std::vector<std::string>& to) {
    for (const auto& g : to)
      if (g != "public" && role_names.count(g) == 0)
        throw r.error(n, "\"" + g +
                             "\" is not a role of this file: declare it with [[role]] (grants go to the roles "
                             "the file manages, or to public)");
  };
  for (const toml::node& n : r.tables(root, "grant")) {
    const toml::table& t = *n.as_table();
    r.only_keys(t, {"database", "on", "schema", "name", "args", "privileges", "to", "grant_option"}, "[[grant]]");
    DeclaredGrant g;
    g.line = r.line(t);
    g.database = r.name(r.required(t, "database", "[[grant]]"), "database");
    const toml::node& on = r.required(t, "on", "[[grant]]");
    g.on = lower(r.text(on, "on"));
    static const std::set<std::string> kinds = {"database", "schema", "table",     "sequence",
                                                "function", "tables", "sequences", "functions"};
    if (kinds.count(g.on) == 0)
      throw r.error(on, "on must be database, schema, table, sequence, function, tables, sequences or functions");
    if (g.on != "database") g.schema = r.name(r.required(t, "schema", "[[grant]] on " + g.on), "schema");
    const bool one_object = g.on == "table" || g.on == "sequence" || g.on == "function";
    if (one_object) g.name = r.name(r.required(t, "name", "[[grant]] on " + g.on), "name");
    if (!one_object && t.get("name") != nullptr)
      throw r.error(*t.get("name"), "name goes with on = table, sequence or function");
    if (const toml::node* v = t.get("args")) {
      if (g.on != "function") throw r.error(*v, "args goes with on = function");
      g.args = r.text(*v, "args");
    }
    g.privileges = r.privileges(r.required(t, "privileges", "[[grant]]"), kind_privileges(g.on));
    const toml::node& to = r.required(t, "to", "[[grant]]");
    g.to = r.names(to, "to", true);
    check_grantees(to, g.to);
    if (const toml::node* v = t.get("grant_option")) g.grant_option = r.boolean(*v, "grant_option");
    f.grants.push_back(std::move(g));
  }
  for (const toml::node& n : r.tables(root, "default")) {
    const toml::table& t = *n.as_table();
    r.only_keys(t, {"database", "for_role", "schema", "on", "privileges", "to", "grant_option"}, "[[default]]");
    DeclaredDefault d;
    d.line = r.line(t);
    d.database = r.name(r.required(t, "database", "[[default]]"), "database");
    d.for_role = r.name(r.required(t, "for_role", "[[default]]"), "for_role");
    const toml::node& on = r.required(t, "on", "[[default]]");
    d.on = lower(r.text(on, "on"));
    if (d.on != "tables" && d.on != "sequences" && d.on != "functions" && d.on != "schemas")
      throw r.error(on, "on must be tables, sequences, functions or schemas (the objects created later)");
    if (const toml::node* v = t.get("schema")) {
      if (d.on == "schemas") throw r.error(*v, "schema does not go with on = schemas");
      d.schema = r.name(*v, "schema");
    }
    d.privileges = r.privileges(r.required(t, "privileges", "[[default]]"), kind_privileges(d.on));
    const toml::node& to = r.required(t, "to", "[[default]]");
    d.to = r.names(to, "to", true);
    check_grantees(to, d.to);
    if (const toml::node* v = t.get("grant_option")) d.grant_option = r.boolean(*v, "grant_option");
    f.defaults.push_back(std::move(d));
  }
  return f;
}

RolesFile read_roles_file(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return parse_roles_file(text.str(), "<stdin>");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw failure("cannot read roles file " + path + ": " + std::strerror(errno));
  text << in.rdbuf();
  if (in.bad()) throw failure("cannot read roles file " + path + ": " + std::strerror(errno));
  return parse_roles_file(text.str(), path);
}

std::string write_roles_file(const RolesFile& f) {
  std::ostringstream o;
  o << "# Roles, memberships and privileges, as `pgdba privileges export` read them.\n"
       "# `pgdba privileges plan FILE` shows what would change; passwords are not managed here.\n";
  for (const auto& r : f.roles) {
    o << "\n[[role]]\nname = " << toml_string(r.name) << "\n";
    const std::pair<const char*, bool> flags[] = {
        {"login", r.login},           {"superuser", r.superuser},     {"createdb", r.createdb},
        {"createrole", r.createrole}, {"replication", r.replication}, {"bypassrls", r.bypassrls}};
    for (const auto& [key, on] : flags)
      if (on) o << key << " = true\n";
    if (!r.inherit) o << "inherit = false\n";
    if (r.connection_limit != -1) o << "connection_limit = " << r.connection_limit << "\n";
    if (!r.member_of.empty()) o << "member_of = " << toml_list(r.member_of) << "\n";
  }
  for (const auto& [name, revoke] : f.databases)
    o << "\n[[database]]\nname = " << toml_string(name) << "\nrevoke_public = " << (revoke ? "true" : "false") << "\n";
  for (const auto& g : f.grants) {
    o << "\n[[grant]]\ndatabase = " << toml_string(g.database) << "\non = " << toml_string(g.on) << "\n";
    if (!g.schema.empty()) o << "schema = " << toml_string(g.schema) << "\n";
    if (!g.name.empty()) o << "name = " << toml_string(g.name) << "\n";
    if (g.on == "function") o << "args = " << toml_string(g.args) << "\n";
    o << "privileges = " << toml_list(g.privileges, true) << "\n";
    o << "to = " << (g.to.size() == 1 ? toml_string(g.to[0]) : toml_list(g.to)) << "\n";
    if (g.grant_option) o << "grant_option = true\n";
  }
  for (const auto& d : f.defaults) {
    o << "\n[[default]]\ndatabase = " << toml_string(d.database) << "\nfor_role = " << toml_string(d.for_role) << "\n";
    if (!d.schema.empty()) o << "schema = " << toml_string(d.schema) << "\n";
    o << "on = " << toml_string(d.on) << "\nprivileges = " << toml_list(d.privileges, true) << "\n";
    o << "to = " << (d.to.size() == 1 ? toml_string(d.to[0]) : toml_list(d.to)) << "\n";
    if (d.grant_option) o << "grant_option = true\n";
  }
  return o.str();
}

}  // namespace pgdba
