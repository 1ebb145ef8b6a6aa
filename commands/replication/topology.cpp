// replication topology: who follows whom across the fleet's targets, as a
// tree in table form, from each node's own views (pg_stat_replication on
// upstreams, pg_stat_wal_receiver on standbys), with the lag of each edge.
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "commands/replication/replication.hpp"
#include "src/context.hpp"
#include "src/errors.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct Walsender {
  std::string name, state;
  std::optional<std::string> lag_bytes, replay_lag;
};

struct Node {
  std::string target, label;
  std::optional<std::string> error;
  bool standby = false;
  int port = 0;
  std::set<std::string> hosts;  // names this node is reached by
  std::string position, replayed;
  std::string upstream_status, sender_host;
  int sender_port = 0;
  std::optional<std::string> replay_lag;  // seconds, from the standby alone
  std::optional<std::string> local_lag;   // bytes received, not replayed
  std::vector<Walsender> walsenders;
};

// "16/B374D848" -> the 64-bit position; nullopt for anything else.
std::optional<std::uint64_t> parse_lsn(const std::string& lsn) {
  const auto slash = lsn.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 >= lsn.size()) return std::nullopt;
  // Named, so `end` points into strings that outlive the checks of it.
  const std::string hi_text = lsn.substr(0, slash), lo_text = lsn.substr(slash + 1);
  char* end = nullptr;
  const unsigned long long hi = std::strtoull(hi_text.c_str(), &end, 16);
  if (*end != '\0') return std::nullopt;
  const unsigned long long lo = std::strtoull(lo_text.c_str(), &end, 16);
  if (*end != '\0') return std::nullopt;
  return (static_cast<std::uint64_t>(hi) << 32) | static_cast<std::uint64_t>(lo);
}

// "user@host:port/db" -> host.
std::string host_of(const std::string& described) {
  const auto at = described.find('@');
  const auto slash = described.rfind('/');
  const std::string rest = described.substr(at == std::string::npos ? 0 : at + 1,
                                            slash == std::string::npos ? std::string::npos : slash - at - 1);
  const auto colon = rest.rfind(':');
  return colon == std::string::npos ? rest : rest.substr(0, colon);
}

std::optional<std::string> opt(const Field& f) {
  if (f.is_null()) return std::nullopt;
  return f.str();
}

Node read_node(Context& ctx, const std::string& target) {
  Node n;
  n.target = target;
  n.label = target;
  try {
    std::unique_ptr<Session> s = ctx.open_session(target, SessionKind::Catalog, "");
    const int v = s->server_version();
    if (n.label.empty()) n.label = s->describe();
    n.hosts.insert(host_of(s->describe()));
    const Rows me = s->exec(sql_text("replication/topology_node"), "reading the server's replication identity");
    n.standby = me[0]["standby"].as<bool>();
    n.port = me[0]["port"].as<int>();
    std::stringstream dirs(me[0]["socket_dirs"].str());
    for (std::string d; std::getline(dirs, d, ',');) {
      while (!d.empty() && d.front() == ' ')
        d.erase(0, 1);
      if (!d.empty()) n.hosts.insert(d);
    }
    if (!me[0]["server_addr"].is_null()) n.hosts.insert(me[0]["server_addr"].str());
    n.position = me[0]["position"].str();
    n.replayed = me[0]["replayed"].str();
    if (n.standby) {
      const Rows up = s->exec(sql_text("replication/upstream", v), "reading pg_stat_wal_receiver");
      if (!up.empty()) {
        n.upstream_status = up[0]["status"].str();
        n.sender_host = up[0]["sender_host"].str();
        if (!up[0]["sender_port"].is_null()) n.sender_port = up[0]["sender_port"].as<int>();
      }
      const Rows replay = s->exec(sql_text("replication/replay", v), "reading the standby's replay position");
      if (!replay.empty()) {
        n.replay_lag = opt(replay[0]["lag_seconds"]);
        n.local_lag = opt(replay[0]["lag_bytes"]);
      }
    }
    for (const auto& r : s->exec(sql_text("replication/standbys", v), "reading pg_stat_replication")) {
      const std::string addr = r["client_addr"].is_null() ? "local" : r["client_addr"].str();
      n.walsenders.push_back(
          {r["application_name"].str() + "@" + addr, r["state"].str(), opt(r["lag_bytes"]), opt(r["replay_lag"])});
    }
  } catch (const Error& e) {
    if (n.label.empty()) n.label = "(connection)";
    n.error = e.what();
  }
  return n;
}

bool follows(const Node& standby, const Node& upstream) {
  if (!standby.standby || standby.sender_port == 0 || upstream.error || standby.sender_port != upstream.port)
    return false;
  if (upstream.hosts.count(standby.sender_host)) return true;
  const bool local =
      standby.sender_host == "localhost" || standby.sender_host == "127.0.0.1" || standby.sender_host == "::1";
  return local &&
         (upstream.hosts.count("localhost") || upstream.hosts.count("127.0.0.1") || upstream.hosts.count("::1"));
}

void topology(Context& ctx) {
  std::vector<std::string> targets = ctx.targets();
  if (targets.empty()) targets.push_back("");
  std::vector<Node> nodes;
  for (const auto& t : targets)
    nodes.push_back(read_node(ctx, t));

  std::vector<int> parent(nodes.size(), -1);
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (std::size_t j = 0; j < nodes.size(); ++j)
      if (i != j && parent[i] < 0 && follows(nodes[i], nodes[j])) parent[i] = static_cast<int>(j);

  Table t("topology", {Column{"node", Kind::Text, Kind::Text}, Column{"target", Kind::Text, Kind::Text},
                       Column{"role", Kind::Text, Kind::Text}, Column{"upstream", Kind::Text, Kind::Text},
                       Column{"state", Kind::Text, Kind::Text}, Column{"lag_bytes", Kind::Bytes, Kind::Text},
                       Column{"replay_lag", Kind::Seconds, Kind::Text}, Column{"depth", Kind::Integer, Kind::Text}});
  const auto indent = [](int depth) {
    std::string s;
    for (int d = 1; d < depth; ++d)
      s += "   ";
    return depth > 0 ? s + "└─ " : s;
  };
  std::function<void(std::size_t, int)> visit = [&](std::size_t i, int depth) {
    const Node& n = nodes[i];
    std::optional<std::string> target;
    if (!n.target.empty()) target = n.target;
    if (n.error) {
      t.add_row({indent(depth) + n.label, target, std::string("unreachable"), std::nullopt, *n.error, std::nullopt,
                 std::nullopt, std::to_string(depth)});
      return;
    }
    std::optional<std::string> upstream, lag = n.local_lag;
    if (parent[i] >= 0) {
      const Node& up = nodes[static_cast<std::size_t>(parent[i])];
      upstream = up.label;
      const auto a = parse_lsn(up.position), b = parse_lsn(n.replayed);
      if (a && b) lag = std::to_string(*a > *b ? *a - *b : 0);
    } else if (n.standby) {
      upstream = n.sender_host.empty() ? std::string("(none)")
                                       : n.sender_host + ":" + std::to_string(n.sender_port) + " (not a target)";
    }
    t.add_row({indent(depth) + n.label, target, std::string(n.standby ? "standby" : "primary"), upstream,
               n.standby ? n.upstream_status : std::string("primary"), n.standby ? lag : std::nullopt,
               n.standby ? n.replay_lag : std::nullopt, std::to_string(depth)});
    std::size_t children = 0;
    for (std::size_t c = 0; c < nodes.size(); ++c)
      if (parent[c] == static_cast<int>(i)) {
        ++children;
        visit(c, depth + 1);
      }
    // Standbys streaming from this node that no target is: as the node
    // itself sees them.
    if (children == 0) {
      for (const auto& w : n.walsenders)
        t.add_row({indent(depth + 1) + w.name, std::nullopt, std::string("standby"), n.label, w.state, w.lag_bytes,
                   w.replay_lag, std::to_string(depth + 1)});
    } else if (n.walsenders.size() > children) {
      t.add_row({indent(depth + 1) + "(" + std::to_string(n.walsenders.size() - children) +
                     " more standbys, not among the targets)",
                 std::nullopt, std::string("standby"), n.label, std::nullopt, std::nullopt, std::nullopt,
                 std::to_string(depth + 1)});
    }
  };
  std::size_t failed = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].error) ++failed;
    if (parent[i] < 0) visit(i, 0);
  }
  if (failed == nodes.size())
    throw Error(ErrorKind::Connect, failed == 1 ? *nodes[0].error : "no target could be reached");
  ctx.emit({t});
  if (failed > 0) ctx.set_exit_code(static_cast<int>(ErrorKind::Partial));
}

}  // namespace

void add_replication_topology_verb(Noun& noun) {
  noun.raw("topology",
           "Who follows whom across the targets (--target, --all-targets; else this server and its standbys), "
           "as a tree: each node's role, upstream, state and the lag of the edge (bytes from the upstream's "
           "position to the node's replay, seconds from the standby itself). A standby is matched to a target "
           "by its WAL receiver's host and port",
           {Need::Catalog, Effect::Read})
      .run(topology);
}

}  // namespace pgdba
