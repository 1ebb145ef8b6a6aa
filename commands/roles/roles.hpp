// The role noun's verbs, in files by theme; register_role (role.cpp) adds
// them all.
#pragma once

#include "src/command.hpp"

namespace pgdba {

void register_role_membership(Noun& role);

}  // namespace pgdba
