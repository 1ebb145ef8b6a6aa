// What the live-state commands (activity, locks, cancel, terminate) share.
#pragma once

#include <string>
#include <vector>

#include "src/session.hpp"

namespace pgdba {

// The values pg_stat_activity.state takes, for --state.
inline const std::vector<std::string>& session_states() {
  static const std::vector<std::string> states{
      "active", "idle", "idle in transaction", "idle in transaction (aborted)", "fastpath function call", "disabled"};
  return states;
}

// The integers of PostgreSQL array text: "{1,2,3}" -> 1, 2, 3.
std::vector<int> parse_int_array(const std::string& text);

// The pids of the sessions that block others and wait for no one, as
// `locks --tree` names them (see build_lock_tree).
std::vector<int> root_blockers(Session& s);

}  // namespace pgdba
