// The replication checks, measured with the queries `replication status`
// shows, so a check and the status a DBA reads never disagree (on an idle
// primary, on a standby that has received nothing yet, on a cascade).
#pragma once

#include <vector>

#include "commands/check/check.hpp"

namespace pgdba::replication_probe {

void lag_bytes(Session& s, std::vector<CheckSample>& out);
void delay_seconds(Session& s, std::vector<CheckSample>& out);
void slot_retained_wal(Session& s, std::vector<CheckSample>& out);
void slot_status(Session& s, std::vector<CheckSample>& out);
void logical_slot_lag(Session& s, std::vector<CheckSample>& out);
void wal_receiver(Session& s, std::vector<CheckSample>& out);
void replay_paused(Session& s, std::vector<CheckSample>& out);

}  // namespace pgdba::replication_probe
