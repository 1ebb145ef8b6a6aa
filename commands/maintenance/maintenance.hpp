// The maintenance noun's verbs, each in its own file; register_maintenance
// (vacuum.cpp) adds them all.
#pragma once

#include "src/command.hpp"

namespace pgdba {

void register_reindex(CommandTable& table);
void register_cluster(CommandTable& table);
void register_sequence(CommandTable& table);
void register_maintenance_plan(CommandTable& table);

}  // namespace pgdba
