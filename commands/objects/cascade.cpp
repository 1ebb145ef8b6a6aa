#include "commands/objects/cascade.hpp"

#include "src/context.hpp"
#include "src/errors.hpp"
#include "src/runner.hpp"

namespace pgdba {

void confirm_drop(Unit& u, const std::string& what, const std::vector<std::string>& dependents, bool cascade) {
  std::string also;
  for (const auto& d : dependents)
    also += (also.empty() ? "" : ", ") + d;
  if (!dependents.empty() && !cascade) {
    Error e = failure("cannot drop " + what + ": other objects depend on it: " + also);
    e.sqlstate = "2BP01";
    e.hint = "--cascade drops them too";
    throw e;
  }
  u.ctx().confirm("drop " + what + (dependents.empty() ? "" : " and " + also));
  if (u.ctx().dry_run())
    for (const auto& d : dependents)
      u.ctx().plan("-- drops too: " + d);
}

void add_cascaded(Unit& u, Table& t, const std::vector<std::string>& dependents) {
  for (const auto& d : dependents)
    add_action(t, "drop (cascade)", d, u.ctx().dry_run() ? "planned" : "dropped");
}

}  // namespace pgdba
