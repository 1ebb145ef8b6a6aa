// constraint list, add, drop. Adding takes the way that keeps the table
// usable: a primary key or unique constraint is built from a unique index
// made CONCURRENTLY (then attached: ADD CONSTRAINT ... USING INDEX); a
// foreign key or check is added NOT VALID (a brief lock, no scan) and then
// validated (a scan under SHARE UPDATE EXCLUSIVE: reads and writes go on).
#include <string>
#include <vector>

#include "commands/objects/alter.hpp"
#include "commands/objects/relation.hpp"
#include "src/command.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct ConstraintListOptions {
  std::string table;
  std::vector<std::string> schemas;
  void validate() const {
    for (const auto& s : schemas)
      check_identifier("schema", s);
  }
};

Result list_constraints(Unit& u, const ConstraintListOptions& o) {
  std::string oid;
  if (!o.table.empty()) oid = require_relation(u, o.table, "rpf", "table").oid;
  Session& s = u.session();
  const std::string arr = text_array_literal(o.schemas);
  return {s.table(
      s.exec(sql_text("constraint/list", s.server_version()),
             {oid.empty() ? nullptr : oid.c_str(), o.schemas.empty() ? nullptr : arr.c_str()}, "listing constraints"),
      "constraints")};
}

struct ConstraintAddOptions {
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  std::string table, name, check, exclusion, references, on_delete, on_update, validate_only;
  std::vector<std::string> primary_key, unique, foreign_key, referenced_columns;
  bool no_validate = false, deferrable = false;
  void validate() const {
    retry();
    const int kinds = !primary_key.empty() + !unique.empty() + !check.empty() + !foreign_key.empty() +
                      !exclusion.empty() + !validate_only.empty();
    if (kinds != 1)
      throw usage_error(
          "give exactly one of --primary-key, --unique, --check, --foreign-key, --exclusion, --validate-only");
    if (!foreign_key.empty() && references.empty()) throw usage_error("--foreign-key needs --references TABLE");
    if (foreign_key.empty() &&
        (!references.empty() || !referenced_columns.empty() || !on_delete.empty() || !on_update.empty()))
      throw usage_error("--references, --referenced-columns, --on-delete and --on-update go with --foreign-key");
    if (no_validate && check.empty() && foreign_key.empty())
      throw usage_error("--no-validate is for --check and --foreign-key (the others are checked as they are built)");
    if (!name.empty()) check_identifier("constraint", name);
    if (!validate_only.empty()) check_identifier("constraint", validate_only);
  }
};

std::string name_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + quote_ident(n);
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : "_") + n;
  return out;
}

const char* action_sql(const std::string& a) {
  if (a == "cascade") return "CASCADE";
  if (a == "restrict") return "RESTRICT";
  if (a == "set-null") return "SET NULL";
  if (a == "set-default") return "SET DEFAULT";
  return "NO ACTION";
}

bool constraint_exists(Session& s, const RelationRef& rel, const std::string& name, bool* validated = nullptr) {
  const Rows r =
      s.exec(sql_text("constraint/find"), {rel.oid.c_str(), name.c_str()}, "looking up constraint \"" + name + "\"");
  if (!r.empty() && validated != nullptr) *validated = r[0]["validated"].as<bool>();
  return !r.empty();
}

void validate_constraint(Unit& u, Session& s, const RelationRef& rel, const std::string& name, Table& t,
                         const LockRetry& retry) {
  mutate_retrying(u, s,
                  "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " VALIDATE CONSTRAINT " + quote_ident(name),
                  "validating constraint \"" + name + "\"", retry);
  add_alter_row(t, "validate constraint", quote_ident(name), AlterImpact::Catalog,
                "validated (scan under SHARE UPDATE EXCLUSIVE: reads and writes went on)");
}

// PRIMARY KEY / UNIQUE: CREATE UNIQUE INDEX CONCURRENTLY, then attach it.
// A primary key's nullable columns get NOT NULL first the non-blocking way.
void add_key(Unit& u, Session& s, const RelationRef& rel, const std::vector<std::string>& cols, bool primary,
             const std::string& name, bool deferrable, Table& t) {
  if (rel.kind == 'p') {
    // No concurrent build on a partitioned table: the plain statement.
    AlterAnalysis a;
    a.impact = AlterImpact::Scan;
    a.note = "a partitioned table: the unique index is built on each partition under a SHARE lock (writes wait)";
    announce_alter(u, s, rel, a, t, quote_ident(name));
    u.ctx().mutate(s,
                   "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " ADD CONSTRAINT " + quote_ident(name) +
                       (primary ? " PRIMARY KEY (" : " UNIQUE (") + name_list(cols) + ")" +
                       (deferrable ? " DEFERRABLE" : ""),
                   "adding constraint \"" + name + "\"");
    add_alter_row(t, "add constraint", quote_ident(name), AlterImpact::Scan, "added");
    return;
  }
  AlterAnalysis a;
  a.note = "the unique index is built CONCURRENTLY (writes go on), then attached with a brief lock";
  announce_alter(u, s, rel, a, t, quote_ident(name));
  if (primary) {
    for (const auto& c : cols) {
      const Rows info =
          s.exec(sql_text("column/column_info"), {rel.oid.c_str(), c.c_str()}, "reading column \"" + c + "\"");
      if (info.empty()) {
        Error e = failure("column \"" + c + "\" of " + rel.qualified() + " does not exist");
        e.sqlstate = "42703";
        throw e;
      }
      if (!info[0]["not_null"].as<bool>()) set_not_null_via_check(u, s, rel, c, t);
    }
  }
  try {
    u.ctx().mutate(s,
                   "CREATE UNIQUE INDEX CONCURRENTLY " + quote_ident(name) + " ON " +
                       quote_qualified(rel.schema, rel.name) + " (" + name_list(cols) + ")",
                   "building the unique index \"" + name + "\"");
  } catch (const Error& e) {
    // A failed concurrent build leaves an invalid index of that name: ours,
    // and useless; drop it so that a second try can use the name.
    const Rows r = s.is_open() ? s.exec(sql_text("constraint/index_state"), {rel.schema.c_str(), name.c_str()},
                                        "looking for the index left behind")
                               : Rows();
    if (!r.empty() && !r[0]["valid"].as<bool>()) {
      try {
        u.ctx().mutate(s, "DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(rel.schema, name),
                       "dropping the invalid index the failed build left");
      } catch (const Error& drop) {
        log::warn("could not drop the invalid index " + quote_qualified(rel.schema, name) + ": " + drop.what());
      }
    }
    throw;
  }
  add_alter_row(t, "create unique index concurrently", quote_ident(name), AlterImpact::Catalog, "built");
  u.ctx().mutate(s,
                 "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " ADD CONSTRAINT " + quote_ident(name) +
                     (primary ? " PRIMARY KEY USING INDEX " : " UNIQUE USING INDEX ") + quote_ident(name) +
                     (deferrable ? " DEFERRABLE" : ""),
                 "attaching the index as constraint \"" + name + "\"");
  add_alter_row(t, "add constraint", quote_ident(name), AlterImpact::Catalog, "added (using the index)");
}

Result add_constraint(Unit& u, const ConstraintAddOptions& o) {
  const RelationRef rel = require_relation(u, o.table, "rp", "table");
  Session& s = u.session();
  Table t = alter_table_result();

  if (!o.validate_only.empty()) {
    bool validated = false;
    if (!constraint_exists(s, rel, o.validate_only, &validated)) {
      Error e = failure("constraint \"" + o.validate_only + "\" of " + rel.qualified() + " does not exist");
      e.sqlstate = "42704";
      throw e;
    }
    if (validated) {
      add_alter_row(t, "validate constraint", quote_ident(o.validate_only), AlterImpact::Catalog, "already valid");
      return {t};
    }
    validate_constraint(u, s, rel, o.validate_only, t, o.retry());
    return {t};
  }

  const auto pk = split_names(o.primary_key, "column");
  const auto uq = split_names(o.unique, "column");
  const auto fk = split_names(o.foreign_key, "column");
  std::string name = o.name;
  if (name.empty()) {
    // PostgreSQL's own default names (without its numbering on a clash).
    if (!pk.empty()) name = rel.name + "_pkey";
    if (!uq.empty()) name = rel.name + "_" + joined(uq) + "_key";
    if (!fk.empty()) name = rel.name + "_" + joined(fk) + "_fkey";
    if (!o.check.empty()) name = rel.name + "_check";
    if (!o.exclusion.empty()) name = rel.name + "_excl";
    name = fit_identifier(name);
  }
  if (constraint_exists(s, rel, name)) {
    Error e = failure("constraint \"" + name + "\" of " + rel.qualified() + " already exists");
    e.sqlstate = "42710";
    if (o.name.empty()) e.hint = "give another with --name";
    throw e;
  }

  if (!pk.empty() || !uq.empty()) {
    add_key(u, s, rel, pk.empty() ? uq : pk, !pk.empty(), name, o.deferrable, t);
    return {t};
  }
  if (!o.exclusion.empty()) {
    AlterAnalysis a;
    a.impact = AlterImpact::Scan;
    a.note = "an exclusion constraint's index is built under the ALTER's lock: there is no concurrent way";
    announce_alter(u, s, rel, a, t, quote_ident(name));
    mutate_retrying(u, s,
                    "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " ADD CONSTRAINT " + quote_ident(name) +
                        " EXCLUDE " + user_sql_text(o.exclusion) + (o.deferrable ? " DEFERRABLE" : ""),
                    "adding constraint \"" + name + "\"", o.retry());
    add_alter_row(t, "add constraint", quote_ident(name), AlterImpact::Scan, "added");
    return {t};
  }

  // CHECK or FOREIGN KEY: NOT VALID first, then VALIDATE.
  std::string body;
  if (!o.check.empty()) {
    body = "CHECK " + user_sql(o.check);
  } else {
    const RelationRef ref = require_relation(u, o.references, "rp", "referenced table");
    const auto refcols = split_names(o.referenced_columns, "column");
    body = "FOREIGN KEY (" + name_list(fk) + ") REFERENCES " + quote_qualified(ref.schema, ref.name);
    if (!refcols.empty()) body += " (" + name_list(refcols) + ")";
    if (!o.on_delete.empty()) body += std::string(" ON DELETE ") + action_sql(o.on_delete);
    if (!o.on_update.empty()) body += std::string(" ON UPDATE ") + action_sql(o.on_update);
    if (o.deferrable) body += " DEFERRABLE";
  }
  AlterAnalysis a;
  a.note = o.no_validate ? "added NOT VALID: new rows are checked, existing ones not (validate later with "
                           "--validate-only)"
                         : "added NOT VALID (no scan), then validated: the scan takes only a SHARE UPDATE EXCLUSIVE "
                           "lock (reads and writes go on)";
  announce_alter(u, s, rel, a, t, quote_ident(name));
  mutate_retrying(u, s,
                  "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " ADD CONSTRAINT " + quote_ident(name) +
                      " " + body + " NOT VALID",
                  "adding constraint \"" + name + "\"", o.retry());
  add_alter_row(t, "add constraint", quote_ident(name), AlterImpact::Catalog, "added NOT VALID");
  if (o.no_validate) return {t};
  try {
    validate_constraint(u, s, rel, name, t, o.retry());
  } catch (const Error& e) {
    Error err = e;
    err.hint =
        "the constraint stays NOT VALID (new rows are checked): fix the existing rows, then run 'pgdba "
        "constraint add " +
        rel.qualified() + " --validate-only " + quote_ident(name) + "'";
    throw err;
  }
  return {t};
}

struct ConstraintDropOptions {
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const { retry(); }
  std::string table, name;
  bool cascade = false, if_exists = false;
};

Result drop_constraint(Unit& u, const ConstraintDropOptions& o) {
  const RelationRef rel = require_relation(u, o.table, "rpf", "table");
  Session& s = u.session();
  Table t = alter_table_result();
  if (!constraint_exists(s, rel, o.name)) {
    if (o.if_exists) {
      add_alter_row(t, "drop constraint", quote_ident(o.name), AlterImpact::Catalog, "absent");
      return {t};
    }
    Error e = failure("constraint \"" + o.name + "\" of " + rel.qualified() + " does not exist");
    e.sqlstate = "42704";
    throw e;
  }
  u.ctx().confirm("drop constraint \"" + o.name + "\" of " + rel.qualified());
  announce_alter(u, s, rel, AlterAnalysis{}, t, quote_ident(o.name));
  mutate_retrying(u, s,
                  "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " DROP CONSTRAINT " + quote_ident(o.name) +
                      (o.cascade ? " CASCADE" : ""),
                  "dropping constraint \"" + o.name + "\"", o.retry());
  add_alter_row(t, "drop constraint", quote_ident(o.name), AlterImpact::Catalog, "dropped");
  return {t};
}

}  // namespace

void register_constraint(CommandTable& table) {
  Noun noun = table.noun("constraint",
                         "Constraints: list; add keys from concurrently built indexes and foreign keys and checks "
                         "NOT VALID then validated; drop");
  const std::string tbl = "the table, as SQL spells it (app.\"Orders\")";

  noun.verb<ConstraintListOptions>("list",
                                   "Constraints of the database's tables (or one's): type, definition, validated, "
                                   "deferrable, index, referenced table",
                                   {Need::Catalog, Effect::Read, 0, true})
      .option("--table", &ConstraintListOptions::table, "only this table's")
      .option("-n,--schema", &ConstraintListOptions::schemas, "only tables in this schema (repeat)")
      .run(list_constraints);

  noun.verb<ConstraintAddOptions>(
          "add",
          "Add a constraint the non-blocking way: --primary-key/--unique from a unique index built CONCURRENTLY; "
          "--foreign-key/--check added NOT VALID, then validated without blocking writes; --exclusion (no "
          "concurrent way: asks first). --check and --exclusion are SQL text sent as written",
          {Need::Ddl, Effect::Change})
      .arg("table", &ConstraintAddOptions::table, tbl)
      .option("--name", &ConstraintAddOptions::name, "the constraint's name (default: PostgreSQL's usual one)")
      .option("--primary-key", &ConstraintAddOptions::primary_key, "a primary key on these columns, comma-separated")
      .option("--unique", &ConstraintAddOptions::unique, "a unique constraint on these columns, comma-separated")
      .option("--check", &ConstraintAddOptions::check, "a check: this SQL boolean expression")
      .option("--foreign-key", &ConstraintAddOptions::foreign_key, "a foreign key on these columns, comma-separated")
      .option("--references", &ConstraintAddOptions::references, "the table the foreign key references")
      .option("--referenced-columns", &ConstraintAddOptions::referenced_columns,
              "its columns (default: its primary key)")
      .option("--on-delete", &ConstraintAddOptions::on_delete, "what deleting a referenced row does")
      .choices({"no-action", "restrict", "cascade", "set-null", "set-default"})
      .option("--on-update", &ConstraintAddOptions::on_update, "what updating a referenced key does")
      .choices({"no-action", "restrict", "cascade", "set-null", "set-default"})
      .option(
          "--exclusion", &ConstraintAddOptions::exclusion,
          "an exclusion constraint: what follows EXCLUDE, as SQL, e.g. \"using gist (room with =, during with &&)\"")
      .flag("--deferrable", &ConstraintAddOptions::deferrable, "DEFERRABLE (checked at commit when deferred)")
      .flag("--no-validate", &ConstraintAddOptions::no_validate,
            "leave a --check or --foreign-key NOT VALID (existing rows unchecked)")
      .option("--validate-only", &ConstraintAddOptions::validate_only,
              "only validate this NOT VALID constraint (a scan that lets reads and writes go on)")

      .option("--retries", &ConstraintAddOptions::retries,
              "when a lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &ConstraintAddOptions::retry_pause, "wait this long between tries (default 1s)")
      .run(add_constraint);

  noun.verb<ConstraintDropOptions>("drop", "Drop a constraint (asks first; --yes when not on a terminal)",
                                   {Need::Ddl, Effect::Destroy})
      .arg("table", &ConstraintDropOptions::table, tbl)
      .arg("name", &ConstraintDropOptions::name, "the constraint's name")
      .cascade(&ConstraintDropOptions::cascade, "the objects that depend on it (other tables' foreign keys on a key)")
      .if_exists(&ConstraintDropOptions::if_exists, "constraint")

      .option("--retries", &ConstraintDropOptions::retries,
              "when a lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &ConstraintDropOptions::retry_pause, "wait this long between tries (default 1s)")
      .run(drop_constraint);
}

}  // namespace pgdba
