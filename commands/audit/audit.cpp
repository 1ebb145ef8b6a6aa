// pgdba audit report: the security audit, judged remotely through the
// connection only (catalogs, pg_settings, pg_hba_file_rules and pg_authid
// where the role may read them). Controls are data (controls.cpp), their
// SQL is in sql/audit/. A control the role cannot judge is a finding of its
// own (severity info, "cannot be judged: needs ..."), never skipped.
//
// The fan-out over databases is done here rather than by the runner:
// server-wide controls report once per server with an empty database
// column, which the runner's per-database merge (one database column per
// unit) cannot express. Targets still fan out through the runner.
#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "commands/audit/audit.hpp"
#include "commands/audit/controls.hpp"
#include "src/config.hpp"
#include "src/context.hpp"
#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

// Waivers (--skip or the config file's [audit] skip): `where` names them
// in the usage error for a malformed or unknown id.
void check_skip_ids(const std::vector<std::string>& ids, const std::string& where) {
  for (const auto& id : ids) {
    if (!is_audit_id(id))
      throw usage_error(where + ": \"" + id +
                        "\" is not a finding id (PGDBA-SEC-NNN; 'pgdba audit controls' lists them)");
    if (find_audit_control(id) == nullptr)
      throw usage_error(where + ": no control " + id + " ('pgdba audit controls' lists them)");
  }
}

struct AuditReportOptions {
  bool all_databases = false;
  std::vector<std::string> exclude;
  std::vector<std::string> skip;
  std::string max_password_age;
  void validate() const {
    check_skip_ids(skip, "--skip");
    if (!max_password_age.empty() && parse_duration("--max-password-age", max_password_age) <= 0)
      throw usage_error("--max-password-age must be more than 0");
    if (!exclude.empty() && !all_databases) throw usage_error("--exclude-database needs --all-databases");
  }
};

struct Finding {
  const AuditControl* control;
  std::optional<std::string> database;  // nullopt: server-wide
  std::string object, finding;
  bool unknown = false;  // could not be judged: severity info
};

// What the connected role may read (sql/audit/probe.sql).
struct Readable {
  bool authid = false, hba = false, settings = false;
};

const char* needs_text(const std::string& query) {
  if (query == "audit/passwords") return "cannot be judged: needs SELECT on pg_catalog.pg_authid (superuser)";
  if (query == "audit/hba") return "cannot be judged: needs SELECT on pg_catalog.pg_hba_file_rules (superuser)";
  return "cannot be judged";
}

void unknown_for_query(const std::string& query, std::vector<Finding>& out) {
  for (const auto& c : audit_controls())
    if (query == c.query) out.push_back(Finding{&c, std::nullopt, "", needs_text(query), true});
}

// Runs one audit query and turns its rows (id, object, finding) into findings.
void run_query(Session& s, const std::string& query, const Params& params, const std::optional<std::string>& db,
               std::vector<Finding>& out) {
  const Rows rows = s.exec(sql_text(query, s.server_version()), params, "auditing (" + query + ")");
  for (const auto& r : rows) {
    const AuditControl* c = find_audit_control(r[0].str());
    if (c == nullptr) throw std::logic_error("sql/" + query + ".sql returned an unknown control " + r[0].str());
    out.push_back(Finding{c, db, r[1].str(), r[2].str(), false});
  }
}

// Settings controls whose parameter the role may not see: pg_settings
// leaves out a superuser-only parameter for a role without
// pg_read_all_settings, and it cannot be told from one this server lacks.
void unknown_settings(Session& s, const Readable& can, std::vector<Finding>& out) {
  if (can.settings) return;
  std::vector<std::string> names;
  for (const auto& c : audit_controls()) {
    const std::string list = c.settings;
    for (std::size_t b = 0, e; !list.empty() && b <= list.size(); b = e + 1) {
      e = list.find(',', b);
      if (e == std::string::npos) e = list.size();
      names.push_back(list.substr(b, e - b));
    }
  }
  const std::string arr = text_array_literal(names);
  std::set<std::string> seen;
  for (const auto& r :
       s.exec(sql_text("audit/visible_settings"), {arr.c_str()}, "reading which parameters are visible"))
    seen.insert(r[0].str());
  for (const auto& c : audit_controls()) {
    const std::string list = c.settings;
    if (list.empty()) continue;
    std::string hidden;
    for (std::size_t b = 0, e; b <= list.size(); b = e + 1) {
      e = list.find(',', b);
      if (e == std::string::npos) e = list.size();
      const std::string name = list.substr(b, e - b);
      if (seen.count(name) == 0) hidden += (hidden.empty() ? "" : ", ") + name;
    }
    // db_user_namespace went away in 17: absent there for everyone.
    if (hidden.empty() || (hidden == "db_user_namespace" && s.server_version() >= 170000)) continue;
    out.push_back(
        Finding{&c, std::nullopt, hidden, "cannot be judged: needs pg_read_all_settings to see " + hidden, true});
  }
}

void server_findings(Session& s, const Readable& can, const AuditReportOptions& o, std::vector<Finding>& out) {
  if (can.authid) {
    run_query(s, "audit/passwords", {}, std::nullopt, out);
  } else {
    unknown_for_query("audit/passwords", out);
  }
  if (can.hba) {
    run_query(s, "audit/hba", {}, std::nullopt, out);
  } else {
    unknown_for_query("audit/hba", out);
  }
  const std::string age =
      o.max_password_age.empty() ? "" : std::to_string(parse_duration("--max-password-age", o.max_password_age));
  run_query(s, "audit/roles", {age.empty() ? nullptr : age.c_str()}, std::nullopt, out);
  run_query(s, "audit/databases", {}, std::nullopt, out);
  run_query(s, "audit/settings", {}, std::nullopt, out);
  unknown_settings(s, can, out);
}

void database_findings(Session& s, const std::string& db, std::vector<Finding>& out) {
  for (const char* q : {"audit/privileges", "audit/functions", "audit/extensions", "audit/rls"})
    run_query(s, q, {}, db, out);
}

bool excluded_db(const std::string& db, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return fnmatch(p.c_str(), db.c_str(), 0) == 0; });
}

Table findings_table() {
  return Table("findings", {Column{"id", Kind::Text, Kind::Text}, Column{"severity", Kind::Text, Kind::Text},
                            Column{"category", Kind::Text, Kind::Text}, Column{"database", Kind::Text, Kind::Text},
                            Column{"object", Kind::Text, Kind::Text}, Column{"finding", Kind::Text, Kind::Text},
                            Column{"recommendation", Kind::Text, Kind::Text}});
}

// The config file's waivers, checked before any connection.
std::vector<std::string> config_skip(Context& ctx) {
  const std::shared_ptr<const Config> cfg =
      ctx.options().config ? ctx.options().config : std::make_shared<const Config>(load_config());
  check_skip_ids(cfg->audit_skip, "config file " + cfg->path + ": [audit] skip");
  return cfg->audit_skip;
}

}  // namespace

std::vector<AuditFinding> audit_findings(Session& s) {
  const Config cfg = load_config();
  check_skip_ids(cfg.audit_skip, "config file " + cfg.path + ": [audit] skip");
  const Rows probe = s.exec(sql_text("audit/probe"), "reading what the role may see");
  const Readable can{probe[0]["authid"].as<bool>(), probe[0]["hba"].as<bool>(), probe[0]["settings"].as<bool>()};
  std::vector<Finding> found;
  server_findings(s, can, AuditReportOptions{}, found);
  database_findings(s, probe[0]["database"].str(), found);
  const std::set<std::string> skip(cfg.audit_skip.begin(), cfg.audit_skip.end());
  std::vector<AuditFinding> out;
  for (const auto& f : found) {
    if (skip.count(f.control->id) > 0) continue;
    out.push_back(AuditFinding{f.control->id, f.unknown ? "info" : f.control->severity, f.database.value_or(""),
                               f.object, f.finding});
  }
  return out;
}

namespace {

Result audit_report(Unit& u, const AuditReportOptions& o) {
  const std::vector<std::string> waived = config_skip(u.ctx());
  Session& s = u.session();
  const Rows probe = s.exec(sql_text("audit/probe"), "reading what the role may see");
  Readable can{probe[0]["authid"].as<bool>(), probe[0]["hba"].as<bool>(), probe[0]["settings"].as<bool>()};
  std::vector<Finding> found;
  server_findings(s, can, o, found);
  if (!o.all_databases) {
    database_findings(s, probe[0]["database"].str(), found);
  } else {
    int failed = 0;
    for (const auto& r : s.exec(sql_text("core/list_fanout_databases", s.server_version()), "listing databases")) {
      const std::string db = r[0].str();
      if (excluded_db(db, o.exclude)) continue;
      std::vector<Finding> here;  // whole or not at all
      try {
        std::unique_ptr<Session> other = u.ctx().open_session(u.target(), SessionKind::Catalog, db);
        database_findings(*other, db, here);
        found.insert(found.end(), here.begin(), here.end());
      } catch (const Error& e) {
        // Dropped since it was listed, or while it was read (DROP DATABASE
        // ... WITH (FORCE) ends the sessions in it first): nothing to audit.
        if (e.sqlstate == "3D000" || u.database_gone(db)) {
          log::warn("database \"" + db + "\": skipped: " + e.what());
          continue;
        }
        log::error("database \"" + db + "\": " + e.what());
        ++failed;
      }
    }
    if (failed > 0) u.ctx().set_exit_code(static_cast<int>(ErrorKind::Partial));
  }
  std::set<std::string> skip(o.skip.begin(), o.skip.end());
  skip.insert(waived.begin(), waived.end());
  found.erase(
      std::remove_if(found.begin(), found.end(), [&](const Finding& f) { return skip.count(f.control->id) > 0; }),
      found.end());
  const auto severity = [](const Finding& f) { return f.unknown ? std::string("info") : f.control->severity; };
  std::stable_sort(found.begin(), found.end(), [&](const Finding& a, const Finding& b) {
    const int ra = severity_rank(severity(a)), rb = severity_rank(severity(b));
    if (ra != rb) return ra < rb;
    const int ids = std::string(a.control->id).compare(b.control->id);
    if (ids != 0) return ids < 0;
    if (a.database != b.database) return a.database.value_or("") < b.database.value_or("");
    return a.object < b.object;
  });
  Table t = findings_table();
  for (const auto& f : found) {
    t.add_row({f.control->id, severity(f), f.control->category, f.database,
               f.object.empty() ? std::nullopt : std::optional<std::string>(f.object), f.finding,
               f.unknown ? std::optional<std::string>("connect as a superuser (or grant what it needs) to judge it")
                         : std::optional<std::string>(f.control->recommendation)});
  }
  return {t};
}

Result list_controls(Unit&, const NoOptions&) {
  Table t("controls", {Column{"id", Kind::Text, Kind::Text}, Column{"severity", Kind::Text, Kind::Text},
                       Column{"category", Kind::Text, Kind::Text}, Column{"scope", Kind::Text, Kind::Text},
                       Column{"control", Kind::Text, Kind::Text}, Column{"recommendation", Kind::Text, Kind::Text}});
  for (const auto& c : audit_controls()) {
    t.add_row({c.id, c.severity, c.category, c.scope == AuditScope::Server ? "server" : "database", c.title,
               c.recommendation});
  }
  return {t};
}

}  // namespace

void register_audit(CommandTable& table) {
  Noun audit = table.noun("audit", "Security audit: findings against CIS-style controls, and the server's logging");

  audit
      .verb<AuditReportOptions>(
          "report",
          "Security findings, judged remotely through the connection: id, severity (critical, high, medium, low, "
          "info), category, database (empty for server-wide controls), object, finding, recommendation. Finding ids "
          "are stable; a control the role cannot judge (pg_authid, pg_hba_file_rules, superuser-only parameters) is "
          "reported as an info finding saying what it needs. Exits 0 when the report ran, whatever it found. "
          "The controls ('pgdba audit controls' lists them with their recommendations):" +
              audit_controls_text(),
          {Need::Catalog, Effect::Read})
      .flag("--all-databases", &AuditReportOptions::all_databases,
            "judge the per-database controls (privileges, functions, extensions, RLS) in every database that "
            "accepts connections; server-wide controls still report once")
      .option("--exclude-database", &AuditReportOptions::exclude,
              "with --all-databases, skip databases matching this shell pattern (repeatable)")
      .option("--skip", &AuditReportOptions::skip,
              "leave out the findings of this control id (repeatable): a waiver; the config file's [audit] skip = "
              "[\"PGDBA-SEC-NNN\", ...] adds standing ones")
      .option("--max-password-age", &AuditReportOptions::max_password_age,
              "password age policy (90d, 2160h): flags login roles without VALID UNTIL or valid beyond it")
      .run(audit_report);

  audit
      .verb<NoOptions>("controls", "The audit's controls: id, severity, category, scope, what it flags, recommendation",
                       {Need::None, Effect::Read})
      .run(list_controls);

  add_audit_logging_verb(audit);
}

}  // namespace pgdba
