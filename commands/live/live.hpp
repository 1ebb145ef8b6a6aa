// What the live-state commands (activity, locks, cancel, terminate) share.
#pragma once

#include <string>
#include <vector>

namespace pgdba {

// The values pg_stat_activity.state takes, for --state.
inline const std::vector<std::string>& session_states() {
  static const std::vector<std::string> states{
      "active", "idle", "idle in transaction", "idle in transaction (aborted)", "fastpath function call", "disabled"};
  return states;
}

}  // namespace pgdba
