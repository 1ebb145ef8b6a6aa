// What a DROP ... CASCADE takes along, said before it runs: table drop and
// extension drop list the other objects that depend on theirs.
#pragma once

#include <string>
#include <vector>

#include "src/result.hpp"

namespace pgdba {

class Unit;

// Without --cascade, refuses (2BP01, as the server would, but before anything
// runs and naming every dependent); with it, asks with the list and plans
// each under --dry-run. `what`: "table public.t".
void confirm_drop(Unit& u, const std::string& what, const std::vector<std::string>& dependents, bool cascade);

// One "drop (cascade)" row per dependent, dropped or planned.
void add_cascaded(Unit& u, Table& t, const std::vector<std::string>& dependents);

}  // namespace pgdba
