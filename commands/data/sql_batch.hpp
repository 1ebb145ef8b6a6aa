// The plan for `sql --batch`: per-row semantics always (executemany). An
// INSERT ... VALUES ($1, ...) whose group is made of parameters, constants,
// casts and functions of their arguments, with no RETURNING and no ON
// CONFLICT DO UPDATE, becomes one prepared multi-row INSERT per chunk
// (provably the same result, much faster); any other statement is prepared
// once and executed once per row. Either way the chunks stream through
// libpq's pipeline mode, never waiting for a round trip.
#pragma once

#include <cstddef>
#include <string>

namespace pgdba {

struct BatchPlan {
  int params = 0;               // the statement's highest $n
  bool multi_row = false;       // the VALUES (...) group can be repeated
  std::size_t group_begin = 0;  // offset of the group's '('
  std::size_t group_end = 0;    // offset just past its ')'
};

// Pure: decides how to run `statement` once per row.
BatchPlan plan_batch(const std::string& statement);
// Pure: the statement with its VALUES group repeated `rows` times, the
// parameters of row i renumbered to $(k + i * params).
std::string multi_row_statement(const std::string& statement, const BatchPlan& plan, int rows);

}  // namespace pgdba
