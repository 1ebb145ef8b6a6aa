#include "commands/roles/grant_sql.hpp"

#include <algorithm>
#include <cctype>

#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string object_sql(const GrantSpec& g) {
  if (g.object_name.empty()) return "";
  if (g.object_schema.empty()) return quote_ident(g.object_name);
  std::string o = quote_qualified(g.object_schema, g.object_name);
  if (g.kind == "ROUTINE") o += "(" + g.object_args + ")";
  return o;
}

}  // namespace

std::vector<std::string> privileges_of(const std::string& kind) {
  if (kind == "DATABASE") return {"CREATE", "CONNECT", "TEMPORARY", "ALL"};
  if (kind == "SCHEMA" || kind == "SCHEMAS") return {"CREATE", "USAGE", "ALL"};
  if (kind == "SEQUENCE" || kind == "ALL SEQUENCES IN SCHEMA" || kind == "SEQUENCES")
    return {"USAGE", "SELECT", "UPDATE", "ALL"};
  if (kind == "FUNCTION" || kind == "ROUTINE" || kind == "ALL FUNCTIONS IN SCHEMA" || kind == "FUNCTIONS")
    return {"EXECUTE", "ALL"};
  return {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN", "ALL"};
}

std::string grant_statement(const GrantSpec& g) {
  if (g.privileges.empty()) throw usage_error("name the privileges to " + std::string(g.revoke ? "revoke" : "grant"));
  const std::vector<std::string> allowed = privileges_of(g.kind);
  std::string privs;
  for (const auto& raw : g.privileges) {
    std::string p = upper(trim(raw));
    if (p == "TEMP") p = "TEMPORARY";
    if (p == "ALL PRIVILEGES") p = "ALL";
    if (!contains(allowed, p)) {
      std::string list;
      for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
      throw usage_error("\"" + raw + "\" is not a privilege on " + (g.kind.empty() ? "this" : g.kind) + " (" + list +
                        ")");
    }
    if (!g.columns.empty() && !contains({"SELECT", "INSERT", "UPDATE", "REFERENCES", "ALL"}, p))
      throw usage_error(p + " cannot be granted on columns (SELECT, INSERT, UPDATE, REFERENCES)");
    if (p == "ALL" && g.privileges.size() > 1) throw usage_error("ALL includes every privilege: give it alone");
    privs += (privs.empty() ? "" : ", ") + (p == "ALL" ? std::string("ALL PRIVILEGES") : p);
    if (!g.columns.empty()) {
      privs += " (";
      for (std::size_t i = 0; i < g.columns.size(); ++i)
        privs += (i == 0 ? "" : ", ") + quote_ident(g.columns[i]);
      privs += ")";
    }
  }
  if (!g.columns.empty() && g.kind != "TABLE") throw usage_error("--columns goes with --table");
  std::string sql;
  if (!g.default_for_role.empty()) {
    sql = "ALTER DEFAULT PRIVILEGES FOR ROLE " + quote_ident(g.default_for_role);
    if (!g.default_in_schema.empty()) sql += " IN SCHEMA " + quote_ident(g.default_in_schema);
    sql += " ";
  }
  // privs and kind come from the fixed lists above; names are quoted.
  std::string target = g.kind;
  if (!g.object_name.empty()) target += " " + object_sql(g);
  const std::string grantee = g.grantee_public ? std::string("PUBLIC") : quote_ident(g.grantee);
  sql += g.revoke ? (g.grant_option ? "REVOKE GRANT OPTION FOR " : "REVOKE ") : "GRANT ";
  sql += privs;
  sql += " ON ";
  sql += target;
  sql += g.revoke ? " FROM " : " TO ";
  sql += grantee;
  if (g.revoke && g.cascade) sql += " CASCADE";
  if (!g.revoke && g.grant_option) sql += " WITH GRANT OPTION";
  return sql;
}

}  // namespace pgdba
