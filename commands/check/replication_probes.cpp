#include "commands/check/replication_probes.hpp"

#include <string>

#include "src/rows.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba::replication_probe {

namespace {

Rows rows_of(Session& s, const char* query, const char* what) {
  return s.exec(sql_text(std::string("replication/") + query, s.server_version()), what);
}

double number(const Field& f) {
  return f.is_null() ? 0 : f.as<double>();
}

// A standby as the checks have always named it: application@address.
std::string standby_label(const RowRef& r) {
  return r["application_name"].str() + "@" + (r["client_addr"].is_null() ? "local" : r["client_addr"].str());
}

std::string slot_detail(const RowRef& r) {
  return r["slot_type"].str() + (r["active"].as<bool>() ? ", active" : ", inactive") + ", wal_status " +
         (r["wal_status"].is_null() ? "?" : r["wal_status"].str());
}

// The standbys streaming from this node (on a standby: its cascade), by
// `column`; then this node's own replay when it is a standby.
void standbys_and_replay(Session& s, std::vector<CheckSample>& out, const char* standby_column,
                         const char* replay_column) {
  for (const auto& r : rows_of(s, "standbys", "reading pg_stat_replication")) {
    if (r["replay_lsn"].is_null()) continue;  // connected, nothing reported yet (standby-count sees it)
    CheckSample smp;
    smp.object = standby_label(r);
    smp.value = number(r[standby_column]);
    smp.detail = r["state"].str() + ", " + r["sync_state"].str();
    out.push_back(smp);
  }
  for (const auto& r : rows_of(s, "replay", "reading the standby's replay")) {
    CheckSample smp;
    smp.object = "replay";
    smp.value = number(r[replay_column]);
    smp.detail = r["note"].str() + (r["replay"].str() == "not paused" ? "" : "; replay " + r["replay"].str());
    out.push_back(smp);
  }
}

}  // namespace

void lag_bytes(Session& s, std::vector<CheckSample>& out) {
  standbys_and_replay(s, out, "lag_bytes", "lag_bytes");
}

void delay_seconds(Session& s, std::vector<CheckSample>& out) {
  standbys_and_replay(s, out, "replay_lag", "lag_seconds");
}

void slot_retained_wal(Session& s, std::vector<CheckSample>& out) {
  for (const auto& r : rows_of(s, "slots", "reading the replication slots")) {
    CheckSample smp;
    smp.object = r["slot_name"].str();
    smp.value = number(r["retained_bytes"]);
    smp.detail = slot_detail(r);
    out.push_back(smp);
  }
}

void slot_status(Session& s, std::vector<CheckSample>& out) {
  for (const auto& r : rows_of(s, "slots", "reading the replication slots")) {
    const std::string wal = r["wal_status"].str();
    CheckSample smp;
    smp.object = r["slot_name"].str();
    smp.value = wal == "lost" ? 3 : wal == "unreserved" ? 2 : !r["active"].as<bool>() ? 1 : 0;
    smp.max = 3;
    smp.detail = slot_detail(r);
    out.push_back(smp);
  }
}

void logical_slot_lag(Session& s, std::vector<CheckSample>& out) {
  for (const auto& r : rows_of(s, "slots", "reading the replication slots")) {
    if (r["slot_type"].str() != "logical") continue;
    CheckSample smp;
    smp.object = r["slot_name"].str();
    smp.value = number(r["confirmed_lag_bytes"]);
    smp.detail = r["plugin"].str() + (r["active"].as<bool>() ? ", active" : ", inactive");
    out.push_back(smp);
  }
}

void wal_receiver(Session& s, std::vector<CheckSample>& out) {
  for (const auto& r : rows_of(s, "upstream", "reading pg_stat_wal_receiver")) {
    const std::string status = r["status"].str();
    CheckSample smp;
    smp.object = "upstream";
    smp.value = status == "streaming" ? 1 : 0;
    smp.detail = status == "stopped"
                     ? std::string("no WAL receiver")
                     : status + " from " + (r["sender_host"].is_null() ? "?" : r["sender_host"].str()) + ":" +
                           (r["sender_port"].is_null() ? "?" : r["sender_port"].str()) + ", last message " +
                           (r["last_msg_receipt_time"].is_null() ? "never" : r["last_msg_receipt_time"].str());
    out.push_back(smp);
  }
}

void replay_paused(Session& s, std::vector<CheckSample>& out) {
  for (const auto& r : rows_of(s, "replay", "reading the standby's replay")) {
    const std::string state = r["replay"].str();
    CheckSample smp;
    smp.object = "replay";
    smp.value = state == "not paused" ? 0 : 1;
    smp.detail = "replay " + state;
    out.push_back(smp);
  }
}

}  // namespace pgdba::replication_probe
