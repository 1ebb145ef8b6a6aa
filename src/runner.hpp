// The runner: a verb's unit of work, and the slot pool that runs many of them
// at once (every database of a server, every server of the fleet), modelled
// on PostgreSQL's src/fe_utils/parallel_slot.c. Connections open lazily,
// are reused for the same target and database, and each unit's outcome is
// judged on its own: an object dropped meanwhile is a warning, any other
// error fails that unit only (an error row, exit 4), never the others.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "src/command.hpp"
#include "src/context.hpp"

namespace pgdba {

// Connections one worker holds, keyed by target, session kind and database.
class SessionCache {
 public:
  Session& get(Context& ctx, const std::string& target, SessionKind kind, const std::string& dbname);
  // Before the next unit: closes the connections to any other target or
  // database, so a worker holds at most one unit's connections (a cluster's
  // max_connections is not a pgdba limit to hit with --all-databases).
  void keep_only(const std::string& target, const std::string& dbname);

 private:
  std::map<std::string, std::unique_ptr<Session>> sessions_;
};

// One unit of work: a verb run on one database of one target.
class Unit {
 public:
  // `cache` null: the unit uses the Context's own connections (the plain,
  // single-connection case).
  Unit(Context& ctx, const VerbRecord& verb, std::string target, std::string database, SessionCache* cache);

  Context& ctx() { return ctx_; }
  const std::string& target() const { return target_; }
  // "" when the unit runs on the connection's own database.
  const std::string& database() const { return database_; }
  // The session the verb declared (catalog, DDL or the user's), on this
  // unit's target and database. The first session a unit opens is checked
  // against the verb's and its options' oldest server versions.
  Session& session();
  // Another kind, or another database of the same target (e.g. the
  // maintenance database a DROP DATABASE runs from).
  Session& session(SessionKind kind, const std::string& dbname = "");

 private:
  void check_versions(Session& s);

  Context& ctx_;
  const VerbRecord& verb_;
  std::string target_;
  std::string database_;
  SessionCache* cache_;
  bool checked_ = false;
};

SessionKind session_kind(Need need);

}  // namespace pgdba
