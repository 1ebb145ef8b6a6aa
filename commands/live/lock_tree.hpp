// Blocking chains as a tree: from what pg_blocking_pids() says about each
// waiting session to rows that can be printed top-down. Pure, no server.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pgdba {

// One waiting session and the pids pg_blocking_pids() names for it. The list
// may repeat a pid (parallel workers answer for their leader) and may hold 0
// (a prepared transaction); both are handled.
struct BlockedSession {
  int pid = 0;
  std::vector<int> blocked_by;
};

struct LockTreeRow {
  int pid = 0;
  int depth = 0;                // 0: a root (or a wait cycle's entry, see cycle)
  std::optional<int> parent;    // the blocker it is shown under
  std::vector<int> blocked_by;  // every blocker, sorted, without repeats
  bool root_blocker = false;    // blocks someone and waits for no one
  // Waits (also) for a session shown below it: a wait cycle, which the
  // server's deadlock detector breaks after deadlock_timeout.
  bool cycle = false;
  int blocks = 0;  // sessions waiting behind it, directly or through others
};

// The blocking forest in print order: each root (smallest pid first), then
// its subtree depth-first, children by pid. Every session that waits or
// blocks appears exactly once. A session with several blockers is shown
// under the one deepest in the tree (ties: the smallest pid), and lists all
// of them in blocked_by; in a lock queue that is the waiter just ahead of
// it, so a queue reads as the chain it is. A blocker named only in
// blocked_by (pid 0, a session that just ended) gets a row of its own.
// Wait cycles never loop: the cycle is entered at one of its sessions
// (preferably one that a placed session blocks, then the smallest pid),
// which is marked `cycle`. Sessions with an empty blocked_by that block no
// one are left out. Runs in O(sessions * edges) at worst, for `blocks`.
std::vector<LockTreeRow> build_lock_tree(const std::vector<BlockedSession>& sessions);

// The label of a row in the tree column: "123" for a root, "└─ 456" one level
// down, indented three spaces per further level.
std::string tree_label(const LockTreeRow& row);

}  // namespace pgdba
