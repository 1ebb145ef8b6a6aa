// table create, drop, rename, truncate. Every statement runs on the DDL
// session (lock_timeout 5s unless --lock-timeout): a table busy with a long
// query makes the command fail fast instead of queueing every query behind it.
#include <string>
#include <vector>

#include "commands/objects/alter.hpp"
#include "commands/objects/cascade.hpp"
#include "commands/objects/relation.hpp"
#include "commands/objects/table.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct TableCreateOptions {
  std::string name, schema, partition_by;
  std::vector<std::string> columns, primary_key;
  bool if_not_exists = false, unlogged = false;
  void validate() const {
    if (columns.empty() && partition_by.empty() && primary_key.empty()) {
      // A table without columns is legal SQL but almost always a mistake.
      throw usage_error("give the table's columns with --column \"name type [constraints]\" (repeat)");
    }
    for (const auto& c : columns)
      parse_column_spec(c);
    if (!schema.empty()) check_identifier("schema", schema);
    if (!partition_by.empty() && partition_by.find_first_not_of(" \t\n") == std::string::npos)
      throw usage_error("--partition-by is empty");
    if (unlogged && !partition_by.empty()) throw usage_error("a partitioned table cannot be --unlogged");
  }
};

std::vector<std::string> strings_of(const Rows& r) {
  std::vector<std::string> out;
  for (const auto& row : r)
    out.push_back(row[0].str());
  return out;
}

Result create_table(Unit& u, const TableCreateOptions& o) {
  std::string schema = o.schema;
  if (schema.empty()) {
    const Rows r = u.session(SessionKind::User).exec(sql_text("objects/current_schema"), "finding the current schema");
    if (r[0][0].is_null()) throw failure("no schema on the search_path exists: give --schema");
    schema = r[0][0].str();
  }
  Session& s = u.session();
  Table t = action_table();
  const std::string qualified = quote_qualified(schema, o.name);
  if (o.if_not_exists) {
    const Rows r =
        s.exec(sql_text("objects/relation_exists"), {schema.c_str(), o.name.c_str()}, "looking up " + qualified);
    if (r[0][0].as<bool>()) {
      add_action(t, "create table", qualified, "exists");
      return {t};
    }
  }
  std::string body;
  for (const auto& spec : o.columns) {
    const ColumnSpec c = parse_column_spec(spec);
    body += (body.empty() ? "" : ", ") + quote_ident(c.name) + " " + user_sql_text(c.definition);
  }
  if (!o.primary_key.empty()) {
    std::string keys;
    for (const auto& k : split_names(o.primary_key, "column"))
      keys += (keys.empty() ? "" : ", ") + quote_ident(k);
    body += (body.empty() ? "" : ", ") + std::string("PRIMARY KEY (") + keys + ")";
  }
  std::string sql = o.unlogged ? "CREATE UNLOGGED TABLE " : "CREATE TABLE ";
  sql += quote_qualified(schema, o.name) + " (" + body + ")";
  if (!o.partition_by.empty()) sql += " PARTITION BY " + user_sql_text(o.partition_by);
  u.ctx().mutate(s, sql, "creating table " + qualified);
  add_action(t, "create table", qualified, "created");
  return {t};
}

struct TableDropOptions {
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const { retry(); }
  std::string name;
  bool cascade = false, if_exists = false;
};

Result drop_table(Unit& u, const TableDropOptions& o) {
  Table t = action_table();
  const auto rel = find_relation(u, o.name);
  if (!rel && o.if_exists) {
    add_action(t, "drop table", o.name, "absent");
    return {t};
  }
  const RelationRef r = require_relation(u, o.name, "rpf", "table");
  Session& s = u.session();
  const auto deps = strings_of(
      s.exec(sql_text("objects/table_dependents"), {r.oid.c_str()}, "finding what depends on " + r.qualified()));
  confirm_drop(u, relkind_name(r.kind) + " " + r.qualified(), deps, o.cascade);
  const std::string kw = r.kind == 'f' ? "DROP FOREIGN TABLE " : "DROP TABLE ";
  mutate_retrying(u, s, kw + r.qualified() + (o.cascade ? " CASCADE" : ""), "dropping " + r.qualified(), o.retry());
  add_cascaded(u, t, deps);
  add_action(t, "drop table", r.qualified(), "dropped");
  return {t};
}

struct TableRenameOptions {
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const { retry(); }
  std::string from, to;
};

Result rename_table(Unit& u, const TableRenameOptions& o) {
  const RelationRef r = require_relation(u, o.from, "rp", "table");
  Session& s = u.session();
  mutate_retrying(u, s, "ALTER TABLE " + quote_qualified(r.schema, r.name) + " RENAME TO " + quote_ident(o.to),
                  "renaming " + r.qualified(), o.retry());
  Table t = action_table();
  add_action(t, "rename table", r.qualified() + " -> " + quote_qualified(r.schema, o.to), "renamed");
  return {t};
}

struct TableTruncateOptions {
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const { retry(); }
  std::string name;
  std::vector<std::string> more;
  bool restart_identity = false, cascade = false;
};

Result truncate_tables(Unit& u, const TableTruncateOptions& o) {
  std::vector<RelationRef> rels{require_relation(u, o.name, "rp", "table")};
  for (const auto& n : o.more)
    rels.push_back(require_relation(u, n, "rp", "table"));
  Session& s = u.session();
  std::vector<std::string> also;
  if (o.cascade) {
    for (const auto& r : rels)
      for (const auto& d : strings_of(s.exec(sql_text("objects/table_referencing"), {r.oid.c_str()},
                                             "finding the tables referencing " + r.qualified())))
        also.push_back(d);
  }
  std::string list, also_list;
  for (const auto& r : rels)
    list += (list.empty() ? "" : ", ") + r.qualified();
  for (const auto& a : also)
    also_list += (also_list.empty() ? "" : ", ") + a;
  u.ctx().confirm("empty " + list + (also.empty() ? "" : " and, through foreign keys, " + also_list));
  if (u.ctx().dry_run())
    for (const auto& a : also)
      u.ctx().plan("-- empties too: " + a);
  std::string sql = "TRUNCATE TABLE ";
  std::string targets;
  for (const auto& r : rels)
    targets += (targets.empty() ? "" : ", ") + quote_qualified(r.schema, r.name);
  sql += targets;
  if (o.restart_identity) sql += " RESTART IDENTITY";
  if (o.cascade) sql += " CASCADE";
  mutate_retrying(u, s, sql, "truncating " + list, o.retry());
  Table t = action_table();
  for (const auto& r : rels)
    add_action(t, "truncate table", r.qualified(), "truncated");
  for (const auto& a : also)
    add_action(t, "truncate (cascade)", a, "truncated");
  return {t};
}

}  // namespace

void add_table_ddl_verbs(Noun& noun) {
  noun.verb<TableCreateOptions>(
          "create",
          "Create a table. --column takes \"name type [constraints]\": the name as written (in double quotes "
          "when it holds spaces), the type and constraints as SQL text sent to the server as written",
          {Need::Ddl, Effect::Change})
      .name_arg("name", &TableCreateOptions::name, "table", "the new table's name, as written (no case folding)")
      .option("--schema", &TableCreateOptions::schema, "its schema (default: the first of the search_path)")
      .option("--column", &TableCreateOptions::columns,
              "a column: \"name type [constraints]\", e.g. \"id bigint generated always as identity\" (repeat)")
      .option("--primary-key", &TableCreateOptions::primary_key, "primary key columns, comma-separated")
      .option("--partition-by", &TableCreateOptions::partition_by,
              "a partitioned table: the PARTITION BY spec as SQL, e.g. \"range (created_at)\"")
      .flag("--unlogged", &TableCreateOptions::unlogged, "an UNLOGGED table (not crash-safe, not replicated)")
      .if_not_exists(&TableCreateOptions::if_not_exists, "table")
      .run(create_table);

  noun.verb<TableDropOptions>(
          "drop",
          "Drop a table; names what else depends on it (views, other tables' foreign keys) and drops those "
          "only with --cascade (asks first; --yes when not on a terminal)",
          {Need::Ddl, Effect::Destroy})
      .arg("name", &TableDropOptions::name, "the table, as SQL spells it (app.\"Orders\")")
      .cascade(&TableDropOptions::cascade, "the views and foreign keys that depend on it")
      .if_exists(&TableDropOptions::if_exists, "table")

      .option("--retries", &TableDropOptions::retries,
              "when a lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &TableDropOptions::retry_pause, "wait this long between tries (default 1s)")
      .run(drop_table);

  noun.verb<TableRenameOptions>("rename", "Rename a table (it stays in its schema)", {Need::Ddl, Effect::Change})
      .arg("old", &TableRenameOptions::from, "the table, as SQL spells it (app.\"Orders\")")
      .name_arg("new", &TableRenameOptions::to, "new table", "the new name, as written (no case folding)")

      .option("--retries", &TableRenameOptions::retries,
              "when a lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &TableRenameOptions::retry_pause, "wait this long between tries (default 1s)")
      .run(rename_table);

  noun.verb<TableTruncateOptions>(
          "truncate",
          "Empty tables (TRUNCATE: takes an ACCESS EXCLUSIVE lock, waits at most --lock-timeout); --cascade "
          "names the tables it empties through foreign keys (asks first; --yes when not on a terminal)",
          {Need::Ddl, Effect::Destroy})
      .arg("name", &TableTruncateOptions::name, "the table, as SQL spells it (app.\"Orders\")")
      .args("more", &TableTruncateOptions::more, "more tables to empty in the same statement")
      .flag("--restart-identity", &TableTruncateOptions::restart_identity,
            "reset the sequences of their identity and serial columns")
      .cascade(&TableTruncateOptions::cascade, "(empty) the tables that reference them through foreign keys")

      .option("--retries", &TableTruncateOptions::retries,
              "when a lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &TableTruncateOptions::retry_pause, "wait this long between tries (default 1s)")
      .run(truncate_tables);
}

}  // namespace pgdba
