// replication slots, slot-create, slot-drop.
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "commands/replication/replication.hpp"
#include "src/errors.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

Result list_slots(Session& s) {
  Table t = s.table(s.exec(sql_text("replication/slots", s.server_version()), "reading pg_replication_slots"), "slots");
  for (const char* c : {"retained_bytes", "safe_wal_size", "confirmed_lag_bytes"})
    t.set_kind(c, Kind::Bytes);
  return {t};
}

Result create_slot(Unit& u, const ReplicationSlotCreateOptions& o) {
  Session& s = u.session();
  const bool logical = !o.logical.empty();
  const std::string what =
      "creating " + std::string(logical ? "logical" : "physical") + " replication slot \"" + o.name + "\"";
  const Rows r = logical ? u.ctx().mutate(s, sql_text("replication/create_logical_slot"), what,
                                          {o.name.c_str(), o.logical.c_str()})
                         : u.ctx().mutate(s, sql_text("replication/create_physical_slot"), what, {o.name.c_str()});
  Table t("slot", {Column{"slot_name", Kind::Text, Kind::Text}, Column{"slot_type", Kind::Text, Kind::Text},
                   Column{"plugin", Kind::Text, Kind::Text}, Column{"lsn", Kind::Text, Kind::Text},
                   Column{"status", Kind::Text, Kind::Text}});
  std::optional<std::string> plugin;
  if (logical) plugin = o.logical;
  std::optional<std::string> lsn;
  if (!r.empty() && !r[0]["lsn"].is_null()) lsn = r[0]["lsn"].str();
  t.add_row({o.name, std::string(logical ? "logical" : "physical"), plugin, lsn,
             std::string(u.ctx().dry_run() ? "dry-run" : "created")});
  return {t};
}

struct SlotState {
  bool exists = false, active = false;
  std::string pid;
};

SlotState look_up(Session& s, const std::string& name) {
  const Rows r =
      s.exec(sql_text("replication/slot_lookup"), {name.c_str()}, "looking up replication slot \"" + name + "\"");
  SlotState st;
  if (r.empty()) return st;
  st.exists = true;
  st.active = r[0]["active"].as<bool>();
  if (!r[0]["active_pid"].is_null()) st.pid = r[0]["active_pid"].str();
  return st;
}

Result drop_slot(Unit& u, const ReplicationSlotDropOptions& o) {
  Session& s = u.session();
  SlotState st = look_up(s, o.name);
  if (!st.exists) throw failure("replication slot \"" + o.name + "\" does not exist");
  if (st.active && !o.force) {
    Error e = failure("replication slot \"" + o.name + "\" is active (used by process " + st.pid + ")");
    e.hint = "--force terminates the walsender using it first; its standby or consumer then loses the slot";
    throw e;
  }
  u.ctx().confirm("drop replication slot \"" + o.name + "\"" +
                  (st.active ? " and terminate its walsender (pid " + st.pid + ")" : ""));
  Table t = action_table();
  const std::string drop_what = "dropping replication slot \"" + o.name + "\"";
  const auto drop = [&] {
    u.ctx().mutate(s, sql_text("replication/drop_slot"), drop_what, {o.name.c_str()});
    add_action(t, "drop replication slot", o.name, u.ctx().dry_run() ? "dry-run" : "dropped");
  };
  if (!st.active || st.pid.empty()) {
    drop();
    return {t};
  }
  // A standby's WAL receiver reconnects at once when it is caught up, and
  // takes its slot again within milliseconds: terminate, watch closely
  // until the slot is free, drop; a few rounds if the consumer was quicker.
  for (int attempt = 0; attempt < 5; ++attempt) {
    u.ctx().mutate(s, sql_text("replication/terminate_walsender"),
                   "terminating the walsender of replication slot \"" + o.name + "\"", {st.pid.c_str()});
    add_action(t, "terminate walsender", "pid " + st.pid, u.ctx().dry_run() ? "dry-run" : "terminated");
    if (u.ctx().dry_run()) {
      drop();
      return {t};
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (st.exists && st.active && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      st = look_up(s, o.name);
    }
    if (!st.exists) {  // a temporary slot goes with its session
      add_action(t, "drop replication slot", o.name, "dropped with its session");
      return {t};
    }
    if (st.active) continue;  // taken again, or its walsender still exiting
    try {
      drop();
      return {t};
    } catch (const Error& e) {
      if (e.sqlstate != "55006") throw;  // object_in_use: taken again meanwhile
      st = look_up(s, o.name);
      if (!st.exists || !st.active) throw;
    }
  }
  throw failure("replication slot \"" + o.name +
                "\" was taken again by its consumer each time; stop the consumer first");
}

}  // namespace

void ReplicationSlotCreateOptions::validate() const {
  replication_check_slot_name(name);
  if (temporary) {
    Error e = usage_error(
        "--temporary: a temporary slot lives only as long as the session that created it, and "
        "pgdba's session ends when the command does, so the slot would be gone at once");
    e.hint = "create it in the session that uses it, with pg_create_physical_replication_slot(" + quote_literal(name) +
             ", true, true), or create a permanent slot here and drop it with `replication slot-drop`";
    throw e;
  }
}

void ReplicationSlotDropOptions::validate() const {
  replication_check_slot_name(name);
}

void add_replication_slot_verbs(Noun& noun) {
  noun.verb("slots",
            "Replication slots: type, plugin, active and by whom, restart and confirmed LSNs, WAL retained for "
            "the slot, wal_status, safe_wal_size, a logical slot's unconfirmed WAL, inactive since and why "
            "invalidated (17+)",
            {Need::Catalog, Effect::Read})
      .run([](Unit& u, const NoOptions&) { return list_slots(u.session()); });

  noun.verb<ReplicationSlotCreateOptions>(
          "slot-create",
          "Create a replication slot: physical (reserving WAL at once) or, with --logical, logical in the current "
          "database",
          {Need::Catalog, Effect::Change})
      .arg("name", &ReplicationSlotCreateOptions::name,
           "slot name: lower-case letters, digits and underscores (the server allows nothing else)")
      .option("--logical", &ReplicationSlotCreateOptions::logical,
              "a logical slot decoding with this output plugin (pgoutput, test_decoding, wal2json, ...)")
      .flag("--temporary", &ReplicationSlotCreateOptions::temporary,
            "refused: a temporary slot would vanish when pgdba's session ends; create it in the session using it")
      .run(create_slot);

  noun.verb<ReplicationSlotDropOptions>(
          "slot-drop",
          "Drop a replication slot (asks first; --yes when not on a terminal); an active one only with "
          "--force",
          {Need::Catalog, Effect::Destroy})
      .arg("name", &ReplicationSlotDropOptions::name, "slot to drop")
      .flag("--force", &ReplicationSlotDropOptions::force,
            "drop an active slot: terminate the walsender using it first")
      .run(drop_slot);
}

}  // namespace pgdba
