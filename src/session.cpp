#include "src/session.hpp"

#include <pqxx/errorhandler>
#include <pqxx/except>
#include <pqxx/pipeline>
#include <pqxx/prepared_statement>
#include <pqxx/version>

#include <chrono>
#include <cstdio>

#include "src/cancel.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/sql_catalog.hpp"
#include "src/sql_text.hpp"

namespace pgdba {

namespace {

// Server NOTICEs and WARNINGs go to the log instead of straight to stderr.
class NoticeToLog : public pqxx::errorhandler {
 public:
  explicit NoticeToLog(pqxx::connection_base& c) : pqxx::errorhandler(c) {}
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
    } catch (...) {
      // A notice must never take the program down.
    }
    return false;
  }
};

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Session::Session(const std::string& conninfo) : target_(redact_conninfo(conninfo)) {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    conn_ = std::make_unique<pqxx::connection>(conninfo);
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
  conn_->inhibit_reactivation(true);
#pragma GCC diagnostic pop
  notices_ = std::make_unique<NoticeToLog>(*conn_);
  cancel::add(conn_.get());
  // libpqxx 6.4 drops the SQLSTATE for some errors; the verbose message
  // carries it ("ERROR:  42501: ...") and errors.cpp reads it back.
  conn_->set_verbosity(pqxx::connection_base::verbose);
  if (log::enabled(log::Level::Debug)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f ms", ms_since(t0));
    log::debug(std::string("connected to ") + describe() + " in " + buf);
  }
}

Session::~Session() {
  if (conn_) cancel::remove(conn_.get());
  tx_.reset();
  notices_.reset();
}

pqxx::nontransaction& Session::tx() {
  if (!tx_) tx_ = std::make_unique<pqxx::nontransaction>(*conn_);
  return *tx_;
}

void Session::log_done(const std::string& sql, double ms, const char* state) const {
  if (!log::enabled(log::Level::Debug)) return;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f ms", ms);
  log::debug(std::string("SQL ") + state + " in " + buf + ": " + redact_secrets(sql));
}

pqxx::result Session::exec(const std::string& sql, const std::string& what) {
  cancel::check();
  const auto t0 = std::chrono::steady_clock::now();
  try {
    auto r = tx().exec(sql);
    log_done(sql, ms_since(t0), "ok");
    return r;
  } catch (...) {
    log_done(sql, ms_since(t0), "failed");
    fail(what);
  }
}

void Session::fail(const std::string& what) {
  try {
    rethrow_as_error(what);
  } catch (Error& e) {
    // However libpqxx words it, a closed connection is a lost connection.
    if (!conn_->is_open() && e.kind != ErrorKind::Connect) {
      Error lost(ErrorKind::Connect, (what.empty() ? "" : what + ": ") + "the connection to the server was lost");
      lost.sqlstate = "08006";
      lost.severity = "FATAL";
      throw lost;
    }
    throw;
  }
}

pqxx::result Session::exec(const std::string& sql, const Params& params, const std::string& what) {
  if (params.empty()) return exec(sql, what);
  cancel::check();
  const auto t0 = std::chrono::steady_clock::now();
  try {
    auto r = tx().exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    log_done(sql, ms_since(t0), "ok");
    return r;
  } catch (...) {
    log_done(sql, ms_since(t0), "failed");
    fail(what);
  }
}

void Session::fetch_all(const std::string& query, std::size_t batch,
                        const std::function<void(const pqxx::result&)>& consume, const std::string& what) {
  std::size_t batches = 0;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    pqxx::pipeline p(tx());
    p.retain(0);
    auto id = p.insert(query);
    for (;;) {
      const pqxx::result r = p.retrieve(id);
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
  try {
    conn_->prepare(name, sql);
  } catch (...) {
    fail("preparing statement");
  }
}

pqxx::result Session::exec_prepared(const std::string& name, const Params& params, const std::string& what) {
  cancel::check();
  try {
    return tx().exec_prepared(name, pqxx::prepare::make_dynamic_params(params));
  } catch (...) {
    fail(what);
  }
}

int Session::server_version() const {
  return conn_->server_version();
}

void Session::require_version(int min_version, const std::string& option) const {
  if (server_version() >= min_version) return;
  throw failure("cannot use the \"" + option + "\" option on server versions older than PostgreSQL " +
                std::to_string(min_version / 10000));
}

std::string Session::describe() {
  const char* host = conn_->hostname();
  std::string h = host != nullptr ? host : "";
  return std::string(conn_->username()) + "@" + h + ":" + conn_->port() + "/" + conn_->dbname();
}

std::string Session::user() {
  return conn_->username();
}
std::string Session::dbname() {
  return conn_->dbname();
}
int Session::backend_pid() const {
  return conn_->backendpid();
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

bool known_type(std::uint32_t oid) {
  return plain_text_builtin(oid) || column_for_type("", oid).kind != Kind::Text;
}

}  // namespace

std::vector<Column> Session::columns(const pqxx::result& r) {
  std::vector<Column> cols = columns_of(r);
  std::string unknown;
  for (pqxx::row::size_type i = 0; i < r.columns(); ++i) {
    const auto oid = static_cast<std::uint32_t>(r.column_type(i));
    if (known_type(oid) || types_.count(oid) != 0) continue;
    unknown += (unknown.empty() ? "{" : ",") + std::to_string(oid);
  }
  if (!unknown.empty()) {
    for (const auto& row :
         exec(sql_text("core/describe_types"), {(unknown + "}").c_str()}, "describing result types")) {
      Column c = column_for_type("", row[2].as<std::uint32_t>());
      if (c.kind == Kind::Text && std::string(row[3].c_str()) == "B") c.kind = Kind::Boolean;
      if (row[1].as<bool>()) {
        // Elements of a kind that is itself an array or unknown stay text.
        c = Column{"", Kind::Array, c.kind == Kind::Array ? Kind::Text : c.kind};
      }
      types_[row[0].as<std::uint32_t>()] = c;
    }
  }
  for (pqxx::row::size_type i = 0; i < r.columns(); ++i) {
    const auto it = types_.find(static_cast<std::uint32_t>(r.column_type(i)));
    if (it == types_.end()) continue;
    auto& col = cols[static_cast<std::size_t>(i)];
    col.kind = it->second.kind;
    col.element = it->second.element;
  }
  return cols;
}

std::vector<Column> columns_of(const pqxx::result& r) {
  std::vector<Column> cols;
  cols.reserve(static_cast<std::size_t>(r.columns()));
  for (pqxx::row::size_type i = 0; i < r.columns(); ++i) {
    cols.push_back(column_for_type(r.column_name(i), r.column_type(i)));
  }
  return cols;
}

Table to_table(const pqxx::result& r, std::string name) {
  Table t(std::move(name), columns_of(r));
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
  return t;
}

void emit_rows(const pqxx::result& r, ResultSink& sink) {
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

}  // namespace pgdba
