// Which fleet targets a command runs on: --target, --group and --all-targets
// resolved against the service inventory and the config's groups. Pure: no
// file or environment is read here.
#pragma once

#include <string>
#include <vector>

#include "src/config.hpp"
#include "src/inventory.hpp"

namespace pgdba {

struct TargetRequest {
  // Each --target value as given; one value may list several names separated
  // by commas ("a,b"). Spaces around each name are dropped.
  std::vector<std::string> targets;
  std::vector<std::string> groups;  // each --group value, one group name each
  bool all_targets = false;

  bool empty() const { return targets.empty() && groups.empty() && !all_targets; }
};

// The service names to run on, each once, in this order: the --target names
// as given, then each --group's members in the config's order; for
// --all-targets, every service in inventory order. An empty request gives an
// empty list: no fleet, the plain -h/-p/-d connection.
//
// Throws a usage Error for: --all-targets combined with --target or --group;
// an empty name in --target ("a,,b"); an unknown target (the message names
// the known services, or says which service files were looked at and that
// they define none); an unknown group (naming the known groups, or saying that
// the config file defines none); an empty group; a group member that is not a
// service; --all-targets when no service is defined.
std::vector<std::string> resolve_targets(const TargetRequest& req, const Inventory& services, const Config& cfg);

}  // namespace pgdba
