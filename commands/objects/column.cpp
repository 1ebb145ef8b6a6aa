// column add, drop, rename, set-type, set-default, drop-default,
// set-not-null, drop-not-null. Before changing anything each says what the
// change will do to the table: rewrite it (a new copy under an ACCESS
// EXCLUSIVE lock: every read and write waits), scan it (under that lock too),
// or only change the catalog. Whether a type change or a new column's
// default rewrites is asked of the server itself: the same ALTER runs first
// on an empty temporary copy of the table, in a transaction rolled back, and
// a new storage file means a rewrite. A rewrite or scan asks first (--yes),
// naming the table's size.
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

using Impact = AlterImpact;
using Analysis = AlterAnalysis;

// The column's current state; a missing column is a failure (42703).
Rows column_info(Session& s, const RelationRef& rel, const std::string& column, bool must_exist = true) {
  const Rows r =
      s.exec(sql_text("column/column_info"), {rel.oid.c_str(), column.c_str()}, "reading column \"" + column + "\"");
  if (r.empty() && must_exist) {
    Error e = failure("column \"" + column + "\" of " + rel.qualified() + " does not exist");
    e.sqlstate = "42703";
    throw e;
  }
  return r;
}

std::string object_name(const RelationRef& rel, const std::string& column) {
  return rel.qualified() + "." + quote_ident(column);
}

// --- add ---------------------------------------------------------------

struct ColumnAddOptions {
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const { retry(); }
  std::string table, column, type, default_sql;
  bool not_null = false, if_not_exists = false;
};

Result add_column(Unit& u, const ColumnAddOptions& o) {
  const RelationRef rel = require_relation(u, o.table, "rp", "table");
  Session& s = u.session();
  Table t = alter_table_result();
  const std::string obj = object_name(rel, o.column);
  if (!column_info(s, rel, o.column, false).empty()) {
    if (o.if_not_exists) {
      add_alter_row(t, "add column", obj, Impact::Catalog, "exists");
      return {t};
    }
    Error e = failure("column \"" + o.column + "\" of " + rel.qualified() + " already exists");
    e.sqlstate = "42701";
    throw e;
  }
  std::string clause = "ADD COLUMN " + quote_ident(o.column) + " " + user_sql_text(o.type);
  if (!o.default_sql.empty()) clause += " DEFAULT " + user_sql(o.default_sql);
  if (o.not_null) clause += " NOT NULL";
  Analysis a = probe_alter(s, rel, clause);
  if (a.impact == Impact::Rewrite) a.note = "the default is volatile: each row gets its own value";
  if (a.impact == Impact::Catalog && o.not_null && o.default_sql.empty()) {
    a.impact = Impact::Scan;
    a.note = "NOT NULL without a default: every existing row must be checked (fails if the table has rows)";
  }
  announce_alter(u, s, rel, a, t, obj);
  mutate_retrying(u, s, "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " " + clause, "adding column " + obj,
                  o.retry());
  add_alter_row(t, "add column", obj, a.impact, "added");
  return {t};
}

// --- drop, rename, defaults, drop-not-null: catalog only -------------------

struct ColumnDropOptions {
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const { retry(); }
  std::string table, column;
  bool cascade = false, if_exists = false;
};

Result drop_column(Unit& u, const ColumnDropOptions& o) {
  const RelationRef rel = require_relation(u, o.table, "rp", "table");
  Session& s = u.session();
  Table t = alter_table_result();
  const std::string obj = object_name(rel, o.column);
  if (column_info(s, rel, o.column, false).empty() && o.if_exists) {
    add_alter_row(t, "drop column", obj, Impact::Catalog, "absent");
    return {t};
  }
  column_info(s, rel, o.column);
  Analysis a;
  a.note = "the space is reclaimed only as rows are rewritten (VACUUM FULL, updates)";
  u.ctx().confirm("drop column " + obj + (o.cascade ? " and what depends on it" : ""));
  announce_alter(u, s, rel, a, t, obj);
  mutate_retrying(u, s,
                  "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " DROP COLUMN " + quote_ident(o.column) +
                      (o.cascade ? " CASCADE" : ""),
                  "dropping column " + obj, o.retry());
  add_alter_row(t, "drop column", obj, Impact::Catalog, "dropped");
  return {t};
}

struct ColumnRenameOptions {
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const { retry(); }
  std::string table, column, to;
};

Result rename_column(Unit& u, const ColumnRenameOptions& o) {
  const RelationRef rel = require_relation(u, o.table, "rpvmf", "table");
  Session& s = u.session();
  column_info(s, rel, o.column);
  Table t = alter_table_result();
  const std::string obj = object_name(rel, o.column);
  announce_alter(u, s, rel, Analysis{}, t, obj);
  mutate_retrying(u, s,
                  "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " RENAME COLUMN " + quote_ident(o.column) +
                      " TO " + quote_ident(o.to),
                  "renaming column " + obj, o.retry());
  add_alter_row(t, "rename column", obj + " -> " + quote_ident(o.to), Impact::Catalog, "renamed");
  return {t};
}

struct ColumnSetTypeOptions {
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const { retry(); }
  std::string table, column, type, using_sql;
};

Result set_column_type(Unit& u, const ColumnSetTypeOptions& o) {
  const RelationRef rel = require_relation(u, o.table, "rp", "table");
  Session& s = u.session();
  const Rows info = column_info(s, rel, o.column);
  Table t = alter_table_result();
  const std::string obj = object_name(rel, o.column);
  std::string clause = "ALTER COLUMN " + quote_ident(o.column) + " TYPE " + user_sql_text(o.type);
  if (!o.using_sql.empty()) clause += " USING " + user_sql(o.using_sql);
  Analysis a = probe_alter(s, rel, clause);
  a.note = info[0]["type"].str() + " -> " + o.type +
           (a.impact == Impact::Rewrite ? ": not binary-coercible, every row is converted"
            : a.impact == Impact::Scan  ? ": binary-coercible, but indexes on it are rebuilt from the whole table"
                                        : ": binary-coercible");
  announce_alter(u, s, rel, a, t, obj);
  mutate_retrying(u, s, "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " " + clause,
                  "changing the type of " + obj, o.retry());
  add_alter_row(t, "set column type", obj, a.impact, "changed");
  return {t};
}

struct ColumnDefaultOptions {
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const { retry(); }
  std::string table, column, default_sql;
};

Result set_column_default(Unit& u, const ColumnDefaultOptions& o, bool drop) {
  const RelationRef rel = require_relation(u, o.table, "rpvf", "table");
  Session& s = u.session();
  column_info(s, rel, o.column);
  Table t = alter_table_result();
  const std::string obj = object_name(rel, o.column);
  Analysis a;
  a.note = "existing rows keep their values; it applies to new rows";
  announce_alter(u, s, rel, a, t, obj);
  const std::string head =
      "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " ALTER COLUMN " + quote_ident(o.column);
  mutate_retrying(u, s, drop ? head + " DROP DEFAULT" : head + " SET DEFAULT " + user_sql(o.default_sql),
                  "setting the default of " + obj, o.retry());
  add_alter_row(t, drop ? "drop default" : "set default", obj, Impact::Catalog, drop ? "dropped" : "set");
  return {t};
}

struct ColumnNotNullOptions {
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const { retry(); }
  std::string table, column;
  bool direct = false;
};

Result drop_not_null(Unit& u, const ColumnNotNullOptions& o) {
  const RelationRef rel = require_relation(u, o.table, "rp", "table");
  Session& s = u.session();
  column_info(s, rel, o.column);
  Table t = alter_table_result();
  const std::string obj = object_name(rel, o.column);
  announce_alter(u, s, rel, Analysis{}, t, obj);
  mutate_retrying(u, s,
                  "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " ALTER COLUMN " + quote_ident(o.column) +
                      " DROP NOT NULL",
                  "dropping NOT NULL on " + obj, o.retry());
  add_alter_row(t, "drop not null", obj, Impact::Catalog, "dropped");
  return {t};
}

// SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, unless
// a valid CHECK (col IS NOT NULL) proves it already (12+). So by default:
// add that check NOT VALID (catalog only), VALIDATE it (a scan under SHARE
// UPDATE EXCLUSIVE: reads and writes go on), SET NOT NULL (catalog only
// now), and drop the check again.
Result set_not_null(Unit& u, const ColumnNotNullOptions& o) {
  const RelationRef rel = require_relation(u, o.table, "rp", "table");
  Session& s = u.session();
  const Rows info = column_info(s, rel, o.column);
  Table t = alter_table_result();
  const std::string obj = object_name(rel, o.column);
  if (info[0]["not_null"].as<bool>()) {
    add_alter_row(t, "set not null", obj, Impact::Catalog, "already not null");
    return {t};
  }
  const Rows checks =
      s.exec(sql_text("column/not_null_check"), {rel.oid.c_str(), o.column.c_str()}, "looking for a NOT NULL check");
  const std::string set = "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " ALTER COLUMN " +
                          quote_ident(o.column) + " SET NOT NULL";
  if (!checks.empty() || o.direct) {
    Analysis a;
    if (checks.empty()) {
      a.impact = Impact::Scan;
      a.note = "every row is checked for NULL (without --direct pgdba validates a CHECK first, without that lock)";
    } else {
      a.note = "the valid constraint " + quote_ident(checks[0][0].str()) + " proves it: no scan";
    }
    announce_alter(u, s, rel, a, t, obj);
    mutate_retrying(u, s, set, "setting NOT NULL on " + obj, o.retry());
    add_alter_row(t, "set not null", obj, a.impact, "set");
    return {t};
  }
  Analysis a;
  a.note = "a CHECK (" + quote_ident(o.column) +
           " IS NOT NULL) is added NOT VALID and validated first: that scan takes only a SHARE UPDATE EXCLUSIVE "
           "lock (reads and writes go on)";
  announce_alter(u, s, rel, a, t, obj);
  set_not_null_via_check(u, s, rel, o.column, t, o.retry());
  return {t};
}

}  // namespace

void register_column(CommandTable& table) {
  Noun noun = table.noun("column",
                         "Columns: add, drop, rename, change type, default and NOT NULL, saying first whether the "
                         "table is rewritten, scanned or only its catalog changes");
  const std::string tbl = "the table, as SQL spells it (app.\"Orders\")";
  const std::string col = "the column's name, as written (no case folding)";

  noun.verb<ColumnAddOptions>("add",
                              "Add a column; a volatile default rewrites the table (asks first with its size). "
                              "TYPE and --default are SQL text sent as written",
                              {Need::Ddl, Effect::Change})
      .arg("table", &ColumnAddOptions::table, tbl)
      .option("--retries", &ColumnAddOptions::retries,
              "when the table's lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &ColumnAddOptions::retry_pause, "wait this long between tries (default 1s)")
      .name_arg("column", &ColumnAddOptions::column, "column", col)
      .arg("type", &ColumnAddOptions::type, "its type, as SQL (e.g. \"numeric(12,2)\")")
      .option("--default", &ColumnAddOptions::default_sql, "a default expression in SQL, e.g. \"'none'\" or \"now()\"")
      .flag("--not-null", &ColumnAddOptions::not_null, "NOT NULL (give --default when the table has rows)")
      .if_not_exists(&ColumnAddOptions::if_not_exists, "column")
      .run(add_column);

  noun.verb<ColumnDropOptions>("drop", "Drop a column (catalog only) (asks first; --yes when not on a terminal)",
                               {Need::Ddl, Effect::Destroy})
      .arg("table", &ColumnDropOptions::table, tbl)
      .option("--retries", &ColumnDropOptions::retries,
              "when the table's lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &ColumnDropOptions::retry_pause, "wait this long between tries (default 1s)")
      .name_arg("column", &ColumnDropOptions::column, "column", col)
      .cascade(&ColumnDropOptions::cascade, "the views, indexes and constraints that use it")
      .if_exists(&ColumnDropOptions::if_exists, "column")
      .run(drop_column);

  noun.verb<ColumnRenameOptions>("rename", "Rename a column (catalog only)", {Need::Ddl, Effect::Change})
      .arg("table", &ColumnRenameOptions::table, tbl)
      .option("--retries", &ColumnRenameOptions::retries,
              "when the table's lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &ColumnRenameOptions::retry_pause, "wait this long between tries (default 1s)")
      .name_arg("column", &ColumnRenameOptions::column, "column", col)
      .name_arg("new", &ColumnRenameOptions::to, "new column", "the new name, as written")
      .run(rename_column);

  noun.verb<ColumnSetTypeOptions>(
          "set-type",
          "Change a column's type. Says first whether the table is rewritten (the server is asked: the change is "
          "tried on an empty copy) and asks then with the table's size. TYPE and --using are SQL text",
          {Need::Ddl, Effect::Change})
      .arg("table", &ColumnSetTypeOptions::table, tbl)
      .option("--retries", &ColumnSetTypeOptions::retries,
              "when the table's lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &ColumnSetTypeOptions::retry_pause, "wait this long between tries (default 1s)")
      .name_arg("column", &ColumnSetTypeOptions::column, "column", col)
      .arg("type", &ColumnSetTypeOptions::type, "the new type, as SQL (e.g. \"varchar(20)\")")
      .option("--using", &ColumnSetTypeOptions::using_sql, "how to convert, as an SQL expression (USING)")
      .run(set_column_type);

  noun.verb<ColumnDefaultOptions>("set-default",
                                  "Set a column's default for new rows (catalog only); the default is SQL text",
                                  {Need::Ddl, Effect::Change})
      .arg("table", &ColumnDefaultOptions::table, tbl)
      .option("--retries", &ColumnDefaultOptions::retries,
              "when the table's lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &ColumnDefaultOptions::retry_pause, "wait this long between tries (default 1s)")
      .name_arg("column", &ColumnDefaultOptions::column, "column", col)
      .arg("default", &ColumnDefaultOptions::default_sql, "the default expression, as SQL")
      .run([](Unit& u, const ColumnDefaultOptions& o) { return set_column_default(u, o, false); });

  noun.verb<ColumnDefaultOptions>("drop-default", "Drop a column's default (catalog only)", {Need::Ddl, Effect::Change})
      .arg("table", &ColumnDefaultOptions::table, tbl)
      .option("--retries", &ColumnDefaultOptions::retries,
              "when the table's lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &ColumnDefaultOptions::retry_pause, "wait this long between tries (default 1s)")
      .name_arg("column", &ColumnDefaultOptions::column, "column", col)
      .run([](Unit& u, const ColumnDefaultOptions& o) { return set_column_default(u, o, true); });

  noun.verb<ColumnNotNullOptions>(
          "set-not-null",
          "Make a column NOT NULL without a long blocking scan: a CHECK (col IS NOT NULL) is added NOT VALID, "
          "validated (reads and writes go on), then SET NOT NULL uses it and it is dropped again",
          {Need::Ddl, Effect::Change})
      .arg("table", &ColumnNotNullOptions::table, tbl)
      .option("--retries", &ColumnNotNullOptions::retries,
              "when the table's lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &ColumnNotNullOptions::retry_pause, "wait this long between tries (default 1s)")
      .name_arg("column", &ColumnNotNullOptions::column, "column", col)
      .flag("--direct", &ColumnNotNullOptions::direct,
            "a plain SET NOT NULL: scans the table under an ACCESS EXCLUSIVE lock (asks first with its size)")
      .run(set_not_null);

  noun.verb<ColumnNotNullOptions>("drop-not-null", "Allow NULL in a column (catalog only)", {Need::Ddl, Effect::Change})
      .arg("table", &ColumnNotNullOptions::table, tbl)
      .option("--retries", &ColumnNotNullOptions::retries,
              "when the table's lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &ColumnNotNullOptions::retry_pause, "wait this long between tries (default 1s)")
      .name_arg("column", &ColumnNotNullOptions::column, "column", col)
      .run(drop_not_null);
}

}  // namespace pgdba
