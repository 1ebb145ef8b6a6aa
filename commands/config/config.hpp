// The config noun: the server's parameters. show/get/set/reset in
// config.cpp, diff (across servers) in diff.cpp, advise in advise.cpp.
#pragma once

#include <optional>
#include <string>

#include "src/command.hpp"

namespace pgdba {

void add_config_diff_verb(Noun& config);
void add_config_advise_verb(Noun& config);

// `config set` / `config reset` for other modules: ALTER SYSTEM SET `name`
// to `value` (checked against pg_settings first) or RESET it (nullopt),
// through ctx().mutate (audited, honours --dry-run), then pg_reload_conf()
// when `reload`. Returns config set's one-row table (action, name, value,
// previous, context, needs, reloaded). Throws a failure for an unknown
// parameter, a usage Error for a bad value.
Result alter_system_setting(Unit& u, const std::string& name, const std::optional<std::string>& value, bool reload);

}  // namespace pgdba
