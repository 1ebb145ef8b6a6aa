// The canned queries under sql/, embedded at build time.
#pragma once

#include <string>
#include <vector>

namespace pgdba {

struct SqlFile {
  const char* name;  // path under sql/ without ".sql", e.g. "db/list_databases"
  const char* text;
};

const std::vector<SqlFile>& embedded_sql();

// Returns the text of sql/<name>.sql; throws std::logic_error if there is
// none, which is a bug in pgdba, not the user's mistake.
const std::string& sql_text(const std::string& name);

}  // namespace pgdba
