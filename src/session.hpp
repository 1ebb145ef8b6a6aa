// A connection to one server and the one exec path every statement takes:
// it logs the statement with its duration under -vv and turns failures into
// Errors that say what pgdba was doing.
#pragma once

#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "src/conninfo.hpp"
#include "src/result.hpp"

namespace pgdba {

// Bound parameter values; nullptr is SQL NULL.
using Params = std::vector<const char*>;

class Session {
 public:
  // Connects; throws an Error of kind Connect naming the (redacted) target.
  Session(const std::string& conninfo);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs one statement; `what` ("listing databases") prefixes any error.
  pqxx::result exec(const std::string& sql, const std::string& what);
  pqxx::result exec(const std::string& sql, const Params& params, const std::string& what);
  // Runs `query` (a FETCH) again and again, handing each result to
  // `consume`, until a result has fewer than `batch` rows. The next FETCH is
  // sent before `consume` runs, so the server works while pgdba renders.
  void fetch_all(const std::string& query, std::size_t batch, const std::function<void(const pqxx::result&)>& consume,
                 const std::string& what);
  // Prepares `sql` under `name` for exec_prepared on this session.
  void prepare(const std::string& name, const std::string& sql);
  pqxx::result exec_prepared(const std::string& name, const Params& params, const std::string& what);

  // e.g. 150004 for 15.4
  int server_version() const;
  // Throws a failure worded like vacuumdb: cannot use the "--force" option
  // on server versions older than PostgreSQL 13.
  void require_version(int min_version, const std::string& option) const;
  // "user@host:port/dbname", no password.
  std::string describe();
  std::string user();
  std::string dbname();
  int backend_pid() const;

  // The columns of a result, typed for the renderers. Types not known by
  // OID (arrays of enums, ranges, composites, domains) are looked up in the
  // catalog once per session, so call it only when no pipeline is running.
  std::vector<Column> columns(const pqxx::result& r);

 private:
  pqxx::nontransaction& tx();
  // Rethrows the current exception as an Error (see rethrow_as_error).
  [[noreturn]] void fail(const std::string& what);
  void log_done(const std::string& sql, double ms, const char* state) const;

  std::string target_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::errorhandler> notices_;
  std::unique_ptr<pqxx::nontransaction> tx_;
  std::map<std::uint32_t, Column> types_;  // looked up in the catalog
};

// Column descriptions of a result, kinds from the type OIDs.
std::vector<Column> columns_of(const pqxx::result& r);
// A whole result as a materialized table named `name`.
Table to_table(const pqxx::result& r, std::string name);
// Streams the rows of `r` into a sink whose table is already begun.
void emit_rows(const pqxx::result& r, ResultSink& sink);

}  // namespace pgdba
