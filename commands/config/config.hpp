// The config noun: the server's parameters. show/get/set/reset in
// config.cpp, diff (across servers) in diff.cpp, advise in advise.cpp.
#pragma once

#include "src/command.hpp"

namespace pgdba {

void add_config_diff_verb(Noun& config);
void add_config_advise_verb(Noun& config);

}  // namespace pgdba
