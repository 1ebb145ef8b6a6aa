#include "commands/objects/alter.hpp"

#include <optional>
#include <utility>
#include <vector>

#include <chrono>
#include <thread>

#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/format.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

long long table_bytes(Session& s, const RelationRef& rel) {
  const Rows r = s.exec(sql_text("column/table_size"), {rel.oid.c_str()}, "measuring " + rel.qualified());
  return r[0][0].as<long long>();
}

// name -> filenode of a relation and its indexes.
std::vector<std::pair<std::string, std::string>> files_of(Session& s, const std::string& oid) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : s.exec(sql_text("column/probe_files"), {oid.c_str()}, "reading storage files"))
    out.emplace_back(row["kind"].str() + ":" + row["name"].str(), row["filenode"].str());
  return out;
}

}  // namespace

const char* impact_name(AlterImpact i) {
  switch (i) {
    case AlterImpact::Rewrite:
      return "rewrite";
    case AlterImpact::Scan:
      return "scan";
    default:
      return "catalog-only";
  }
}

// Runs `clause` (what follows ALTER TABLE name) on an empty temporary copy
// of `rel` inside a transaction that is rolled back, and tells from the
// storage files whether it rewrote the copy and rebuilt its indexes. A clause
// the server refuses fails here, before the real table is touched.
AlterAnalysis probe_alter(Session& s, const RelationRef& rel, const std::string& clause) {
  AlterAnalysis a;
  Transaction tx(s, "starting the trial on an empty copy");
  const std::string copy = "pgdba_probe_" + std::to_string(s.backend_pid());
  s.exec("CREATE TEMP TABLE " + quote_ident(copy) + " (LIKE " + quote_qualified(rel.schema, rel.name) +
             " INCLUDING ALL) ON COMMIT DROP",
         "copying the definition of " + rel.qualified());
  const std::string copy_name = quote_qualified("pg_temp", copy);
  const Rows r = s.exec(sql_text("objects/resolve_relation"), {copy_name.c_str()}, "finding the copy");
  const std::string oid = r[0]["oid"].str();
  const auto before = files_of(s, oid);
  try {
    s.exec("ALTER TABLE " + quote_qualified("pg_temp", copy) + " " + clause, "trying the change");
  } catch (const Error& e) {
    tx.rollback();
    throw with_prefix(e, "the change fails on an empty copy of " + rel.qualified() + ", so nothing was changed");
  }
  const auto after = files_of(s, oid);
  for (const auto& [name, node] : before) {
    for (const auto& [name2, node2] : after) {
      if (name != name2 || node == node2) continue;
      if (name.rfind("r:", 0) == 0)
        a.impact = AlterImpact::Rewrite;
      else
        ++a.indexes_rebuilt;
    }
  }
  // Rebuilding an index reads the whole table under the same lock.
  if (a.impact == AlterImpact::Catalog && a.indexes_rebuilt > 0) a.impact = AlterImpact::Scan;
  tx.rollback();
  return a;
}

// Says what the change will do, asks first when it rewrites or scans, and
// records it for --dry-run.
void announce_alter(Unit& u, Session& s, const RelationRef& rel, const AlterAnalysis& a, Table& t,
                    const std::string& object) {
  std::string what;
  long long bytes = -1;
  if (a.impact != AlterImpact::Catalog) {
    bytes = table_bytes(s, rel);
    what = std::string(a.impact == AlterImpact::Rewrite ? "rewrites " : "scans ") + rel.qualified() + " (" +
           format_size(static_cast<double>(bytes)) + ") under an ACCESS EXCLUSIVE lock: reads and writes wait";
  } else {
    what = "changes only the catalog of " + rel.qualified() + " (a brief ACCESS EXCLUSIVE lock)";
  }
  if (a.indexes_rebuilt > 0) what += "; rebuilds " + std::to_string(a.indexes_rebuilt) + " index(es)";
  if (!a.note.empty()) what += "; " + a.note;
  u.ctx().plan("-- " + what);
  if (a.impact != AlterImpact::Catalog) {
    log::warn(what);
    u.ctx().confirm("change " + object + ": " + what);
  } else {
    log::info(what);
  }
  t.add_row({std::string("analyse"), object, std::string(impact_name(a.impact)),
             bytes >= 0 ? std::optional<std::string>(std::to_string(bytes)) : std::nullopt, what});
}

Table alter_table_result() {
  Table t("result", {{"action", Kind::Text, Kind::Text},
                     {"object", Kind::Text, Kind::Text},
                     {"impact", Kind::Text, Kind::Text},
                     {"table_bytes", Kind::Bytes, Kind::Text},
                     {"status", Kind::Text, Kind::Text}});
  return t;
}

void add_alter_row(Table& t, const std::string& action, const std::string& object, AlterImpact impact,
                   const std::string& status) {
  t.add_row({action, object, std::string(impact_name(impact)), std::nullopt, status});
}

void set_not_null_via_check(Unit& u, Session& s, const RelationRef& rel, const std::string& column, Table& t,
                            const LockRetry& retry) {
  const std::string obj = rel.qualified() + "." + quote_ident(column);
  const std::string check = fit_identifier(column.substr(0, 40) + "_not_null_pgdba");
  mutate_retrying(u, s,
                  "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " ADD CONSTRAINT " + quote_ident(check) +
                      " CHECK (" + quote_ident(column) + " IS NOT NULL) NOT VALID",
                  "adding a NOT VALID check on " + obj, retry);
  add_alter_row(t, "add check not valid", quote_ident(check), AlterImpact::Catalog, "added");
  try {
    mutate_retrying(
        u, s, "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " VALIDATE CONSTRAINT " + quote_ident(check),
        "validating the check on " + obj, retry);
  } catch (const Error& e) {
    // Rows with NULL (or a lock not granted): take the check away again.
    if (s.is_open()) {
      try {
        mutate_retrying(
            u, s,
            "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " DROP CONSTRAINT IF EXISTS " + quote_ident(check),
            "dropping the check again", retry);
      } catch (const Error& drop) {
        log::warn("could not drop the NOT VALID check " + quote_ident(check) + ": " + drop.what());
      }
    }
    throw;
  }
  add_alter_row(t, "validate check", quote_ident(check), AlterImpact::Catalog,
                "validated (scan without blocking writes)");
  mutate_retrying(
      u, s,
      "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " ALTER COLUMN " + quote_ident(column) + " SET NOT NULL",
      "setting NOT NULL on " + obj, retry);
  add_alter_row(t, "set not null", obj, AlterImpact::Catalog, "set (no scan: the check proves it)");
  mutate_retrying(u, s,
                  "ALTER TABLE " + quote_qualified(rel.schema, rel.name) + " DROP CONSTRAINT " + quote_ident(check),
                  "dropping the helper check", retry);
  add_alter_row(t, "drop check", quote_ident(check), AlterImpact::Catalog, "dropped");
}

LockRetry lock_retry(int retries, const std::string& pause) {
  if (retries < 0) throw usage_error("--retries cannot be negative");
  return {retries, parse_duration("--retry-pause", pause)};
}

void mutate_retrying(Unit& u, Session& s, const std::string& sql, const std::string& what, const LockRetry& r) {
  for (int attempt = 0;; ++attempt) {
    try {
      u.ctx().mutate(s, sql, what);
      return;
    } catch (const Error& e) {
      if (e.sqlstate != "55P03" || attempt >= r.retries || !s.is_open()) throw;
      log::warn(what + ": lock not granted within the lock timeout, trying again (" + std::to_string(attempt + 1) +
                " of " + std::to_string(r.retries) + ")");
      std::this_thread::sleep_for(std::chrono::duration<double>(r.pause));
    }
  }
}

std::string fit_identifier(const std::string& text) {
  if (text.size() <= kMaxIdentifierBytes) return text;
  std::size_t n = kMaxIdentifierBytes;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
    --n;  // not in the middle of a UTF-8 sequence
  return text.substr(0, n);
}

}  // namespace pgdba
