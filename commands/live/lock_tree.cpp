#include "commands/live/lock_tree.hpp"

#include <algorithm>
#include <map>

namespace pgdba {

namespace {

struct Node {
  int pid = 0;
  std::vector<std::size_t> blockers;  // indexes, sorted by pid, no repeats
  std::vector<std::size_t> waiters;   // indexes of the sessions it blocks, sorted by pid
  std::vector<std::size_t> children;  // placed under it
  bool placed = false;
  bool cycle = false;
  int depth = 0;
  std::optional<std::size_t> parent;
  int blocks = 0;
};

class Forest {
 public:
  explicit Forest(const std::vector<BlockedSession>& sessions) {
    std::map<int, std::vector<int>> edges;  // pid -> its blockers; sorted by pid
    for (const auto& s : sessions) {
      auto& e = edges[s.pid];
      for (int b : s.blocked_by) {
        if (b == s.pid) continue;
        e.push_back(b);
        edges[b];  // a blocker named only here still gets a node
      }
    }
    for (const auto& [pid, blockers] : edges) {
      index_[pid] = nodes_.size();
      nodes_.push_back(Node{});
      nodes_.back().pid = pid;
    }
    for (const auto& [pid, blockers] : edges) {
      Node& n = nodes_[index_.at(pid)];
      for (int b : blockers)
        n.blockers.push_back(index_.at(b));
      // Indexes follow pid order, so sorting them sorts by pid.
      std::sort(n.blockers.begin(), n.blockers.end());
      n.blockers.erase(std::unique(n.blockers.begin(), n.blockers.end()), n.blockers.end());
      for (std::size_t b : n.blockers)
        nodes_[b].waiters.push_back(index_.at(pid));
    }
    for (auto& n : nodes_)
      std::sort(n.waiters.begin(), n.waiters.end());
  }

  std::vector<LockTreeRow> build() {
    place_all();
    count_blocks();
    std::vector<std::size_t> tops;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (involved(i) && !nodes_[i].parent) tops.push_back(i);
    }
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].parent) nodes_[*nodes_[i].parent].children.push_back(i);
    }
    for (auto& n : nodes_)
      std::sort(n.children.begin(), n.children.end());
    std::vector<LockTreeRow> rows;
    // Depth-first, without recursion: a chain can be as long as there are sessions.
    std::vector<std::size_t> stack(tops.rbegin(), tops.rend());
    while (!stack.empty()) {
      const std::size_t i = stack.back();
      stack.pop_back();
      rows.push_back(row(i));
      const auto& ch = nodes_[i].children;
      stack.insert(stack.end(), ch.rbegin(), ch.rend());
    }
    return rows;
  }

 private:
  bool involved(std::size_t i) const { return !nodes_[i].blockers.empty() || !nodes_[i].waiters.empty(); }

  // Kahn's algorithm over the wait graph: a session is placed once all its
  // blockers are, one level below the deepest of them. When only cycles
  // remain, one of their sessions is placed with the blockers placed so far.
  void place_all() {
    std::vector<std::size_t> remaining(nodes_.size());
    std::vector<std::size_t> ready;
    std::size_t todo = 0;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      remaining[i] = nodes_[i].blockers.size();
      if (!involved(i)) continue;
      ++todo;
      if (remaining[i] == 0) ready.push_back(i);
    }
    while (todo > 0) {
      while (!ready.empty()) {
        const std::size_t i = ready.back();
        ready.pop_back();
        place(i);
        --todo;
        for (std::size_t w : nodes_[i].waiters) {
          if (nodes_[w].placed) continue;  // a cycle's entry, placed early
          if (--remaining[w] == 0) ready.push_back(w);
        }
      }
      if (todo == 0) break;
      const std::size_t entry = cycle_entry();
      nodes_[entry].cycle = true;
      ready.push_back(entry);
    }
  }

  void place(std::size_t i) {
    Node& n = nodes_[i];
    n.placed = true;
    for (std::size_t b : n.blockers) {
      const Node& by = nodes_[b];
      if (!by.placed) continue;  // only for a cycle's entry
      // Blockers come in pid order: a strict > keeps the smallest pid on a tie.
      if (!n.parent || by.depth + 1 > n.depth) {
        n.parent = b;
        n.depth = by.depth + 1;
      }
    }
  }

  // The unplaced session to enter a cycle at: one a placed session blocks
  // (so it hangs under that one), else the smallest pid.
  std::size_t cycle_entry() const {
    std::optional<std::size_t> first;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      const Node& n = nodes_[i];
      if (n.placed || !involved(i)) continue;
      if (!first) first = i;
      if (std::any_of(n.blockers.begin(), n.blockers.end(), [&](std::size_t b) { return nodes_[b].placed; })) return i;
    }
    return *first;
  }

  void count_blocks() {
    std::vector<std::size_t> seen(nodes_.size(), 0);
    std::vector<std::size_t> queue;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].waiters.empty()) continue;
      const std::size_t stamp = i + 1;
      seen[i] = stamp;
      queue.assign(1, i);
      int count = 0;
      for (std::size_t q = 0; q < queue.size(); ++q) {
        for (std::size_t w : nodes_[queue[q]].waiters) {
          if (seen[w] == stamp) continue;
          seen[w] = stamp;
          ++count;
          queue.push_back(w);
        }
      }
      nodes_[i].blocks = count;
    }
  }

  LockTreeRow row(std::size_t i) const {
    const Node& n = nodes_[i];
    LockTreeRow r;
    r.pid = n.pid;
    r.depth = n.depth;
    if (n.parent) r.parent = nodes_[*n.parent].pid;
    for (std::size_t b : n.blockers)
      r.blocked_by.push_back(nodes_[b].pid);
    r.root_blocker = n.blockers.empty() && !n.waiters.empty();
    r.cycle = n.cycle;
    r.blocks = n.blocks;
    return r;
  }

  std::vector<Node> nodes_;
  std::map<int, std::size_t> index_;
};

}  // namespace

std::vector<LockTreeRow> build_lock_tree(const std::vector<BlockedSession>& sessions) {
  return Forest(sessions).build();
}

std::string tree_label(const LockTreeRow& row) {
  if (row.depth == 0) return std::to_string(row.pid);
  return std::string(static_cast<std::size_t>(row.depth - 1) * 3, ' ') + "\u2514\u2500 " + std::to_string(row.pid);
}

}  // namespace pgdba
