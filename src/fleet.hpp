// The fleet options (--target, --group, --all-targets) resolved against
// pg_service.conf and the config file's groups.
#pragma once

#include <string>
#include <vector>

namespace pgdba {

struct GlobalOptions;

// The service names to run on, in order; empty when no fleet option was
// given. Warnings about the service files go to the log. Throws a usage
// Error for an unknown target or group (see targets.hpp).
std::vector<std::string> resolve_fleet(const GlobalOptions& options);

}  // namespace pgdba
