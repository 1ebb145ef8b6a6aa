// index: list the indexes of a database and find the ones that cost writes
// for nothing (unused, duplicate, invalid); create and drop them without
// blocking writes (CONCURRENTLY by default), and clean up after a concurrent
// build that failed.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
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

// SQL text the user wrote on purpose (index create --where, --expression):
// sent as written, in parentheses so it stays one expression.
std::string user_sql(const std::string& text) {
  return "(" + text + ")";
}

struct IndexFindOptions {
  std::vector<std::string> schemas;
  void validate() const {
    for (const auto& s : schemas)
      check_identifier("schema", s);
  }
};

struct IndexListOptions {
  std::vector<std::string> schemas;
  std::string table;
  void validate() const {
    for (const auto& s : schemas)
      check_identifier("schema", s);
  }
};

const char* schemas_param(const std::vector<std::string>& schemas, std::string& storage) {
  if (schemas.empty()) return nullptr;
  storage = text_array_literal(schemas);
  return storage.c_str();
}

Result find_indexes(Unit& u, const std::vector<std::string>& schemas, const std::string& query,
                    const std::string& what) {
  Session& s = u.session();
  std::string arr;
  Table t = s.table(s.exec(sql_text(query, s.server_version()), {schemas_param(schemas, arr)}, what), "indexes");
  t.set_kind("size_bytes", Kind::Bytes);
  for (const auto& c : t.columns())
    if (c.name == "stats_age_seconds") t.set_kind(c.name, Kind::Seconds);
  return {t};
}

Result list_indexes(Unit& u, const IndexListOptions& o) {
  std::string table_oid;
  if (!o.table.empty()) table_oid = require_relation(u, o.table, "rmp", "table").oid;
  Session& s = u.session();
  std::string arr;
  Table t = s.table(
      s.exec(sql_text("objects/index_list", s.server_version()),
             {schemas_param(o.schemas, arr), table_oid.empty() ? nullptr : table_oid.c_str()}, "listing indexes"),
      "indexes");
  t.set_kind("size_bytes", Kind::Bytes);
  return {t};
}

struct IndexCreateOptions {
  std::string table, method = "btree", where, name;
  std::vector<std::string> columns, expressions, include;
  bool unique = false, no_concurrently = false, cleanup_invalid = false, if_not_exists = false;
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const {
    retry();
    if (table.empty()) throw usage_error("--table is required");
    if (columns.empty() == expressions.empty())
      throw usage_error("give the index keys with either --columns or --expression");
    for (const auto& e : expressions)
      if (e.find_first_not_of(" \t\n") == std::string::npos) throw usage_error("--expression is empty");
    if (!where.empty() && where.find_first_not_of(" \t\n") == std::string::npos) throw usage_error("--where is empty");
    if (unique && method != "btree") throw usage_error("--unique needs --method btree (the only one that enforces it)");
    if (!include.empty() && method != "btree" && method != "gist" && method != "spgist")
      throw usage_error("--include needs --method btree, gist or spgist");
    if (cleanup_invalid && no_concurrently)
      throw usage_error("--cleanup-invalid is for a concurrent build (a plain one leaves nothing behind)");
    if (if_not_exists && name.empty()) throw usage_error("--if-not-exists needs --name");
    if (!name.empty()) check_identifier("index", name);
  }
};

// The indexes of a table as oid -> (name, valid), read on the DDL session.
struct TableIndex {
  std::string oid, name;
  bool valid;
};
std::vector<TableIndex> table_indexes(Session& s, const std::string& table_oid) {
  std::vector<TableIndex> out;
  const Rows r = s.exec(sql_text("objects/table_indexes"), {table_oid.c_str()}, "listing the table's indexes");
  for (const auto& row : r)
    out.push_back({row["oid"].str(), row["name"].str(), row["valid"].as<bool>()});
  return out;
}

std::string build_create_index(const IndexCreateOptions& o, const RelationRef& rel, bool concurrently) {
  std::string sql = o.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  if (concurrently) sql += "CONCURRENTLY ";
  if (o.if_not_exists) sql += "IF NOT EXISTS ";
  if (!o.name.empty()) sql += quote_ident(o.name) + " ";
  sql += "ON " + quote_qualified(rel.schema, rel.name) + " USING " + quote_ident(o.method) + " (";
  std::string keys;
  for (const auto& c : split_names(o.columns, "column"))
    keys += (keys.empty() ? "" : ", ") + quote_ident(c);
  for (const auto& e : o.expressions)
    keys += (keys.empty() ? "" : ", ") + user_sql(e);
  sql += keys + ")";
  if (!o.include.empty()) {
    std::string inc;
    for (const auto& c : split_names(o.include, "column"))
      inc += (inc.empty() ? "" : ", ") + quote_ident(c);
    sql += " INCLUDE (" + inc + ")";
  }
  if (!o.where.empty()) sql += " WHERE " + user_sql(o.where);
  return sql;
}

Result create_index(Unit& u, const IndexCreateOptions& o) {
  const RelationRef rel = require_relation(u, o.table, "rmp", "table");
  const bool concurrently = !o.no_concurrently;
  Session& s = u.session();
  const auto before = table_indexes(s, rel.oid);
  const std::string sql = build_create_index(o, rel, concurrently);
  Table t = action_table();
  // The invalid indexes a failed concurrent build left, not there before.
  const auto leftovers = [&] {
    std::vector<std::string> left;
    for (const auto& ix : table_indexes(s, rel.oid)) {
      const bool existed =
          std::any_of(before.begin(), before.end(), [&](const TableIndex& b) { return b.oid == ix.oid; });
      if (!existed && !ix.valid) left.push_back(ix.name);
    }
    return left;
  };
  const LockRetry retry = o.retry();
  try {
    for (int attempt = 0;; ++attempt) {
      try {
        // A concurrent try that timed out left its invalid index: dropped
        // before the next (the drop itself waits for the same old
        // transactions, so it may time out too: then that is the try).
        if (attempt > 0 && concurrently)
          for (const auto& n : leftovers())
            u.ctx().mutate(s, "DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(rel.schema, n),
                           "dropping the invalid index \"" + n + "\" of the try that timed out");
        u.ctx().mutate(s, sql, "creating an index on " + rel.qualified());
        break;
      } catch (const Error& e) {
        if (e.sqlstate != "55P03" || attempt >= retry.retries || !s.is_open()) throw;
        log::warn("creating an index on " + rel.qualified() + ": lock not granted within the lock timeout, trying " +
                  "again (" + std::to_string(attempt + 1) + " of " + std::to_string(retry.retries) + ")");
        std::this_thread::sleep_for(std::chrono::duration<double>(retry.pause));
      }
    }
  } catch (const Error& e) {
    Error err = e;
    if (rel.kind == 'p' && concurrently)
      err.hint =
          "a partitioned table: build the index on each partition with --concurrently, then on the table "
          "itself with --no-concurrently (it then only attaches them)";
    if (!concurrently || !s.is_open()) throw err;
    // A concurrent build that fails part-way leaves an invalid index: it
    // serves no query but every write to the table still maintains it.
    const std::vector<std::string> left = leftovers();
    if (left.empty()) throw err;
    std::string names;
    for (const auto& n : left)
      names += (names.empty() ? "" : ", ") + quote_qualified(rel.schema, n);
    std::string suffix = "; the failed build left the invalid index " + names;
    if (o.cleanup_invalid) {
      for (const auto& n : left)
        u.ctx().mutate(s, "DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(rel.schema, n),
                       "dropping the invalid index \"" + n + "\"");
      suffix += ", now dropped (--cleanup-invalid)";
    } else {
      suffix += " behind";
      err.hint = "drop it with 'pgdba index drop " + quote_qualified(rel.schema, left.front()) +
                 "' or run again with --cleanup-invalid";
    }
    Error out(err.kind, std::string(err.what()) + suffix);
    out.sqlstate = err.sqlstate;
    out.severity = err.severity;
    out.detail = err.detail;
    out.hint = err.hint;
    out.target = err.target;
    throw out;
  }
  if (u.ctx().dry_run()) return {t};
  std::string created;
  for (const auto& ix : table_indexes(s, rel.oid)) {
    const bool existed =
        std::any_of(before.begin(), before.end(), [&](const TableIndex& b) { return b.oid == ix.oid; });
    if (!existed) created = ix.name;
  }
  if (created.empty()) {
    add_action(t, "create index", quote_qualified(rel.schema, o.name), "exists");
  } else {
    add_action(t, "create index", quote_qualified(rel.schema, created), "created");
  }
  return {t};
}

struct IndexDropOptions {
  std::string name;
  bool no_concurrently = false, if_exists = false;
  int retries = 0;
  std::string retry_pause = "1s";
  LockRetry retry() const { return lock_retry(retries, retry_pause); }
  void validate() const { retry(); }
};

Result drop_index(Unit& u, const IndexDropOptions& o) {
  Table t = action_table();
  const auto rel = find_relation(u, o.name);
  if (!rel || (rel->kind != 'i' && rel->kind != 'I')) {
    if (!rel && o.if_exists) {
      add_action(t, "drop index", o.name, "absent");
      return {t};
    }
    Error e = failure("index \"" + o.name + "\" does not exist in database \"" + u.session(SessionKind::User).dbname() +
                      "\"" + (rel ? " (it is " + with_article(relkind_name(rel->kind)) + ")" : ""));
    e.sqlstate = rel ? "42809" : "42704";
    throw e;
  }
  // DROP INDEX CONCURRENTLY cannot drop a partitioned index: the plain
  // DROP is the only one there is (it takes the table's lock briefly).
  const bool concurrently = !o.no_concurrently && rel->kind == 'i';
  u.ctx().confirm("drop index " + rel->qualified());
  Session& s = u.session();
  const std::string sql = concurrently ? "DROP INDEX CONCURRENTLY " + quote_qualified(rel->schema, rel->name)
                                       : "DROP INDEX " + quote_qualified(rel->schema, rel->name);
  mutate_retrying(u, s, sql, "dropping index " + rel->qualified(), o.retry());
  add_action(t, "drop index", rel->qualified(), "dropped");
  return {t};
}

}  // namespace

void register_index(CommandTable& table) {
  Noun noun = table.noun("index", "Indexes: list, find unused, duplicate and invalid ones, create and drop them");
  const std::string lock_note = " (sizes take each index's ACCESS SHARE lock: waits at most --lock-timeout, 5s)";

  noun.verb<IndexListOptions>("list", "Indexes with method, what they enforce, validity, size and scans" + lock_note,
                              {Need::Ddl, Effect::Read, 0, true})
      .option("-n,--schema", &IndexListOptions::schemas, "only indexes in this schema (repeat)")
      .option("--table", &IndexListOptions::table, "only the indexes of this table (as SQL spells it: app.\"Orders\")")
      .run(list_indexes);

  noun.verb<IndexFindOptions>(
          "invalid",
          "Invalid indexes: left by a failed CREATE INDEX or REINDEX CONCURRENTLY (they slow every write and "
          "serve no query), or being built now (building_now: leave those alone)" +
              lock_note,
          {Need::Ddl, Effect::Read, 0, true})
      .option("-n,--schema", &IndexFindOptions::schemas, "only indexes in this schema (repeat)")
      .run([](Unit& u, const IndexFindOptions& o) {
        return find_indexes(u, o.schemas, "objects/index_invalid", "finding invalid indexes");
      });

  noun.verb<IndexFindOptions>(
          "unused",
          "Indexes never scanned since the statistics were reset, largest first, with the age of the statistics; "
          "not those that enforce a primary key, unique or exclusion constraint, the replica identity or a "
          "partitioned index's parts. Scans on standbys are not counted here: check them too" +
              lock_note,
          {Need::Ddl, Effect::Read, 0, true})
      .option("-n,--schema", &IndexFindOptions::schemas, "only indexes in this schema (repeat)")
      .run([](Unit& u, const IndexFindOptions& o) {
        return find_indexes(u, o.schemas, "objects/index_unused", "finding unused indexes");
      });

  noun.verb<IndexFindOptions>(
          "duplicate",
          "Indexes another index of the same table makes redundant: the same keys, expressions, predicate and "
          "operator classes, or a btree index whose keys lead another's (prefix)" +
              lock_note,
          {Need::Ddl, Effect::Read, 0, true})
      .option("-n,--schema", &IndexFindOptions::schemas, "only indexes in this schema (repeat)")
      .run([](Unit& u, const IndexFindOptions& o) {
        return find_indexes(u, o.schemas, "objects/index_duplicate", "finding duplicate indexes");
      });

  noun.verb<IndexCreateOptions>(
          "create",
          "Create an index, CONCURRENTLY by default (writes go on meanwhile). A concurrent build that fails "
          "(duplicate keys for --unique, a lock not granted within --lock-timeout while it waits for older "
          "transactions) leaves an invalid index: pgdba names it, and drops it with --cleanup-invalid. "
          "--expression and --where take SQL text, sent to the server as written",
          {Need::Ddl, Effect::Change})
      .option("--table", &IndexCreateOptions::table, "the table to index, as SQL spells it (app.\"Orders\")")
      .option("--columns", &IndexCreateOptions::columns,
              "key columns, comma-separated (a name with a comma in double quotes: '\"a,b\",c'); repeatable")
      .option("--expression", &IndexCreateOptions::expressions,
              "a key expression in SQL, e.g. 'lower(email)' (repeat for several keys; instead of --columns)")
      .option("--method", &IndexCreateOptions::method, "access method (default btree)")
      .choices({"btree", "hash", "gin", "gist", "brin", "spgist"})
      .flag("--unique", &IndexCreateOptions::unique, "a unique index (btree)")
      .option("--where", &IndexCreateOptions::where, "a partial index: this SQL predicate, e.g. 'deleted_at IS NULL'")
      .option("--include", &IndexCreateOptions::include,
              "non-key columns to store in the index (INCLUDE), comma-separated")
      .option("--name", &IndexCreateOptions::name, "the index's name (default: PostgreSQL picks one from the table's)")
      .if_not_exists(&IndexCreateOptions::if_not_exists, "index")
      .flag("--no-concurrently", &IndexCreateOptions::no_concurrently,
            "build in one go under a SHARE lock (blocks writes to the table until done)")
      .flag("--cleanup-invalid", &IndexCreateOptions::cleanup_invalid,
            "if the concurrent build fails, drop the invalid index it left (DROP INDEX CONCURRENTLY)")
      .option("--retries", &IndexCreateOptions::retries,
              "when a lock is not granted within --lock-timeout, try again this many times (a concurrent try's "
              "invalid index is dropped first)")
      .option("--retry-pause", &IndexCreateOptions::retry_pause, "wait this long between tries (default 1s)")
      .run(create_index);

  noun.verb<IndexDropOptions>("drop",
                              "Drop an index, CONCURRENTLY by default (no lock that blocks reads or writes; a "
                              "partitioned index is dropped plainly) (asks first; --yes when not on a terminal)",
                              {Need::Ddl, Effect::Destroy})
      .arg("name", &IndexDropOptions::name, "the index, as SQL spells it (app.\"Orders_pkey\")")
      .flag("--no-concurrently", &IndexDropOptions::no_concurrently,
            "a plain DROP INDEX (takes the table's ACCESS EXCLUSIVE lock; works inside a transaction)")
      .if_exists(&IndexDropOptions::if_exists, "index")
      .option("--retries", &IndexDropOptions::retries,
              "when the lock is not granted within --lock-timeout, try again this many times")
      .option("--retry-pause", &IndexDropOptions::retry_pause, "wait this long between tries (default 1s)")
      .run(drop_index);
}

}  // namespace pgdba
