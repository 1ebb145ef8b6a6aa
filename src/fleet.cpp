#include "src/fleet.hpp"

#include "src/config.hpp"
#include "src/context.hpp"
#include "src/inventory.hpp"
#include "src/log.hpp"
#include "src/targets.hpp"

namespace pgdba {

std::vector<std::string> resolve_fleet(const GlobalOptions& o) {
  TargetRequest req;
  req.targets = o.targets;
  req.groups = o.groups;
  req.all_targets = o.all_targets;
  if (req.empty()) return {};
  const Inventory services = list_services();
  for (const auto& w : services.warnings)
    log::warn(w);
  return resolve_targets(req, services, o.config ? *o.config : load_config());
}

}  // namespace pgdba
