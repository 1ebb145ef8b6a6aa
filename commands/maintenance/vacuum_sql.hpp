// The VACUUM, ANALYZE, REINDEX and CLUSTER statements the maintenance verbs send, built from the
// options alone (pure, unit-tested), and vacuumdb's --table syntax.
#pragma once

#include <string>
#include <vector>

namespace pgdba {

struct VacuumFlags {
  bool full = false;
  bool freeze = false;
  bool analyze = false;       // VACUUM (ANALYZE)
  bool analyze_only = false;  // ANALYZE instead of VACUUM
  bool skip_locked = false;
  bool disable_page_skipping = false;
  bool no_index_cleanup = false;
  bool no_truncate = false;
  bool no_process_toast = false;
  int parallel = -1;               // VACUUM's PARALLEL; -1 = not given
  std::string buffer_usage_limit;  // "" = not given (16+)
};

// vacuumdb's --table argument: a relation name as SQL spells it
// (schema.table, "Quoted"."Name") with an optional column list for ANALYZE:
// `public.t(a, "B")`.
struct TableSpec {
  std::string relation;              // as given, for the server to resolve (::regclass)
  std::vector<std::string> columns;  // identifiers, unquoted (case-folded as the server would)
};
// Throws a usage error for an unbalanced or empty column list.
TableSpec parse_table_spec(const std::string& spec);

// VACUUM (...) or ANALYZE (...) of `qualified` (already quoted), with the
// quoted columns when there are any.
std::string maintenance_statement(const VacuumFlags& f, const std::string& qualified,
                                  const std::vector<std::string>& columns);

// REINDEX of one object: `kind` INDEX, TABLE or SYSTEM; `qualified` already
// quoted; `tablespace` "" or a name (quoted here).
std::string reindex_statement(const std::string& kind, const std::string& qualified, bool concurrently,
                              const std::string& tablespace);

// CLUSTER of a table (quoted), on `index` (quoted) or, when "", on the index
// it was clustered on before.
std::string cluster_statement(const std::string& qualified_table, const std::string& index);

// What is wrong with a combination of flags (vacuumdb's checks), or "".
std::string check_flags(const VacuumFlags& f, bool has_columns);

}  // namespace pgdba
