#include "commands/replication/replication.hpp"

#include "src/errors.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

bool replication_in_recovery(Session& s) {
  return s.exec("SELECT pg_catalog.pg_is_in_recovery()", "asking whether the server is a standby")[0][0].as<bool>();
}

void replication_require_standby(Session& s, const std::string& doing) {
  if (!replication_in_recovery(s)) {
    Error e = failure("cannot " + doing + ": " + s.describe() + " is a primary, not a standby (not in recovery)");
    e.hint = "run it on the standby";
    throw e;
  }
}

void replication_check_slot_name(const std::string& name) {
  // The server's ReplicationSlotValidateName: lower-case letters, digits
  // and underscores, at most NAMEDATALEN-1 bytes.
  if (name.empty()) throw usage_error("a replication slot name cannot be empty");
  if (name.size() > 63) throw usage_error("replication slot name \"" + name + "\" is longer than 63 bytes");
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      Error e = usage_error("invalid replication slot name \"" + name + "\"");
      e.hint = "slot names may contain only lower-case letters, digits and underscores";
      throw e;
    }
  }
}

void register_replication(CommandTable& table) {
  Noun noun = table.noun("replication",
                         "Streaming replication on either node: status, lag, slots, promote, pause/resume replay, "
                         "clone a standby, topology");
  add_replication_status_verbs(noun);
  add_replication_slot_verbs(noun);
  add_replication_control_verbs(noun);
  add_replication_clone_verb(noun);
  add_replication_topology_verb(noun);
}

}  // namespace pgdba
