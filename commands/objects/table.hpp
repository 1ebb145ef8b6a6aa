// table: the verbs of the `table` noun, registered from table.cpp, one file
// per group.
#pragma once

#include "src/command.hpp"

namespace pgdba {

// table list, table describe (table_describe.cpp).
void add_table_read_verbs(Noun& noun);
// table create, drop, rename, truncate (table_ddl.cpp).
void add_table_ddl_verbs(Noun& noun);

}  // namespace pgdba
