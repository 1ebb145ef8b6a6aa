// table list and table describe: what psql's \dt+ and \d+ show, as typed
// tables (describe: one section per part, so JSON keeps them apart).
#include <string>
#include <vector>

#include "commands/objects/relation.hpp"
#include "commands/objects/table.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct TableListOptions {
  std::vector<std::string> schemas;
  void validate() const {
    for (const auto& s : schemas)
      check_identifier("schema", s);
  }
};

Result list_tables(Unit& u, const TableListOptions& o) {
  Session& s = u.session();
  const std::string arr = text_array_literal(o.schemas);
  Table t = s.table(s.exec(sql_text("objects/table_list", s.server_version()),
                           {o.schemas.empty() ? nullptr : arr.c_str()}, "listing tables"),
                    "tables");
  t.set_kind("size_bytes", Kind::Bytes);
  return {t};
}

struct TableDescribeOptions {
  std::string name;
};

Result describe_table(Unit& u, const TableDescribeOptions& o) {
  const RelationRef rel = require_relation(u, o.name, "rpfvm", "table");
  Session& s = u.session();
  const int v = s.server_version();
  const Params oid = {rel.oid.c_str()};
  const auto section = [&](const std::string& query, const std::string& name, const std::string& what) {
    return s.table(s.exec(sql_text("objects/" + query, v), oid, what + " of " + rel.qualified()), name);
  };
  Result r;
  Table summary = section("table_describe", "table", "describing");
  for (const char* c : {"table_bytes", "indexes_bytes", "total_bytes"})
    summary.set_kind(c, Kind::Bytes);
  r.push_back(summary);
  r.push_back(section("table_columns", "columns", "reading the columns"));
  Table indexes = s.table(s.exec(sql_text("objects/index_list", v), {nullptr, rel.oid.c_str()},
                                 "reading the indexes of " + rel.qualified()),
                          "indexes");
  indexes.set_kind("size_bytes", Kind::Bytes);
  r.push_back(indexes);
  r.push_back(section("table_constraints", "constraints", "reading the constraints"));
  r.push_back(section("table_referenced_by", "referenced_by", "reading the foreign keys referencing"));
  r.push_back(section("table_triggers", "triggers", "reading the triggers"));
  r.push_back(section("table_policies", "policies", "reading the policies"));
  Table parts = section("table_partitions", "partitions", "reading the partitions");
  parts.set_kind("size_bytes", Kind::Bytes);
  r.push_back(parts);
  r.push_back(section("table_publications", "publications", "reading the publications"));
  return r;
}

}  // namespace

void add_table_read_verbs(Noun& noun) {
  noun.verb<TableListOptions>(
          "list",
          "Tables, partitioned tables, partitions, foreign tables, views and materialized views: owner, kind, row "
          "estimate, size, primary key, replica identity (sizes wait at most --lock-timeout, 5s, for a table "
          "locked exclusively)",
          {Need::Ddl, Effect::Read, 0, true})
      .option("-n,--schema", &TableListOptions::schemas, "only tables in this schema (repeat)")
      .run(list_tables);

  noun.verb<TableDescribeOptions>(
          "describe",
          "One table as psql's \\d+ shows it, one section each: table (kind, owner, partition key and parent, "
          "sizes, last vacuum and analyze), columns (type, collation, default, identity, generated, storage, "
          "compression, comment), indexes, constraints, referenced_by, triggers, policies, partitions, "
          "publications",
          {Need::Ddl, Effect::Read})
      .arg("name", &TableDescribeOptions::name, "the table, as SQL spells it (app.\"Orders\")")
      .run(describe_table);
}

}  // namespace pgdba
