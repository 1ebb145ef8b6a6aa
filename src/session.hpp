// A connection to one server and the one exec path every statement takes:
// it logs the statement with its duration under -vv and turns failures into
// Errors that say what pgdba was doing.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/conninfo.hpp"
#include "src/errors.hpp"
#include "src/result.hpp"
#include "src/rows.hpp"

namespace pgdba {

// Bound parameter values; nullptr is SQL NULL.
using Params = std::vector<const char*>;
// The bound form of an optional parameter: NULL when absent.
inline const char* param(const std::optional<std::string>& v) {
  return v ? v->c_str() : nullptr;
}

// Where Session::pipeline's segments queue their statements.
class PipelineQueue {
 public:
  // A statement without parameters (pipeline mode has no simple queries).
  void exec(const std::string& sql);
  // A statement prepared on the session (PREPARE or Session::prepare).
  void exec_prepared(const std::string& name, const Params& params);

 private:
  friend class Session;
  explicit PipelineQueue(void* conn) : conn_(conn) {}
  void* conn_;  // libpq's PGconn, kept out of this header
};

class Session {
 public:
  // Connects; throws an Error of kind Connect naming the (redacted) target.
  Session(const std::string& conninfo);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs one statement; `what` ("listing databases") prefixes any error.
  Rows exec(const std::string& sql, const std::string& what);
  Rows exec(const std::string& sql, const Params& params, const std::string& what);
  // For optional views and functions: an extension that is not installed
  // or not preloaded, a role without pg_read_all_stats. When the statement
  // fails because an object is missing or not readable (SQLSTATE 42P01,
  // 42883, 42704, 3F000, 42501, 55000), logs a warning that starts with
  // `what` and returns nothing, so the caller shows an empty section instead
  // of failing; any other error throws as exec does. Inside a Transaction it
  // runs under a savepoint, so the transaction survives.
  std::optional<Rows> try_query(const std::string& sql, const Params& params, const std::string& what);
  // Runs `query` (a FETCH) again and again, handing each result to
  // `consume`, until a result has fewer than `batch` rows. The next FETCH is
  // sent before `consume` runs, so the server works while pgdba renders.
  void fetch_all(const std::string& query, std::size_t batch, const std::function<void(const Rows&)>& consume,
                 const std::string& what);
  // Prepares `sql` under `name` for exec_prepared on this session.
  void prepare(const std::string& name, const std::string& sql);
  Rows exec_prepared(const std::string& name, const Params& params, const std::string& what);

  // COPY ... FROM STDIN as the statement `sql` says (any options): sends
  // it, then each chunk `next` sets until it returns false (the data as
  // COPY reads it, lines ending in '\n'), streamed in constant memory, then
  // ends the copy. Returns the rows copied. A failure (the statement or a
  // bad line) throws as exec does; the session stays usable.
  std::uint64_t copy_in(const std::string& sql, const std::function<bool(std::string_view& chunk)>& next,
                        const std::string& what);
  // COPY ... TO STDOUT: sends `sql` and hands each row of data (with its
  // '\n') to `row` as it arrives. Returns the rows copied; throws as exec.
  std::uint64_t copy_out(const std::string& sql, const std::function<void(std::string_view row)>& row,
                         const std::string& what);

  // libpq's pipeline mode: statements queue on the connection without
  // waiting for each other's results, so the server works while pgdba
  // prepares what comes next. `next` queues one segment through the
  // PipelineQueue it is handed and returns false when there is no more;
  // each segment ends with a sync, and at most `window` segments wait for
  // their results. After a failure no more segments are asked for; every
  // sent one is read, so the session is usable again when this returns
  // the first failed segment's index and error (nullopt: all succeeded).
  // Inside a Transaction a failure leaves it aborted, as exec's would.
  struct PipelineFailure {
    std::size_t segment;
    Error error;
  };
  std::optional<PipelineFailure> pipeline(const std::function<bool(PipelineQueue&)>& next, std::size_t window,
                                          const std::string& what);

  // Large objects through libpq's lo_* calls on this connection; each must
  // run inside a Transaction. lo_import creates an object, writes each
  // chunk `next` sets until it returns false, and returns its OID.
  // lo_export reads object `oid` in fixed chunks handed to `chunk` and
  // returns the bytes read. Constant memory either way; a failure throws as
  // exec does (an unknown OID: 42704).
  std::uint32_t lo_import(const std::function<bool(std::string_view& chunk)>& next, const std::string& what);
  std::uint64_t lo_export(std::uint32_t oid, const std::function<void(std::string_view chunk)>& chunk,
                          const std::string& what);

  // A notification a LISTEN of this session received.
  struct Notification {
    std::string channel, payload;
    int pid = 0;  // the sender's backend
  };
  // Waits up to `timeout_ms` (< 0: forever) for the next notification;
  // nullopt when the time ran out. Wakes every 100 ms to check Ctrl-C. A
  // lost connection throws an Error of kind Connect.
  std::optional<Notification> wait_notification(long timeout_ms);

  // e.g. 150004 for 15.4
  int server_version() const;
  // Throws a failure worded like vacuumdb: cannot use the "--force" option
  // on server versions older than PostgreSQL 13.
  void require_version(int min_version, const std::string& option) const;
  // "user@host:port/dbname", no password.
  // A password verifier for `role`, made here on the client in the
  // server's password_encryption (SCRAM-SHA-256 or md5) through libpq's
  // PQencryptPasswordConn, as createuser does: the clear text never
  // leaves this process.
  std::string encrypt_password(const std::string& role, const std::string& clear);
  std::string describe();
  std::string user();
  std::string dbname();
  int backend_pid() const;
  // False once the connection is lost.
  bool is_open() const;
  // The server's notices and warnings since the last call, one line each
  // ("WARNING:  skipping vacuum of ..."); they are logged as they come too.
  std::vector<std::string> take_notices();

  // The columns of a result, typed for the renderers. Types not known by
  // OID (arrays of enums, ranges, composites, domains) are looked up in the
  // catalog once per session, so call it only when no pipeline is running.
  std::vector<Column> columns(const Rows& r);
  // A whole result as a table named `name`, typed as columns() types it.
  Table table(const Rows& r, std::string name);

 private:
  friend class Transaction;
  // Runs `send` on the one logged path: cancel check, timing, -vv log line,
  // errors turned into Errors prefixed with `what`.
  Rows run(const std::string& logged, const std::string& what, const std::function<Rows()>& send);
  // Rethrows the current exception as an Error (see rethrow_as_error).
  [[noreturn]] void fail(const std::string& what);
  void log_done(const std::string& sql, double ms, const char* state) const;

  std::string target_;
  struct Driver;  // libpqxx's connection and transaction, in session.cpp
  std::unique_ptr<Driver> d_;
  std::map<std::uint32_t, Column> types_;  // looked up in the catalog
  bool in_transaction_ = false;            // a Transaction is open
  std::vector<std::string> notices_;       // since the last take_notices()
};

// BEGIN now, ROLLBACK when it goes out of scope without commit(): a command
// that fails half-way leaves nothing behind. One per session at a time.
class Transaction {
 public:
  explicit Transaction(Session& s, const std::string& what = "starting a transaction");
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit(const std::string& what = "committing the transaction");
  // Rolls back now; never throws (it runs on error paths, where the first
  // error is the one worth reporting).
  void rollback() noexcept;

 private:
  Session& s_;
  bool open_ = true;
};

// SAVEPOINT now, ROLLBACK TO it when it goes out of scope without
// release(): the failed part of a transaction is undone, the rest kept.
class Savepoint {
 public:
  Savepoint(Session& s, std::string name, const std::string& what = "setting a savepoint");
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release(const std::string& what = "releasing a savepoint");
  // Undoes what ran since the savepoint; throws if the server refuses.
  void rollback(const std::string& what = "rolling back to a savepoint");

 private:
  Session& s_;
  std::string name_;
  bool open_ = true;
};

// Column descriptions of a result, kinds from the type OIDs alone.
std::vector<Column> columns_of(const Rows& r);
// A whole result as a materialized table named `name`.
Table to_table(const Rows& r, std::string name);
// Streams the rows of `r` into a sink whose table is already begun.
void emit_rows(const Rows& r, ResultSink& sink);

}  // namespace pgdba
