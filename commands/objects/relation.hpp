// What the table, index and column verbs share: a relation named as SQL
// spells it, resolved on the user's search_path, and lists of names given
// on the command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/runner.hpp"

namespace pgdba {

struct RelationRef {
  std::string oid;  // as text, ready to bind
  std::string schema, name;
  char kind = 'r';  // pg_class.relkind
  std::string qualified() const;
};

// `name` as SQL spells it ("app.Orders" is app.orders, "\"Mixed\"" keeps its
// case), resolved on the user's session of `u` as psql would; nullopt when
// there is no such relation.
std::optional<RelationRef> find_relation(Unit& u, const std::string& name);
// As find_relation, but a missing relation, or one whose relkind is not in
// `kinds`, is a failure (42P01) naming `what` ("table") and the database.
RelationRef require_relation(Unit& u, const std::string& name, const std::string& kinds, const std::string& what);

// Names from options like --columns a,b: split on commas, surrounding spaces
// trimmed; a name holding a comma or spaces at its ends is written in double
// quotes ("a,b", with "" for a quote). Names are taken as they are (no case
// folding) and checked as identifiers; a usage error names `what` when one is
// empty or too long.
std::vector<std::string> split_names(const std::vector<std::string>& lists, const std::string& what);

// SQL text the user writes on purpose (an index's --where, a column's type):
// sent as written. user_sql puts it in parentheses so it stays one
// expression; user_sql_text leaves it bare (a type, a PARTITION BY spec).
std::string user_sql(const std::string& text);
std::string user_sql_text(const std::string& text);

// "name type [constraints]" as --column takes it: the name (in double quotes
// when it holds spaces or quotes, "" for a quote; taken as written, no case
// folding) and the rest as SQL text. A usage error when either is missing.
struct ColumnSpec {
  std::string name, definition;
};
ColumnSpec parse_column_spec(const std::string& spec);

// The kind of relation as psql names it: table, partitioned table, ...
std::string relkind_name(char kind);
// "a table", "an index".
std::string with_article(const std::string& noun);

}  // namespace pgdba
