// The plan for `sql --batch`: per-row semantics always (executemany). An
// INSERT ... VALUES ($1, ...) whose group is made of parameters, constants,
// casts and functions of their arguments, with no RETURNING and no ON
// CONFLICT DO UPDATE, becomes one prepared multi-row INSERT per chunk, and
// one of bare parameters, each once, a COPY (provably the same rows, much
// faster) where the server says the table keeps the per-row meaning that
// way (sql_batch.cpp); any other statement is prepared once and executed
// once per row. Statement chunks stream through libpq's pipeline mode,
// never waiting for a round trip.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pgdba {

struct BatchPlan {
  int params = 0;               // the statement's highest $n
  bool multi_row = false;       // the VALUES (...) group can be repeated
  std::size_t group_begin = 0;  // offset of the group's '('
  std::size_t group_end = 0;    // offset just past its ')'
  // With multi_row: the table as written (a plain name, maybe qualified or
  // quoted), for the server to say whether set-based loading keeps the
  // per-row meaning there (no statement triggers, transition tables, rules).
  std::string target;
  // Its column list as written, one name each (empty: none given).
  std::vector<std::string> columns;
  // When VALUES holds only bare parameters, each once, and nothing follows
  // the group: the parameter number at each position. COPY target (the
  // columns in parameter order) FROM STDIN then loads the same rows.
  std::vector<int> copy_params;
};

// Pure: decides how to run `statement` once per row.
BatchPlan plan_batch(const std::string& statement);
// Pure: the COPY that loads what `plan` inserts, given the name of the
// column at each VALUES position (quoted as SQL needs), in parameter order.
std::string copy_statement(const BatchPlan& plan, const std::vector<std::string>& columns);
// Pure: the name an identifier as written stands for: "A""b" is A"b, Ab is ab.
std::string identifier_name(const std::string& written);
// Pure: the statement with its VALUES group repeated `rows` times, the
// parameters of row i renumbered to $(k + i * params).
std::string multi_row_statement(const std::string& statement, const BatchPlan& plan, int rows);

}  // namespace pgdba
