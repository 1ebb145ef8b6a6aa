// sql: ad-hoc SQL from -c or -f, with bound parameters, streaming results
// through a cursor, and --batch: one statement run once per CSV row.
#pragma once

#include <string>
#include <vector>

#include "src/context.hpp"
#include "src/sql_text.hpp"

namespace pgdba {

struct SqlOptions {
  std::string command;
  std::string file;
  std::vector<std::string> params;
  std::vector<std::string> variables;  // -v NAME=VALUE
  bool single_transaction = false;
  std::string on_error = "stop";
  int fetch_size = 10000;
  std::string batch;
  bool batch_header = false;
  // Throws a usage Error for a bad combination of options.
  void validate() const;
};

// Runs the statements, writing each one's rows (or its command and row
// count) to the sink as a table; several statements make sections named
// statement_N. Stops at the first failure unless on_error is "continue",
// which ends with exit code 4 when something failed.
void run_sql(Context& ctx, const SqlOptions& o);

// --batch: see sql_batch.cpp.
Result run_batch(Context& ctx, Session& s, const std::string& statement, const SqlOptions& o);

}  // namespace pgdba
