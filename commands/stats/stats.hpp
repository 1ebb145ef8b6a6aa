// The stats noun: one verb per file (overview.cpp, databases.cpp, ...), each
// adding itself to the noun that stats.cpp registers, and what they share.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/command.hpp"
#include "src/result.hpp"

namespace pgdba {

class Session;

void add_overview_verb(Noun& stats);
void add_databases_verb(Noun& stats);
void add_tables_verb(Noun& stats);
void add_indexes_verb(Noun& stats);
void add_statements_verb(Noun& stats);
void add_checkpointer_verb(Noun& stats);
void add_io_verb(Noun& stats);
void add_wraparound_verb(Noun& stats);
void add_bloat_verb(Noun& stats);
// `explain` stands alone (pgdba explain), registered with the stats noun.
void add_explain_command(CommandTable& table);

// `items` as a PostgreSQL array literal ({"a","b\"c"}) for a bound text[]
// or oid[] parameter; nullopt (SQL NULL: no filter) when there are none.
std::optional<std::string> array_param(const std::vector<std::string>& items);

// What pgstattuple measures of a table or btree index (stats bloat --exact,
// check bloat --exact): bloat in bytes and as a percentage of its size.
struct ExactBloat {
  std::optional<std::string> bytes, percent;
};
// The relations `oids` measured, by oid; nullopt when pgstattuple is not
// installed in the session's database. `lenient`: a role that may not use
// it gets a warning and an empty map instead of an error.
std::optional<std::map<std::string, ExactBloat>> exact_bloat(Session& s, const std::vector<std::string>& oids,
                                                             bool lenient);

// Sets `kind` on each of the named columns (a name `t` lacks is a bug in
// pgdba: std::logic_error).
void set_kinds(Table& t, std::initializer_list<const char*> columns, Kind kind);

// A table named `name` with the columns of `t` named in `columns`, in that
// order, and all of its rows (a name `t` lacks: std::logic_error).
Table project(const Table& t, const std::string& name, const std::vector<std::string>& columns);

// The checkpointer's statistics (stats checkpointer), as a table named
// `name`: one row, the same columns on every server version.
Table checkpointer_table(Session& s, const std::string& name);

// --top N: a usage error unless N >= 1.
void check_top(int top);

}  // namespace pgdba
