// replication: status, lag and slots of streaming replication on either node
// (primary or standby), slot management, promote and replay pause/resume,
// cloning a new standby with pg_basebackup, and the topology of a fleet.
#pragma once

#include <string>

#include "src/command.hpp"
#include "src/runner.hpp"

namespace pgdba {

struct ReplicationLagOptions {
  std::string unit = "bytes";
};

struct ReplicationSlotCreateOptions {
  std::string name, logical;
  bool temporary = false;
  void validate() const;
};

struct ReplicationSlotDropOptions {
  std::string name;
  bool force = false;
  void validate() const;
};

struct ReplicationPromoteOptions {
  int wait = 60;
  void validate() const;
};

struct ReplicationCloneOptions {
  std::string from, pgdata, slot, max_rate;
  bool create_slot = false, start = false;
  int port = 0;
  void validate() const;
};

// Whether the unit's server is in recovery (a standby).
bool replication_in_recovery(Session& s);
// Refuses (failure, exit 1) with `doing` in the message when the server is
// not a standby: "cannot pause replay: this server is a primary ...".
void replication_require_standby(Session& s, const std::string& doing);
// The server refuses any other slot name; checked before anything is sent.
void replication_check_slot_name(const std::string& name);

Result replication_status(Session& s);
Result replication_lag(Session& s, const ReplicationLagOptions& o);

void add_replication_status_verbs(Noun& noun);
void add_replication_slot_verbs(Noun& noun);
void add_replication_control_verbs(Noun& noun);
void add_replication_clone_verb(Noun& noun);
void add_replication_topology_verb(Noun& noun);

}  // namespace pgdba
