// stats statements: the costliest statements from pg_stat_statements.
#pragma once

#include <string>

#include "src/runner.hpp"

namespace pgdba {

struct StatementsOptions {
  int top = 20;
  std::string order_by = "total";
  void validate() const;
};

Result top_statements(Unit& u, const StatementsOptions& o);

}  // namespace pgdba
