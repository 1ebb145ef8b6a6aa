#include "commands/privileges/roles_plan.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

#include "commands/roles/grant_sql.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

// An object a grant is on: kind (database, schema, table, sequence,
// function), schema ("" for databases and schemas), name, argument types.
using ObjectKey = std::tuple<std::string, std::string, std::string, std::string>;
// privilege -> with grant option
using Privs = std::map<std::string, bool>;
// object -> grantee -> privileges
using AclMap = std::map<ObjectKey, std::map<std::string, Privs>>;
// default privileges: (for_role, schema, on) -> grantee -> privileges
using DefaultKey = std::tuple<std::string, std::string, std::string>;
using DefaultMap = std::map<DefaultKey, std::map<std::string, Privs>>;

std::vector<std::string> kind_privileges(const std::string& on, int server_version) {
  std::vector<std::string> p = roles_file_privileges(on);
  if (server_version < 170000) p.erase(std::remove(p.begin(), p.end(), "MAINTAIN"), p.end());
  return p;
}

// The privileges a declaration names, ALL expanded for this server.
std::vector<std::string> expand(const std::vector<std::string>& privileges, const std::string& on, int server_version,
                                int line) {
  if (privileges.size() == 1 && privileges[0] == "ALL") return kind_privileges(on, server_version);
  for (const auto& p : privileges)
    if (p == "MAINTAIN" && server_version < 170000)
      throw failure("line " + std::to_string(line) +
                    ": the MAINTAIN privilege does not exist on server versions older than PostgreSQL 17");
  return privileges;
}

std::string role_kind(const std::string& kind) {
  if (kind == "function") return "ROUTINE";
  return upper(kind);
}

GrantSpec spec_for(const ObjectKey& key, const std::string& grantee) {
  GrantSpec g;
  const auto& [kind, schema, name, args] = key;
  g.kind = role_kind(kind);
  g.object_schema = schema;
  g.object_name = name;
  g.object_args = args;
  g.grantee_public = grantee == "public";
  g.grantee = grantee;
  return g;
}

// Statements that turn `actual` into `desired` for one grantee on one
// object; `revoke_allowed` false only adds.
void diff_privs(const Privs& desired, const Privs& actual, GrantSpec base, bool revoke_allowed,
                std::vector<std::string>& revokes, std::vector<std::string>& grants) {
  std::vector<std::string> drop, drop_option, add, add_option;
  for (const auto& [p, go] : actual) {
    const auto d = desired.find(p);
    if (d == desired.end()) {
      drop.push_back(p);
    } else if (go && !d->second) {
      drop_option.push_back(p);
    }
  }
  for (const auto& [p, go] : desired) {
    const auto a = actual.find(p);
    if (go && (a == actual.end() || !a->second)) {
      add_option.push_back(p);
    } else if (!go && a == actual.end()) {
      add.push_back(p);
    }
  }
  if (revoke_allowed && !drop.empty()) {
    GrantSpec g = base;
    g.revoke = true;
    g.privileges = drop;
    revokes.push_back(grant_statement(g));
  }
  if (revoke_allowed && !drop_option.empty()) {
    GrantSpec g = base;
    g.revoke = true;
    g.grant_option = true;
    g.privileges = drop_option;
    revokes.push_back(grant_statement(g));
  }
  if (!add.empty()) {
    GrantSpec g = base;
    g.privileges = add;
    grants.push_back(grant_statement(g));
  }
  if (!add_option.empty()) {
    GrantSpec g = base;
    g.grant_option = true;
    g.privileges = add_option;
    grants.push_back(grant_statement(g));
  }
}

struct RoleState {
  bool login, superuser, createdb, createrole, replication, bypassrls, inherit;
  int connection_limit;
  std::vector<std::string> member_of;
};

std::map<std::string, RoleState> read_roles(Session& s, const std::vector<std::string>& names, bool all) {
  const std::string arr = text_array_literal(names);
  std::map<std::string, RoleState> out;
  for (const auto& row : s.exec(sql_text("privileges/roles"), {arr.c_str(), all ? "true" : "false"}, "reading roles")) {
    RoleState r{row["login"].as<bool>(),      row["superuser"].as<bool>(),       row["createdb"].as<bool>(),
                row["createrole"].as<bool>(), row["replication"].as<bool>(),     row["bypassrls"].as<bool>(),
                row["inherit"].as<bool>(),    row["connection_limit"].as<int>(), {}};
    out[row["name"].str()] = r;
  }
  if (!out.empty()) {
    std::vector<std::string> found;
    for (const auto& [n, r] : out)
      found.push_back(n);
    const std::string arr2 = text_array_literal(found);
    for (const auto& row : s.exec(sql_text("privileges/memberships"), {arr2.c_str()}, "reading memberships"))
      out[row["name"].str()].member_of.push_back(row["member_of"].str());
  }
  return out;
}

std::string attributes_sql(const DeclaredRole& d, const RoleState* now) {
  std::string a;
  const std::pair<const char*, bool DeclaredRole::*> flags[] = {{"LOGIN", &DeclaredRole::login},
                                                                {"SUPERUSER", &DeclaredRole::superuser},
                                                                {"CREATEDB", &DeclaredRole::createdb},
                                                                {"CREATEROLE", &DeclaredRole::createrole},
                                                                {"REPLICATION", &DeclaredRole::replication},
                                                                {"BYPASSRLS", &DeclaredRole::bypassrls},
                                                                {"INHERIT", &DeclaredRole::inherit}};
  const bool current[] = {now ? now->login : false,      now ? now->superuser : false,   now ? now->createdb : false,
                          now ? now->createrole : false, now ? now->replication : false, now ? now->bypassrls : false,
                          now ? now->inherit : false};
  for (std::size_t i = 0; i < 7; ++i) {
    const bool want = d.*(flags[i].second);
    if (now != nullptr && want == current[i]) continue;
    a += std::string(" ") + (want ? "" : "NO") + flags[i].first;
  }
  if (now == nullptr || now->connection_limit != d.connection_limit)
    a += " CONNECTION LIMIT " + std::to_string(d.connection_limit);
  return a;
}

void plan_roles(Session& s, const RolesFile& f, std::vector<PlannedStatement>& out) {
  std::vector<std::string> names;
  std::set<std::string> declared;
  for (const auto& r : f.roles) {
    names.push_back(r.name);
    declared.insert(r.name);
  }
  // Roles referred to but not declared must exist already.
  std::set<std::string> referred;
  for (const auto& r : f.roles)
    referred.insert(r.member_of.begin(), r.member_of.end());
  for (const auto& d : f.defaults)
    referred.insert(d.for_role);
  for (const auto& n : referred)
    if (declared.count(n) == 0) names.push_back(n);
  const auto now = read_roles(s, names, false);
  for (const auto& n : referred)
    if (declared.count(n) == 0 && now.count(n) == 0)
      throw failure("role \"" + n + "\" does not exist and the file does not declare it");
  for (const auto& d : f.roles) {
    const auto it = now.find(d.name);
    const RoleState* cur = it == now.end() ? nullptr : &it->second;
    const std::string attrs = attributes_sql(d, cur);
    if (cur == nullptr) {
      out.push_back({"", "CREATE ROLE " + quote_ident(d.name) + " WITH" + attrs, false});
    } else if (!attrs.empty()) {
      out.push_back({"", "ALTER ROLE " + quote_ident(d.name) + " WITH" + attrs, true});
    }
    const std::set<std::string> have =
        cur ? std::set<std::string>(cur->member_of.begin(), cur->member_of.end()) : std::set<std::string>{};
    const std::set<std::string> want(d.member_of.begin(), d.member_of.end());
    for (const auto& g : have)
      if (want.count(g) == 0) out.push_back({"", "REVOKE " + quote_ident(g) + " FROM " + quote_ident(d.name), true});
    for (const auto& g : want)
      if (have.count(g) == 0) out.push_back({"", "GRANT " + quote_ident(g) + " TO " + quote_ident(d.name), false});
  }
}

std::set<std::string> databases_of(const RolesFile& f) {
  std::set<std::string> dbs;
  for (const auto& [d, revoke] : f.databases)
    dbs.insert(d);
  for (const auto& g : f.grants)
    dbs.insert(g.database);
  for (const auto& d : f.defaults)
    dbs.insert(d.database);
  return dbs;
}

AclMap read_acl(Session& d, const std::vector<std::string>& roles) {
  const std::string arr = text_array_literal(roles);
  AclMap actual;
  for (const auto& row : d.exec(sql_text("privileges/acl"), {arr.c_str()}, "reading privileges")) {
    const ObjectKey key{row["kind"].str(), row["schema"].str(), row["name"].str(), row["args"].str()};
    actual[key][row["grantee"].str()][row["privilege"].str()] = row["grant_option"].as<bool>();
  }
  return actual;
}

// `public_for`: the creating roles whose future functions PUBLIC is
// managed on (with revoke_public); `with_public`: PUBLIC's entries too.
DefaultMap read_defaults(Session& d, const std::vector<std::string>& roles, const std::vector<std::string>& public_for,
                         bool with_public) {
  const std::string arr = text_array_literal(roles);
  const std::string arr2 = text_array_literal(public_for);
  DefaultMap actual;
  for (const auto& row :
       d.exec(sql_text("privileges/default_acl"), {arr.c_str(), arr2.c_str(), with_public ? "true" : "false"},
              "reading default privileges")) {
    // Default privileges on types are not managed (USAGE on types is
    // PUBLIC's by default and rarely changed).
    if (row["kind"].is_null() || row["kind"].str() == "types") continue;
    const DefaultKey key{row["for_role"].str(), row["schema"].str(), row["kind"].str()};
    actual[key][row["grantee"].str()][row["privilege"].str()] = row["grant_option"].as<bool>();
  }
  return actual;
}

void plan_database(Session& d, const std::string& db, const RolesFile& f, std::vector<PlannedStatement>& out) {
  const int v = d.server_version();
  std::vector<std::string> managed;
  for (const auto& r : f.roles)
    managed.push_back(r.name);
  const auto rp = f.databases.find(db);
  const bool public_managed = rp != f.databases.end() && rp->second;

  // The objects there are, with their owners.
  std::map<ObjectKey, std::string> owners;
  for (const auto& row : d.exec(sql_text("privileges/objects"), "listing objects"))
    owners[{row["kind"].str(), row["schema"].str(), row["name"].str(), row["args"].str()}] = row["owner"].str();
  const auto at = [&](int line) { return "line " + std::to_string(line) + ": "; };

  AclMap desired;
  for (const auto& g : f.grants) {
    if (g.database != db) continue;
    std::vector<ObjectKey> objects;
    const auto need = [&](const ObjectKey& k, const std::string& what) {
      if (owners.count(k) == 0) {
        Error e = failure(at(g.line) + what + " does not exist in database \"" + db + "\"");
        e.sqlstate = "42704";
        throw e;
      }
      objects.push_back(k);
    };
    if (g.on == "database") {
      need({"database", "", db, ""}, "database \"" + db + "\"");
    } else if (g.on == "schema") {
      need({"schema", "", g.schema, ""}, "schema \"" + g.schema + "\"");
    } else if (g.on == "table" || g.on == "sequence") {
      need({g.on, g.schema, g.name, ""}, g.on + " " + quote_qualified(g.schema, g.name));
    } else if (g.on == "function") {
      const Rows r = d.exec(sql_text("privileges/resolve_routine"), {g.schema.c_str(), g.name.c_str(), g.args.c_str()},
                            "resolving a routine");
      const std::string shown = quote_qualified(g.schema, g.name) + "(" + g.args + ")";
      if (r.empty() || r[0]["args"].is_null()) {
        Error e = failure(at(g.line) + "function " + shown + " does not exist in database \"" + db + "\"");
        e.sqlstate = "42883";
        throw e;
      }
      need({"function", g.schema, g.name, r[0]["args"].str()}, "function " + shown);
    } else {
      need({"schema", "", g.schema, ""}, "schema \"" + g.schema + "\"");
      objects.pop_back();
      const std::string kind = g.on.substr(0, g.on.size() - 1);
      for (const auto& [k, owner] : owners)
        if (std::get<0>(k) == kind && std::get<1>(k) == g.schema) objects.push_back(k);
    }
    const std::vector<std::string> privs = expand(g.privileges, g.on, v, g.line);
    for (const auto& k : objects)
      for (const auto& to : g.to) {
        if (owners[k] == to) continue;  // an owner holds them all already
        for (const auto& p : privs) {
          bool& go = desired[k][to][p];
          go = go || g.grant_option;
        }
      }
  }
  const AclMap actual = read_acl(d, managed);
  std::vector<std::string> revokes, grants;
  std::set<ObjectKey> keys;
  for (const auto& [k, m] : desired)
    keys.insert(k);
  for (const auto& [k, m] : actual)
    keys.insert(k);
  for (const auto& k : keys) {
    std::set<std::string> grantees;
    const auto dk = desired.find(k);
    const auto ak = actual.find(k);
    if (dk != desired.end())
      for (const auto& [g, p] : dk->second)
        grantees.insert(g);
    if (ak != actual.end())
      for (const auto& [g, p] : ak->second)
        grantees.insert(g);
    for (const auto& g : grantees) {
      static const Privs none;
      const Privs& want = dk != desired.end() && dk->second.count(g) ? dk->second.at(g) : none;
      const Privs& have = ak != actual.end() && ak->second.count(g) ? ak->second.at(g) : none;
      diff_privs(want, have, spec_for(k, g), g != "public" || public_managed, revokes, grants);
    }
  }

  DefaultMap want_defaults;
  for (const auto& x : f.defaults) {
    if (x.database != db) continue;
    const std::vector<std::string> privs = expand(x.privileges, x.on, v, x.line);
    for (const auto& to : x.to) {
      if (to == x.for_role) continue;
      for (const auto& p : privs) {
        bool& go = want_defaults[{x.for_role, x.schema, x.on}][to][p];
        go = go || x.grant_option;
      }
    }
  }
  std::vector<std::string> public_for;
  if (public_managed)
    for (const auto& x : f.defaults)
      if (x.database == db) public_for.push_back(x.for_role);
  const DefaultMap have_defaults = read_defaults(d, managed, public_for, public_managed);
  std::set<DefaultKey> dkeys;
  for (const auto& [k, m] : want_defaults)
    dkeys.insert(k);
  for (const auto& [k, m] : have_defaults)
    dkeys.insert(k);
  for (const auto& k : dkeys) {
    std::set<std::string> grantees;
    const auto wk = want_defaults.find(k);
    const auto hk = have_defaults.find(k);
    if (wk != want_defaults.end())
      for (const auto& [g, p] : wk->second)
        grantees.insert(g);
    if (hk != have_defaults.end())
      for (const auto& [g, p] : hk->second)
        grantees.insert(g);
    for (const auto& g : grantees) {
      static const Privs none;
      const Privs& want = wk != want_defaults.end() && wk->second.count(g) ? wk->second.at(g) : none;
      const Privs& have = hk != have_defaults.end() && hk->second.count(g) ? hk->second.at(g) : none;
      GrantSpec base;
      base.kind = upper(std::get<2>(k));
      base.default_for_role = std::get<0>(k);
      base.default_in_schema = std::get<1>(k);
      base.grantee = g;
      base.grantee_public = g == "public";
      diff_privs(want, have, base, g != "public" || public_managed, revokes, grants);
    }
  }
  for (const auto& s : revokes)
    out.push_back({db, s, true});
  for (const auto& s : grants)
    out.push_back({db, s, false});
}

}  // namespace

std::vector<PlannedStatement> plan_roles_file(Unit& u, const RolesFile& f, SessionKind kind) {
  std::vector<PlannedStatement> out;
  Session& s = u.session(kind);
  plan_roles(s, f, out);
  const std::set<std::string> dbs = databases_of(f);
  if (!dbs.empty()) {
    const std::vector<std::string> list(dbs.begin(), dbs.end());
    const std::string arr = text_array_literal(list);
    const Rows missing = s.exec(sql_text("privileges/missing_databases"), {arr.c_str()}, "looking up databases");
    if (!missing.empty()) {
      Error e = failure("database \"" + missing[0][0].str() + "\" named in the roles file does not exist");
      e.sqlstate = "3D000";
      throw e;
    }
  }
  for (const auto& db : dbs)
    plan_database(db == s.dbname() ? s : u.session(kind, db), db, f, out);
  return out;
}

namespace {

// One database's grants and default privileges to `names`, as the roles
// file spells them.
void read_database_grants(Session& d, const std::string& db, const std::vector<std::string>& names,
                          std::vector<DeclaredGrant>& grants, std::vector<DeclaredDefault>& defaults) {
  // One [[grant]] per object, grantee and grant option.
  for (const auto& [key, grantees] : read_acl(d, names)) {
    for (const auto& [grantee, privs] : grantees) {
      if (grantee == "public") continue;  // PUBLIC stays unmanaged: revoke_public = false
      for (const bool option : {false, true}) {
        DeclaredGrant g;
        g.database = db;
        const auto& [kind, schema, name, args] = key;
        g.on = kind;
        g.schema = kind == "schema" ? name : schema;
        if (kind != "database" && kind != "schema") g.name = name;
        g.args = args;
        for (const auto& [p, go] : privs)
          if (go == option) g.privileges.push_back(p);
        if (g.privileges.empty()) continue;
        g.to = {grantee};
        g.grant_option = option;
        grants.push_back(std::move(g));
      }
    }
  }
  for (const auto& [key, grantees] : read_defaults(d, names, {}, false)) {
    for (const auto& [grantee, privs] : grantees) {
      for (const bool option : {false, true}) {
        DeclaredDefault x;
        x.database = db;
        std::tie(x.for_role, x.schema, x.on) = key;
        for (const auto& [p, go] : privs)
          if (go == option) x.privileges.push_back(p);
        if (x.privileges.empty()) continue;
        x.to = {grantee};
        x.grant_option = option;
        defaults.push_back(std::move(x));
      }
    }
  }
}

}  // namespace

RolesFile export_roles_file(Unit& u, const std::vector<std::string>& roles, const std::vector<std::string>& databases) {
  Session& s = u.session(SessionKind::Catalog);
  RolesFile f;
  const auto now = read_roles(s, roles, roles.empty());
  for (const auto& r : roles)
    if (now.count(r) == 0) throw failure("role \"" + r + "\" does not exist");
  std::vector<std::string> names;
  for (const auto& [name, st] : now) {
    DeclaredRole d;
    d.name = name;
    d.login = st.login;
    d.superuser = st.superuser;
    d.createdb = st.createdb;
    d.createrole = st.createrole;
    d.replication = st.replication;
    d.bypassrls = st.bypassrls;
    d.inherit = st.inherit;
    d.connection_limit = st.connection_limit;
    d.member_of = st.member_of;
    f.roles.push_back(d);
    names.push_back(name);
  }
  std::vector<std::string> dbs = databases;
  if (dbs.empty())
    for (const auto& row : s.exec(sql_text("privileges/export_databases"), "listing databases"))
      dbs.push_back(row["name"].str());
  for (const auto& db : dbs)
    check_identifier("database", db);
  for (const auto& db : dbs) {
    std::vector<DeclaredGrant> grants;
    std::vector<DeclaredDefault> defaults;
    try {
      Session& d = db == s.dbname() ? s : u.session(SessionKind::Catalog, db);
      read_database_grants(d, db, names, grants, defaults);
    } catch (const Error&) {
      // A database listed here and dropped meanwhile is not part of the
      // state any more; one the user named must be readable.
      if (!databases.empty() || !u.database_gone(db)) throw;
      log::warn("database \"" + db + "\" was dropped while being read; skipped");
      continue;
    }
    f.databases[db] = false;
    std::move(grants.begin(), grants.end(), std::back_inserter(f.grants));
    std::move(defaults.begin(), defaults.end(), std::back_inserter(f.defaults));
  }
  return f;
}

}  // namespace pgdba
