#include "src/session.hpp"

#include <pqxx/connection>
#include <pqxx/errorhandler>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/pipeline>
#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/version>

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "src/cancel.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/sql_catalog.hpp"
#include "src/sql_text.hpp"

namespace pgdba {

namespace {

constexpr std::size_t kMaxKeptNotices = 10000;

// Server NOTICEs and WARNINGs go to the log instead of straight to stderr.
class NoticeToLog : public pqxx::errorhandler {
 public:
  NoticeToLog(pqxx::connection_base& c, std::vector<std::string>* kept) : pqxx::errorhandler(c), kept_(kept) {}
  bool operator()(const char msg[]) noexcept override {
    try {
      // Verbose notices carry a SQLSTATE and a LOCATION line: keep the gist.
      std::string m(msg);
      m = m.substr(0, m.find('\n'));
      const auto code = m.find(":  ");
      if (code != std::string::npos && m.size() > code + 10 && m[code + 8] == ':') m.erase(code + 3, 7);
      if (m.rfind("WARNING:", 0) == 0 || m.rfind("NOTICE:", 0) == 0) {
        log::warn("server: " + m);
      } else {
        log::info("server: " + m);
      }
      // Kept for the caller that asks (take_notices); a script that never
      // asks must not grow without bound.
      if (kept_->size() < kMaxKeptNotices) kept_->push_back(m);
    } catch (...) {
      // A notice must never take the program down.
    }
    return false;
  }

 private:
  std::vector<std::string>* kept_;
};

// libpqxx 6.4 runs COPY only for a table it names itself (tablewriter,
// stream_to), while a script's COPY statements carry their own columns and
// options; they go through libpq on the session's own connection. libpqxx
// keeps that PGconn private: an explicit instantiation may name a private
// member ([temp.spec]/6), which hands its address to this one function.
struct ConnMember {
  using type = pqxx::internal::pq::PGconn* pqxx::connection_base::*;
};
ConnMember::type member_of(ConnMember);
template <typename Tag, typename Tag::type M>
struct Expose {
  friend typename Tag::type member_of(Tag) { return M; }
};
template struct Expose<ConnMember, &pqxx::connection_base::m_conn>;

PGconn* raw_connection(pqxx::connection_base& c) {
  return c.*member_of(ConnMember{});
}

// A failed COPY result as the exception libpqxx would have thrown, so it
// takes the one error path (rethrow_as_error).
// A COPY's CONTEXT line ("COPY t, line 50001, column a: "x"") names the
// bad line and its content: it goes into the message, which errors.cpp
// would otherwise keep without it.
[[noreturn]] void throw_result_error(PGresult* res, const std::string& sql) {
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  std::string msg = PQresultErrorMessage(res);
  const char* context = PQresultErrorField(res, PG_DIAG_CONTEXT);
  if (context != nullptr && std::string_view(context).rfind("COPY ", 0) == 0) {
    std::string where(context);
    where = where.substr(0, where.find('\n'));
    const auto eol = msg.find('\n');
    msg.insert(eol == std::string::npos ? msg.size() : eol, " (" + where + ")");
  }
  const std::string code = state != nullptr ? state : "";
  PQclear(res);
  throw pqxx::sql_error(msg, sql, code.c_str());
}

// The results left after a COPY: its final status first. Returns the rows
// it reports; throws for a failure, after draining the rest.
std::uint64_t finish_copy(PGconn* conn, const std::string& sql) {
  PGresult* failed = nullptr;
  std::uint64_t rows = 0;
  while (PGresult* res = PQgetResult(conn)) {
    const ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_FATAL_ERROR && failed == nullptr) {
      failed = res;
      continue;
    }
    if (st == PGRES_COMMAND_OK) rows = std::strtoull(PQcmdTuples(res), nullptr, 10);
    PQclear(res);
  }
  if (failed != nullptr) throw_result_error(failed, sql);
  return rows;
}

// Sends `sql`, expecting the server to enter COPY state `want`.
bool start_copy(PGconn* conn, const std::string& sql, ExecStatusType want) {
  PGresult* res = PQexec(conn, sql.c_str());
  const ExecStatusType st = PQresultStatus(res);
  if (st == want) {
    PQclear(res);
    return true;
  }
  if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR) {
    throw_result_error(res, sql);
  }
  PQclear(res);
  return false;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

struct Session::Driver {
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<pqxx::errorhandler> notices;
  std::unique_ptr<pqxx::nontransaction> tx;

  pqxx::nontransaction& work() {
    if (!tx) tx = std::make_unique<pqxx::nontransaction>(*conn);
    return *tx;
  }
};

Session::Session(const std::string& conninfo) : target_(redact_conninfo(conninfo)), d_(std::make_unique<Driver>()) {
  const auto t0 = std::chrono::steady_clock::now();
  pqxx::connection* conn = nullptr;
  try {
    d_->conn = std::make_unique<pqxx::connection>(conninfo);
    conn = d_->conn.get();
  } catch (const std::exception& e) {
    std::string msg = e.what();
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
      msg.pop_back();
    // One line: libpq's multi-line, tab-indented message collapsed.
    std::string flat;
    for (char c : msg) {
      if (c == '\n' || c == '\t' || c == '\r') c = ' ';
      if (c == ' ' && !flat.empty() && flat.back() == ' ') continue;
      flat += c;
    }
    msg = flat;
    Error err(ErrorKind::Connect, "could not connect to " + target_ + ": " + msg);
    err.sqlstate = "08001";  // sqlclient_unable_to_establish_sqlconnection
    err.severity = "FATAL";
    throw err;
  }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  // A dropped connection must fail the command, never be silently re-opened
  // half-way through a script.
  conn->inhibit_reactivation(true);
#pragma GCC diagnostic pop
  d_->notices = std::make_unique<NoticeToLog>(*conn, &notices_);
  cancel::add(conn);
  // libpqxx 6.4 drops the SQLSTATE for some errors; the verbose message
  // carries it ("ERROR:  42501: ...") and errors.cpp reads it back.
  conn->set_verbosity(pqxx::connection_base::verbose);
  if (log::enabled(log::Level::Debug)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f ms", ms_since(t0));
    log::debug(std::string("connected to ") + describe() + " in " + buf);
  }
}

Session::~Session() {
  if (d_->conn) cancel::remove(d_->conn.get());
  d_->tx.reset();
  d_->notices.reset();
}

void Session::log_done(const std::string& sql, double ms, const char* state) const {
  if (!log::enabled(log::Level::Debug)) return;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f ms", ms);
  log::debug(std::string("SQL ") + state + " in " + buf + ": " + redact_secrets(sql));
}

Rows Session::run(const std::string& logged, const std::string& what, const std::function<Rows()>& send) {
  cancel::check();
  const auto t0 = std::chrono::steady_clock::now();
  try {
    Rows r = send();
    log_done(logged, ms_since(t0), "ok");
    return r;
  } catch (...) {
    log_done(logged, ms_since(t0), "failed");
    fail(what);
  }
}

Rows Session::exec(const std::string& sql, const std::string& what) {
  return run(sql, what, [&] { return Rows(d_->work().exec(sql)); });
}

void Session::fail(const std::string& what) {
  try {
    rethrow_as_error(what);
  } catch (Error& e) {
    // However libpqxx words it, a closed connection is a lost connection.
    if (!is_open() && e.kind != ErrorKind::Connect) {
      Error lost(ErrorKind::Connect, (what.empty() ? "" : what + ": ") + "the connection to the server was lost");
      lost.sqlstate = "08006";
      lost.severity = "FATAL";
      throw lost;
    }
    throw;
  }
}

Rows Session::exec(const std::string& sql, const Params& params, const std::string& what) {
  if (params.empty()) return exec(sql, what);
  return run(sql, what, [&] { return Rows(d_->work().exec_params(sql, pqxx::prepare::make_dynamic_params(params))); });
}

std::optional<Rows> Session::try_query(const std::string& sql, const Params& params, const std::string& what) {
  std::optional<Savepoint> sp;
  if (in_transaction_) sp.emplace(*this, "pgdba_try_query");
  try {
    Rows r = exec(sql, params, what);
    if (sp) sp->release();
    return r;
  } catch (const Error& e) {
    static const char* const kMissing[] = {"42P01", "42883", "42704", "3F000", "42501", "55000"};
    bool missing = false;
    for (const char* code : kMissing)
      missing = missing || e.sqlstate == code;
    if (!missing) throw;
    if (sp) sp->rollback();
    log::warn(std::string(e.what()) + " (" + e.sqlstate + "); that part is left empty");
    return std::nullopt;
  }
}

void Session::fetch_all(const std::string& query, std::size_t batch, const std::function<void(const Rows&)>& consume,
                        const std::string& what) {
  std::size_t batches = 0;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    pqxx::pipeline p(d_->work());
    p.retain(0);
    auto id = p.insert(query);
    for (;;) {
      const Rows r(p.retrieve(id));
      ++batches;
      const bool more = r.size() >= batch;
      cancel::check();
      if (more) id = p.insert(query);
      consume(r);
      if (!more) break;
    }
  } catch (const Error&) {
    throw;  // from consume: the output failed, not the server
  } catch (...) {
    log_done(query, ms_since(t0), "failed");
    fail(what);
  }
  if (log::enabled(log::Level::Debug)) {
    log_done(query + " (x" + std::to_string(batches) + ", pipelined)", ms_since(t0), "ok");
  }
}

void Session::prepare(const std::string& name, const std::string& sql) {
  run("PREPARE " + name + " AS " + sql, "preparing statement", [&] {
    d_->conn->prepare(name, sql);
    return Rows();
  });
}

Rows Session::exec_prepared(const std::string& name, const Params& params, const std::string& what) {
  return run("EXECUTE " + name + " (" + std::to_string(params.size()) + " parameters)", what,
             [&] { return Rows(d_->work().exec_prepared(name, pqxx::prepare::make_dynamic_params(params))); });
}

std::string Session::encrypt_password(const std::string& role, const std::string& clear) {
  PGconn* conn = raw_connection(*d_->conn);
  char* verifier = PQencryptPasswordConn(conn, clear.c_str(), role.c_str(), nullptr);
  if (verifier == nullptr) throw failure(std::string("could not encrypt the password: ") + PQerrorMessage(conn));
  std::string out(verifier);
  PQfreemem(verifier);
  return out;
}

std::uint64_t Session::copy_in(const std::string& sql, const std::function<bool(std::string_view& chunk)>& next,
                               const std::string& what) {
  std::uint64_t rows = 0;
  run(sql, what, [&] {
    d_->work();
    PGconn* conn = raw_connection(*d_->conn);
    if (!start_copy(conn, sql, PGRES_COPY_IN)) {
      rows = finish_copy(conn, sql);
      return Rows();
    }
    std::string_view chunk;
    try {
      while (next(chunk)) {
        if (chunk.empty()) continue;
        if (PQputCopyData(conn, chunk.data(), static_cast<int>(chunk.size())) != 1) break;
      }
    } catch (...) {
      PQputCopyEnd(conn, "pgdba could not read the data");
      try {
        finish_copy(conn, sql);  // the server's "COPY from stdin failed"
      } catch (...) {
        // the reason is what `next` threw, rethrown below
      }
      throw;
    }
    if (PQputCopyEnd(conn, nullptr) != 1) throw pqxx::broken_connection(PQerrorMessage(conn));
    rows = finish_copy(conn, sql);
    return Rows();
  });
  return rows;
}

void PipelineQueue::exec(const std::string& sql) {
  auto* conn = static_cast<PGconn*>(conn_);
  if (PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) {
    throw pqxx::broken_connection(PQerrorMessage(conn));
  }
}

void PipelineQueue::exec_prepared(const std::string& name, const Params& params) {
  auto* conn = static_cast<PGconn*>(conn_);
  if (PQsendQueryPrepared(conn, name.c_str(), static_cast<int>(params.size()), params.data(), nullptr, nullptr, 0) !=
      1) {
    throw pqxx::broken_connection(PQerrorMessage(conn));
  }
}

std::optional<Session::PipelineFailure> Session::pipeline(const std::function<bool(PipelineQueue&)>& next,
                                                          std::size_t window, const std::string& what) {
  cancel::check();
  const auto t0 = std::chrono::steady_clock::now();
  d_->work();
  PGconn* conn = raw_connection(*d_->conn);
  std::optional<PipelineFailure> failed;
  std::size_t sent = 0;
  std::size_t read = 0;
  // Reads the oldest sent segment's results, up to its sync.
  const auto read_segment = [&] {
    bool between = false;
    for (;;) {
      PGresult* res = PQgetResult(conn);
      if (res == nullptr) {
        // Between two statements' results; a lost connection ends here too,
        // and two in a row mean nothing is queued: never wait forever.
        if (PQstatus(conn) != CONNECTION_OK) throw pqxx::broken_connection(PQerrorMessage(conn));
        if (between) throw pqxx::failure("pipeline mode: the results ended before the sync");
        between = true;
        continue;
      }
      between = false;
      const ExecStatusType st = PQresultStatus(res);
      if (st == PGRES_PIPELINE_SYNC) {
        PQclear(res);
        break;
      }
      if (st == PGRES_FATAL_ERROR && !failed) {
        try {
          throw_result_error(res, what);
        } catch (...) {
          try {
            fail(what);
          } catch (const Error& e) {
            failed = PipelineFailure{read, e};
          }
        }
        continue;
      }
      PQclear(res);
    }
    ++read;
  };
  try {
    if (PQenterPipelineMode(conn) != 1) throw pqxx::failure(std::string("pipeline mode: ") + PQerrorMessage(conn));
    PipelineQueue queue(conn);
    while (!failed && next(queue)) {
      if (PQpipelineSync(conn) != 1) throw pqxx::broken_connection(PQerrorMessage(conn));
      ++sent;
      while (sent - read > window)
        read_segment();
      cancel::check();
    }
    while (read < sent)
      read_segment();
    PQexitPipelineMode(conn);
  } catch (...) {
    // Leaves pipeline mode when the connection still answers, so the
    // Transaction's ROLLBACK can run: a last sync ends whatever `next`
    // queued before it threw. The first error is the one reported.
    try {
      if (PQstatus(conn) == CONNECTION_OK && PQpipelineStatus(conn) != PQ_PIPELINE_OFF) {
        if (PQpipelineSync(conn) == 1) ++sent;
        while (read < sent)
          read_segment();
        PQexitPipelineMode(conn);
      }
    } catch (...) {
    }
    log_done(what + " (pipeline)", ms_since(t0), "failed");
    fail(what);
  }
  log_done(what + " (pipeline, " + std::to_string(sent) + " segments)", ms_since(t0), failed ? "failed" : "ok");
  return failed;
}

std::uint64_t Session::copy_out(const std::string& sql, const std::function<void(std::string_view row)>& row,
                                const std::string& what) {
  std::uint64_t rows = 0;
  run(sql, what, [&] {
    d_->work();
    PGconn* conn = raw_connection(*d_->conn);
    if (!start_copy(conn, sql, PGRES_COPY_OUT)) {
      rows = finish_copy(conn, sql);
      return Rows();
    }
    for (;;) {
      char* buf = nullptr;
      const int n = PQgetCopyData(conn, &buf, 0);
      if (n < 0) break;  // -1 done, -2 failed: the final result says which
      try {
        row(std::string_view(buf, static_cast<std::size_t>(n)));
      } catch (...) {
        PQfreemem(buf);
        // Drain the copy so the connection stays usable, then report the output's error.
        while (PQgetCopyData(conn, &buf, 0) > 0)
          PQfreemem(buf);
        try {
          finish_copy(conn, sql);
        } catch (...) {
        }
        throw;
      }
      PQfreemem(buf);
    }
    rows = finish_copy(conn, sql);
    return Rows();
  });
  return rows;
}

namespace {

constexpr int kInvRead = 0x40000;  // libpq-fs.h's INV_READ, INV_WRITE
constexpr int kInvWrite = 0x20000;
constexpr std::size_t kLoChunk = std::size_t{256} * 1024;

[[noreturn]] void throw_lo_error(PGconn* conn, const std::string& call) {
  if (PQstatus(conn) != CONNECTION_OK) throw pqxx::broken_connection(PQerrorMessage(conn));
  throw pqxx::sql_error(PQerrorMessage(conn), call);
}

}  // namespace

std::uint32_t Session::lo_import(const std::function<bool(std::string_view& chunk)>& next, const std::string& what) {
  std::uint32_t oid = 0;
  run("lo_creat, lo_open, lo_write ...", what, [&] {
    d_->work();
    PGconn* conn = raw_connection(*d_->conn);
    oid = lo_creat(conn, kInvRead | kInvWrite);
    if (oid == 0) throw_lo_error(conn, "lo_creat");
    const int fd = lo_open(conn, oid, kInvWrite);
    if (fd < 0) throw_lo_error(conn, "lo_open");
    std::string_view chunk;
    while (next(chunk)) {
      cancel::check();
      while (!chunk.empty()) {
        const std::size_t n = std::min(chunk.size(), kLoChunk);
        const int wrote = lo_write(conn, fd, chunk.data(), n);
        if (wrote < 0) throw_lo_error(conn, "lo_write");
        chunk.remove_prefix(static_cast<std::size_t>(wrote));
      }
    }
    if (lo_close(conn, fd) != 0) throw_lo_error(conn, "lo_close");
    return Rows();
  });
  return oid;
}

std::uint64_t Session::lo_export(std::uint32_t oid, const std::function<void(std::string_view chunk)>& chunk,
                                 const std::string& what) {
  std::uint64_t bytes = 0;
  run("lo_open(" + std::to_string(oid) + "), lo_read ...", what, [&] {
    d_->work();
    PGconn* conn = raw_connection(*d_->conn);
    const int fd = lo_open(conn, oid, kInvRead);
    if (fd < 0) throw_lo_error(conn, "lo_open");
    std::vector<char> buf(kLoChunk);
    for (;;) {
      cancel::check();
      const int n = lo_read(conn, fd, buf.data(), buf.size());
      if (n < 0) throw_lo_error(conn, "lo_read");
      if (n == 0) break;
      bytes += static_cast<std::uint64_t>(n);
      chunk(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    }
    if (lo_close(conn, fd) != 0) throw_lo_error(conn, "lo_close");
    return Rows();
  });
  return bytes;
}

std::optional<Session::Notification> Session::wait_notification(long timeout_ms) {
  PGconn* conn = raw_connection(*d_->conn);
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK) {
      Error lost(ErrorKind::Connect, "listening: the connection to the server was lost");
      lost.sqlstate = "08006";
      lost.severity = "FATAL";
      throw lost;
    }
    if (PGnotify* n = PQnotifies(conn)) {
      Notification out{n->relname, n->extra != nullptr ? n->extra : "", n->be_pid};
      PQfreemem(n);
      return out;
    }
    cancel::check();
    long wait = 100;
    if (timeout_ms >= 0) {
      const long left = timeout_ms - static_cast<long>(ms_since(t0));
      if (left <= 0) return std::nullopt;
      wait = std::min(wait, left);
    }
    pollfd p{PQsocket(conn), POLLIN, 0};
    poll(&p, 1, static_cast<int>(wait));
  }
}

int Session::server_version() const {
  return d_->conn->server_version();
}

void Session::require_version(int min_version, const std::string& option) const {
  if (server_version() >= min_version) return;
  throw failure("cannot use the \"" + option + "\" option on server versions older than PostgreSQL " +
                std::to_string(min_version / 10000));
}

std::string Session::describe() {
  const char* host = d_->conn->hostname();
  std::string h = host != nullptr ? host : "";
  return std::string(d_->conn->username()) + "@" + h + ":" + d_->conn->port() + "/" + d_->conn->dbname();
}

std::string Session::user() {
  return d_->conn->username();
}
std::string Session::dbname() {
  return d_->conn->dbname();
}
int Session::backend_pid() const {
  return d_->conn->backendpid();
}
std::vector<std::string> Session::take_notices() {
  std::vector<std::string> out;
  out.swap(notices_);
  return out;
}

bool Session::is_open() const {
  return d_->conn->is_open();
}

namespace {

// Built-in types whose values are plain text in every format: known, so
// they never cost a catalog lookup.
bool plain_text_builtin(std::uint32_t oid) {
  switch (oid) {
    case 18:    // char
    case 19:    // name
    case 22:    // int2vector
    case 24:    // regproc
    case 25:    // text
    case 30:    // oidvector
    case 142:   // xml
    case 194:   // pg_node_tree
    case 600:   // point
    case 650:   // cidr
    case 705:   // unknown
    case 790:   // money
    case 829:   // macaddr
    case 869:   // inet
    case 1033:  // aclitem
    case 1042:  // bpchar
    case 1043:  // varchar
    case 1082:  // date
    case 1083:  // time
    case 1266:  // timetz
    case 1560:  // bit
    case 1562:  // varbit
    case 2205:  // regclass
    case 2206:  // regtype
    case 2249:  // record
    case 2950:  // uuid
    case 3220:  // pg_lsn
    case 3734:  // regconfig
    case 4089:  // regnamespace
    case 4096:  // regrole
      return true;
    default:
      return false;
  }
}

// The cells of `r` appended to `t` as owned strings.
void add_rows(const Rows& rows, Table& t) {
  const pqxx::result& r = rows.driver_result();
  for (const auto& row : r) {
    std::vector<std::optional<std::string>> cells;
    cells.reserve(row.size());
    for (const auto& f : row) {
      if (f.is_null()) {
        cells.emplace_back(std::nullopt);
      } else {
        cells.emplace_back(std::string(f.c_str(), f.size()));
      }
    }
    t.add_row(std::move(cells));
  }
}

bool known_type(std::uint32_t oid) {
  return plain_text_builtin(oid) || column_for_type("", oid).kind != Kind::Text;
}

}  // namespace

std::vector<Column> Session::columns(const Rows& r) {
  std::vector<Column> cols = columns_of(r);
  std::string unknown;
  for (std::size_t i = 0; i < r.columns(); ++i) {
    const auto oid = static_cast<std::uint32_t>(r.column_type(i));
    if (known_type(oid) || types_.count(oid) != 0) continue;
    unknown += (unknown.empty() ? "{" : ",") + std::to_string(oid);
  }
  if (!unknown.empty()) {
    for (const auto& row :
         exec(sql_text("core/describe_types"), {(unknown + "}").c_str()}, "describing result types")) {
      Column c = column_for_type("", row[2].as<unsigned>());
      if (c.kind == Kind::Text && std::string(row[3].c_str()) == "B") c.kind = Kind::Boolean;
      if (row[1].as<bool>()) {
        // Elements of a kind that is itself an array or unknown stay text.
        c = Column{"", Kind::Array, c.kind == Kind::Array ? Kind::Text : c.kind};
      }
      types_[row[0].as<unsigned>()] = c;
    }
  }
  for (std::size_t i = 0; i < r.columns(); ++i) {
    const auto it = types_.find(r.column_type(i));
    if (it == types_.end()) continue;
    auto& col = cols[i];
    col.kind = it->second.kind;
    col.element = it->second.element;
  }
  return cols;
}

Table Session::table(const Rows& r, std::string name) {
  Table t(std::move(name), columns(r));
  add_rows(r, t);
  return t;
}

std::vector<Column> columns_of(const Rows& r) {
  std::vector<Column> cols;
  cols.reserve(r.columns());
  for (std::size_t i = 0; i < r.columns(); ++i) {
    cols.push_back(column_for_type(r.column_name(i), r.column_type(i)));
  }
  return cols;
}

Table to_table(const Rows& r, std::string name) {
  Table t(std::move(name), columns_of(r));
  add_rows(r, t);
  return t;
}

void emit_rows(const Rows& rows, ResultSink& sink) {
  const pqxx::result& r = rows.driver_result();
  const auto width = static_cast<std::size_t>(r.columns());
  std::vector<CellView> cells(width);
  for (const auto& row : r) {
    for (std::size_t i = 0; i < width; ++i) {
      const auto f = row[static_cast<pqxx::row::size_type>(i)];
      cells[i] = f.is_null() ? CellView{} : CellView{f.c_str(), f.size(), false};
    }
    sink.row(cells.data());
  }
}

Transaction::Transaction(Session& s, const std::string& what) : s_(s) {
  s_.exec("BEGIN", what);
  s_.in_transaction_ = true;
}

Transaction::~Transaction() {
  rollback();
}

void Transaction::commit(const std::string& what) {
  open_ = false;
  s_.in_transaction_ = false;
  s_.exec("COMMIT", what);
}

void Transaction::rollback() noexcept {
  if (!open_) return;
  open_ = false;
  s_.in_transaction_ = false;
  try {
    if (s_.is_open()) s_.exec("ROLLBACK", "rolling back");
  } catch (...) {
    // The error that got us here is the one to report.
  }
}

Savepoint::Savepoint(Session& s, std::string name, const std::string& what) : s_(s), name_(std::move(name)) {
  s_.exec("SAVEPOINT " + name_, what);
}

Savepoint::~Savepoint() {
  if (!open_) return;
  try {
    if (s_.is_open()) s_.exec("ROLLBACK TO SAVEPOINT " + name_, "rolling back to a savepoint");
  } catch (...) {
    // As in ~Transaction: the first error is the one to report.
  }
}

void Savepoint::release(const std::string& what) {
  open_ = false;
  s_.exec("RELEASE SAVEPOINT " + name_, what);
}

void Savepoint::rollback(const std::string& what) {
  open_ = false;
  s_.exec("ROLLBACK TO SAVEPOINT " + name_, what);
}

}  // namespace pgdba
