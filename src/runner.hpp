// The runner: a verb's unit of work, and the slot pool that runs many of them
// at once (every database of a server, every server of the fleet), modelled
// on PostgreSQL's src/fe_utils/parallel_slot.c. Connections open lazily,
// are reused for the same target and database, and each unit's outcome is
// judged on its own: an object dropped meanwhile is a warning, any other
// error fails that unit only (an error row, exit 4), never the others.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/command.hpp"
#include "src/context.hpp"
#include "src/errors.hpp"

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
  // Whether `dbname` on this unit's target was dropped meanwhile (see
  // database_gone below): for a verb that walks databases itself.
  bool database_gone(const std::string& dbname);

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

// Runs work(i, cache) for every i in [0, count) over up to `slots` threads
// (one when slots <= 1), each thread with connections of its own; the next
// free thread takes the next i, so put the largest items first. `work` must
// not throw: each item records its own outcome.
void parallel_for(std::size_t count, int slots, const std::function<void(std::size_t, SessionCache&)>& work);

// Work whose items are found per unit, like vacuumdb's tables per database:
// plan(u, cache) lists unit u's items on the slot's connection and returns
// how many there are; run(u, k, cache) does item k of unit u. The slot that
// planned a unit goes on with its items on the same connection; a slot out
// of work plans the next unit, and only when every unit is planned joins
// another slot's. So a run over many databases opens about one connection
// per database, one over a single database `slots` connections, and never
// more than `slots` at once. Neither callback may throw.
void pipeline_for(std::size_t units, int slots, const std::function<std::size_t(std::size_t, SessionCache&)>& plan,
                  const std::function<void(std::size_t, std::size_t, SessionCache&)>& run);

// Whether `dbname` on `target` is gone or being dropped: DROP DATABASE ...
// WITH (FORCE) ends the sessions inside before the database is gone, so a
// lost connection there is the object dropped meanwhile, not a failure.
// Asks over a catalog session on the target's own database; false when
// that cannot answer.
bool database_gone(Context& ctx, SessionCache& cache, const std::string& target, const std::string& dbname);

// Where a verb runs: one target and database (database "" is the
// connection's own). A target whose databases could not be listed comes
// back with its error.
struct UnitRef {
  std::string target;
  std::string database;
  std::optional<Error> error;
};
// Every database of each target with `all_databases` (less the verb's
// --exclude-database patterns), else each target's own database; targets
// empty means the connection the options describe. Listings run over
// `slots` connections at once.
std::vector<UnitRef> list_units(Context& ctx, const VerbRecord& verb, const std::vector<std::string>& targets,
                                bool all_databases, int slots);

}  // namespace pgdba
