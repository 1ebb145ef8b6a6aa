#include "commands/data/sql.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "src/command.hpp"
#include "src/conninfo.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/runner.hpp"

namespace pgdba {

namespace {

std::string read_script(const SqlOptions& o) {
  if (!o.command.empty()) return o.command;
  if (o.file == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(o.file, std::ios::binary);
  if (!in) throw usage_error("cannot open \"" + o.file + "\": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Tracks whether the script itself has a transaction open, so pgdba's own
// BEGIN/COMMIT around a cursor never commits the script's transaction.
void track_transaction(const Statement& st, bool& in_tx) {
  const std::string& k = st.keyword;
  if (k == "BEGIN" || k == "START") {
    in_tx = true;
    return;
  }
  if (k != "COMMIT" && k != "END" && k != "ROLLBACK" && k != "ABORT" && k != "PREPARE") return;
  std::string upper;
  for (char c : code_mask(st.text))
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (k == "PREPARE" && upper.find("TRANSACTION") == std::string::npos) return;
  if (upper.find(" CHAIN") != std::string::npos && upper.find("NO CHAIN") == std::string::npos) return;
  if (k == "ROLLBACK" && upper.find(" TO ") != std::string::npos) return;
  in_tx = false;
}

// The server would answer a --param count mismatch with a protocol
// violation; say it plainly before sending anything.
void check_param_count(const Statement& st, const SqlOptions& o) {
  if (o.params.empty()) return;
  const int used = max_parameter(st.text);
  if (used == static_cast<int>(o.params.size())) return;
  throw usage_error("--param gave " + std::to_string(o.params.size()) + " value(s) but the statement uses " +
                    (used == 0   ? std::string("no parameters")
                     : used == 1 ? std::string("$1")
                                 : "$1 to $" + std::to_string(used)));
}

class StatementRunner {
 public:
  StatementRunner(Context& ctx, Session& s, const SqlOptions& o, bool sectioned)
      : ctx_(ctx), s_(&s), o_(o), sectioned_(sectioned) {
    for (const auto& p : o.params)
      params_.push_back(p.c_str());
  }

  bool in_tx = false;

  // After \connect: statements go to the new session, outside any
  // transaction the old one had.
  void use(Session& s) {
    s_ = &s;
    in_tx = false;
  }

  // The script's text, for COPY ... FROM STDIN data.
  std::string_view script;
  // \gset: the variables it sets.
  std::map<std::string, std::string>* vars = nullptr;

  void run(const Statement& st, int number) {
    name_ = sectioned_ ? "statement_" + std::to_string(number) : "result";
    // Every statement not provably read-only is audited (select
    // pg_terminate_backend(...) and setval(...) change state too).
    const bool audited = !is_read_only(st);
    try {
      if (st.sent_by.name == "gset") {
        run_gset(st);
      } else if (st.copy_in && !st.client_file.empty()) {
        run_copy_in_file(st);
      } else if (st.copy_in) {
        run_copy_in(st);
      } else if (!st.client_file.empty()) {
        run_copy_to_file(st);
      } else if (is_copy_out(st)) {
        run_copy_out(st);
      } else if (is_plain_query(st) && params_.empty() && ctx_.sink().takes_copy_csv()) {
        run_copy_csv(st);
      } else if (is_plain_query(st)) {
        run_cursor(st);
      } else {
        run_plain(st);
      }
    } catch (const Error& e) {
      if (audited) ctx_.record_audit(*s_, st.text, std::string("error: ") + e.what());
      throw;
    }
    if (audited) ctx_.record_audit(*s_, st.text, "ok");
    track_transaction(st, in_tx);
    if (may_change_output_settings(st)) pin_output_settings();
  }

 private:
  void run_cursor(const Statement& st) {
    const std::string fetch = "FETCH FORWARD " + std::to_string(o_.fetch_size) + " FROM pgdba_cursor";
    // A cursor lives in a transaction: the script's own, or one of pgdba's
    // that never commits anything of the script's.
    std::optional<Transaction> own;
    if (!in_tx) own.emplace(*s_, "starting a transaction for the cursor");
    s_->exec("DECLARE pgdba_cursor NO SCROLL CURSOR FOR " + st.sql, params_, "");
    // The first batch on its own: typing its columns may need the catalog,
    // which cannot be asked while the pipeline has the next FETCH in flight.
    const Rows first = s_->exec(fetch, "");
    ctx_.sink().begin_table(name_, s_->columns(first));
    emit_rows(first, ctx_.sink());
    std::size_t rows = first.size();
    if (first.size() >= static_cast<std::size_t>(o_.fetch_size)) {
      s_->fetch_all(
          fetch, static_cast<std::size_t>(o_.fetch_size),
          [&](const Rows& r) {
            rows += r.size();
            emit_rows(r, ctx_.sink());
          },
          "");
    }
    ctx_.sink().end_table();
    s_->exec("CLOSE pgdba_cursor", "closing the cursor");
    if (own) own->commit("committing");
    // JSON lines are records, not tables: a query that found nothing still
    // writes one, so every statement of a script can be counted.
    if (rows == 0 && sectioned_ && ctx_.options().output == "jsonl") status(st, 0);
  }

  // -o csv of a query: COPY (query) TO STDOUT writes the very CSV the
  // renderer would (its dialect is COPY's), so pgdba only moves bytes, at
  // \copy's speed. The columns, for the header, come from the query's shape
  // (LIMIT 0 runs nothing). The newlines keep a trailing comment from
  // swallowing the closing parenthesis.
  void run_copy_csv(const Statement& st) {
    const Rows shape = s_->exec("SELECT * FROM (" + st.sql + "\n) AS pgdba_query LIMIT 0", "");
    ctx_.sink().begin_table(name_, s_->columns(shape));
    s_->copy_out(
        "COPY (" + st.sql + "\n) TO STDOUT (FORMAT csv)", [&](std::string_view rows) { ctx_.sink().copy_csv(rows); },
        "");
    ctx_.sink().end_table();
  }

  static bool is_copy_out(const Statement& st) {
    static const std::regex to_stdout(R"(\bto\s+stdout\b)", std::regex::icase);
    return st.keyword == "COPY" && std::regex_search(code_mask(st.sql, st.standard_strings), to_stdout);
  }

  void status(const Statement& st, std::uint64_t rows) {
    Table t(name_, {Column{"command", Kind::Text, Kind::Text}, Column{"rows_affected", Kind::Integer, Kind::Text}});
    t.add_row({st.keyword, std::to_string(rows)});
    t.emit(ctx_.sink());
  }

  // \copy ... from 'file': the file streamed in chunks.
  void run_copy_in_file(const Statement& st) {
    const int fd = open(st.client_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw failure("\\copy: cannot open \"" + st.client_file + "\": " + std::strerror(errno));
    std::vector<char> buf(std::size_t{256} * 1024);
    std::uint64_t rows = 0;
    try {
      rows = s_->copy_in(
          st.sql,
          [&](std::string_view& chunk) {
            for (;;) {
              const ssize_t n = read(fd, buf.data(), buf.size());
              if (n < 0 && errno == EINTR) continue;
              if (n < 0) throw failure("\\copy: cannot read \"" + st.client_file + "\": " + std::strerror(errno));
              if (n == 0) return false;
              chunk = std::string_view(buf.data(), static_cast<std::size_t>(n));
              return true;
            }
          },
          "");
    } catch (...) {
      close(fd);
      throw;
    }
    close(fd);
    status(st, rows);
  }

  // \copy ... to 'file': COPY's output written to the file as it comes.
  void run_copy_to_file(const Statement& st) {
    std::ofstream out(st.client_file, std::ios::binary | std::ios::trunc);
    if (!out) throw failure("\\copy: cannot write \"" + st.client_file + "\": " + std::strerror(errno));
    const std::uint64_t rows = s_->copy_out(
        st.sql, [&](std::string_view row) { out.write(row.data(), static_cast<std::streamsize>(row.size())); }, "");
    out.flush();
    if (!out) throw failure("\\copy: cannot write \"" + st.client_file + "\"");
    status(st, rows);
  }

  // The inline data after COPY ... FROM STDIN, line by line from the script.
  void run_copy_in(const Statement& st) {
    std::size_t at = st.data_begin;
    const std::size_t end = st.data_end;
    const std::uint64_t rows = s_->copy_in(
        st.sql,
        [&](std::string_view& chunk) {
          if (at >= end) return false;
          // Up to 64 kB of whole lines at a time.
          std::size_t stop = std::min(end, at + 65536);
          if (stop < end) {
            const std::size_t nl = script.rfind('\n', stop - 1);
            stop = nl != std::string_view::npos && nl >= at ? nl + 1 : std::min(end, script.find('\n', stop) + 1);
          }
          chunk = script.substr(at, stop - at);
          at = stop;
          return true;
        },
        "");
    status(st, rows);
  }

  // COPY ... TO STDOUT: a section of one text column, one row per line of
  // COPY's output (without the line end), streamed.
  void run_copy_out(const Statement& st) {
    bool begun = false;
    const auto begin = [&] {
      if (begun) return;
      ctx_.sink().begin_table(name_, {Column{"copy", Kind::Text, Kind::Text}});
      begun = true;
    };
    s_->copy_out(
        st.sql,
        [&](std::string_view row) {
          begin();
          if (!row.empty() && row.back() == '\n') row.remove_suffix(1);
          const CellView cell{row.data(), row.size(), false};
          ctx_.sink().row(&cell);
        },
        "");
    begin();
    ctx_.sink().end_table();
  }

  // \gset [PREFIX]: one row, each column a variable (NULL unsets it).
  void run_gset(const Statement& st) {
    const Rows r = s_->exec(st.sql, params_, "");
    if (r.columns() == 0) throw failure("\\gset: the statement returned no columns");
    if (r.size() == 0) throw failure("no rows returned for \\gset");
    if (r.size() > 1) throw failure("more than one row returned for \\gset");
    const std::string prefix = st.sent_by.args;
    for (std::size_t c = 0; c < r.columns(); ++c) {
      const std::string name = prefix + r.column_name(c);
      const Field f = r[0][c];
      if (f.is_null()) {
        vars->erase(name);
      } else {
        (*vars)[name] = f.str();
      }
    }
    status(st, r.size());
  }

  void run_plain(const Statement& st) {
    const Rows r = s_->exec(st.sql, params_, "");
    if (r.columns() > 0) {
      ctx_.sink().begin_table(name_, s_->columns(r));
      emit_rows(r, ctx_.sink());
      ctx_.sink().end_table();
      return;
    }
    status(st, r.affected_rows());
  }

  // The renderers type dates, intervals, bytea and floats by the formats
  // pgdba set at connect; a script's SET DateStyle etc. would break that, so
  // they are set again after any statement that may have changed them.
  static bool may_change_output_settings(const Statement& st) {
    if (st.keyword == "SET" || st.keyword == "RESET" || st.keyword == "DISCARD") return true;
    static const std::regex names(R"(datestyle|intervalstyle|bytea_output|extra_float_digits|set_config)",
                                  std::regex::icase);
    return std::regex_search(st.text, names);  // the raw text: DO bodies too
  }

  void pin_output_settings() {
    try {
      s_->exec(kOutputSettingsSql, "restoring pgdba's output settings");
    } catch (const Error& e) {
      if (e.kind == ErrorKind::Connect) throw;
      // An aborted transaction refuses it; the script's next statement fails
      // anyway, and its ROLLBACK restores the settings pgdba pinned.
    }
  }

  Context& ctx_;
  Session* s_;
  const SqlOptions& o_;
  bool sectioned_;
  Params params_;
  std::string name_;
};

}  // namespace

void SqlOptions::validate() const {
  if (command.empty() == file.empty()) throw usage_error("give exactly one of -c SQL or -f FILE");
  if (on_error != "stop" && on_error != "continue") throw usage_error("--on-error takes stop or continue");
  if (on_error == "continue" && single_transaction) {
    throw usage_error(
        "--on-error continue cannot be combined with --single-transaction: "
        "one failed statement aborts the whole transaction");
  }
  if (fetch_size < 1) throw usage_error("--fetch-size must be at least 1");
  if (!batch.empty() && !params.empty())
    throw usage_error("--batch takes its parameters from the CSV file, not --param");
  if (batch == "-" && file == "-") {
    throw usage_error("-f - and --batch - cannot both read standard input; put one of them in a file");
  }
}

namespace {

// The meta-commands pgdba runs with psql's meaning; any other is refused
// before anything runs.
const std::set<std::string>& supported_meta() {
  static const std::set<std::string> names = {
      "echo",   "set",      "unset",      "if", "elif",    "else", "endif",
      "timing", "restrict", "unrestrict", "i",  "include", "ir",   "include_relative",
      "copy",   "connect",  "c"};
  return names;
}

std::string supported_meta_list() {
  return "\\g, \\gset, \\echo, \\set, \\unset, \\if, \\elif, \\else, \\endif, \\i, \\ir, \\copy, \\connect, \\timing, "
         "\\restrict, \\unrestrict";
}

// A script read and lexed, with the files it includes (\i, \ir) spliced
// in: their texts (COPY data points into them) and the items, each with the
// text it came from.
struct Script {
  std::deque<std::string> texts;
  std::vector<ScriptItem> items;
  std::vector<std::size_t> text_of;  // per item: its index in texts
  std::vector<const Statement*> statements() const {
    std::vector<const Statement*> out;
    for (const auto& i : items)
      if (!i.is_meta) out.push_back(&i.statement);
    return out;
  }
};

Error unsupported(int line, const std::string& what) {
  return usage_error("line " + std::to_string(line) + ": " + what + " is not supported by pgdba sql (it runs " +
                     supported_meta_list() + "); nothing was run");
}

// Refuses, before connecting, what pgdba would not run as psql does: an
// unsupported meta-command anywhere (even in a branch \if skips), \g with
// a file or command, and \if blocks that do not close.
void check_meta_commands(const Script& sc, bool single_transaction) {
  int depth = 0;
  std::string restricted;
  for (const auto& item : sc.items) {
    if (!item.is_meta) {
      const MetaCommand& m = item.statement.sent_by;
      if (m.name == "g" && !m.args.empty())
        throw unsupported(m.line, "\\g with a file or command (\\g " + m.args + ")");
      continue;
    }
    const MetaCommand& m = item.meta;
    if (supported_meta().count(m.name) == 0) throw unsupported(m.line, "psql meta-command \\" + m.name);
    if ((m.name == "connect" || m.name == "c") && single_transaction)
      throw usage_error("line " + std::to_string(m.line) +
                        ": \\connect cannot be part of --single-transaction (one transaction is one connection)");
    // pg_dump's \restrict KEY ... \unrestrict KEY: psql runs no other
    // meta-command in between, so neither does pgdba.
    if (!restricted.empty() && !(m.name == "unrestrict" && m.args == restricted)) {
      throw usage_error("line " + std::to_string(m.line) + ": \\" + m.name +
                        " inside \\restrict (the script's data may not run meta-commands)");
    }
    if (m.name == "restrict") {
      if (m.args.empty()) throw usage_error("line " + std::to_string(m.line) + ": \\restrict needs a key");
      restricted = m.args;
      continue;
    }
    if (m.name == "unrestrict") {
      restricted.clear();
      continue;
    }
    if (m.name == "if") ++depth;
    if (m.name == "elif" || m.name == "else" || m.name == "endif") {
      if (depth == 0)
        throw usage_error("line " + std::to_string(m.line) + ": \\" + m.name + " without a matching \\if");
      if (m.name == "endif") --depth;
    }
  }
  if (depth > 0) throw usage_error("the script ends without the \\endif of " + std::to_string(depth) + " \\if");
}

// psql's variables before the script runs: --set NAME=VALUE.
std::map<std::string, std::string> initial_variables(const SqlOptions& o) {
  std::map<std::string, std::string> vars;
  for (const auto& v : o.variables) {
    const auto eq = v.find('=');
    vars[v.substr(0, eq)] = eq == std::string::npos ? "" : v.substr(eq + 1);
  }
  return vars;
}

bool is_include(const std::string& name) {
  return name == "i" || name == "include" || name == "ir" || name == "include_relative";
}

std::string read_included(const std::string& path, const std::string& by) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw usage_error(by + ": cannot open \"" + path + "\": " + std::strerror(errno) + "; nothing was run");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Adds the items of `text` (read from `where`: "" for the command line, a
// file name otherwise) to the script, each file checked on its own as psql
// reads it (its \if blocks closed in it), with \i FILE (relative to the
// current directory) and \ir FILE (relative to the including file) replaced
// by the file's own items, so that everything is read and checked before
// anything runs. psql reads an included file when it gets there; the
// difference shows only for a file missing where a skipped \if branch
// includes it. `chain`: the files being included, to refuse a cycle.
void add_items(Script& sc, std::string text, const std::string& where, const std::string& dir, bool single_transaction,
               std::vector<std::string>& chain, const std::function<const std::string*(const std::string&)>& lookup) {
  sc.texts.push_back(std::move(text));
  const std::size_t index = sc.texts.size() - 1;
  Script own;
  own.items = lex_script(sc.texts.back());
  const std::string in = where.empty() ? "" : where + ", ";
  try {
    check_meta_commands(own, single_transaction);
  } catch (const Error& e) {
    throw where.empty() ? e : with_prefix(e, where);
  }
  for (auto& item : own.items) {
    if (item.is_meta && item.meta.name == "copy") {
      // \copy is a COPY statement whose data is a file on this side.
      ScriptItem copy;
      try {
        copy.statement = slash_copy_statement(item.meta);
      } catch (const Error& e) {
        throw where.empty() ? e : with_prefix(e, where);
      }
      sc.items.push_back(std::move(copy));
      sc.text_of.push_back(index);
      continue;
    }
    if (!item.is_meta || !is_include(item.meta.name)) {
      sc.items.push_back(std::move(item));
      sc.text_of.push_back(index);
      continue;
    }
    const MetaCommand& m = item.meta;
    const std::string by = in + "line " + std::to_string(m.line) + ": \\" + m.name;
    const auto args = meta_args(m.args, lookup);
    if (args.size() != 1) throw usage_error(by + " takes one file name; nothing was run");
    const bool relative = m.name == "ir" || m.name == "include_relative";
    std::string path = args[0];
    if (relative && !path.empty() && path[0] != '/') path = dir + path;
    std::error_code ec;
    const std::string canonical = std::filesystem::weakly_canonical(path, ec).string();
    if (std::find(chain.begin(), chain.end(), canonical) != chain.end())
      throw usage_error(by + " " + path + " includes itself again (a cycle); nothing was run");
    if (chain.size() >= 32) throw usage_error(by + ": more than 32 nested includes; nothing was run");
    std::string body = read_included(path, by);
    const auto slash = path.rfind('/');
    chain.push_back(canonical);
    add_items(sc, std::move(body), path, slash == std::string::npos ? "" : path.substr(0, slash + 1),
              single_transaction, chain, lookup);
    chain.pop_back();
  }
}

// Phase 1, before connecting: the script read, lexed (its includes too)
// and checked against the options.
Script load_script(const SqlOptions& o) {
  Script sc;
  const std::map<std::string, std::string> vars = initial_variables(o);
  const auto lookup = [&](const std::string& name) -> const std::string* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : &it->second;
  };
  const bool from_file = o.command.empty() && o.file != "-";
  std::vector<std::string> chain;
  std::string dir;
  if (from_file) {
    std::error_code ec;
    chain.push_back(std::filesystem::weakly_canonical(o.file, ec).string());
    const auto slash = o.file.rfind('/');
    dir = slash == std::string::npos ? "" : o.file.substr(0, slash + 1);
  }
  add_items(sc, read_script(o), "", dir, o.single_transaction, chain, lookup);
  const auto statements = sc.statements();
  if (statements.empty()) throw usage_error("no SQL statement to run");
  if (!o.params.empty() && statements.size() > 1) {
    throw usage_error("--param binds $1, $2, ... of a single statement; the script has " +
                      std::to_string(statements.size()));
  }
  check_param_count(*statements[0], o);
  if (!o.batch.empty() && (statements.size() != 1 || sc.items.size() != 1)) {
    throw usage_error("--batch runs exactly one statement per CSV row; the script has " +
                      std::to_string(statements.size()));
  }
  return sc;
}

// --batch: one statement once per CSV row, audited as one change.
void run_batch_audited(Context& ctx, Session& s, const Statement& st, const SqlOptions& o) {
  const std::string audited = st.text + " -- once per row of " + o.batch;
  Result r;
  try {
    r = run_batch(ctx, s, st.text, o);
  } catch (const Error& e) {
    ctx.record_audit(s, audited, std::string("error: ") + e.what());
    throw;
  }
  ctx.record_audit(s, audited, "ok");
  emit_result(r, ctx.sink());
}

// psql's \if state: one frame per open \if.
struct Branch {
  bool outer_active;  // the \if itself is in a branch that runs
  bool taken;         // some branch of it has run (or is running)
  bool active;        // the current branch runs
};

bool running(const std::vector<Branch>& stack) {
  return stack.empty() || stack.back().active;
}

// Where \connect goes: psql's positional form (dbname user host port, "-"
// or an omitted one keeping the previous value), a key=value conninfo
// (pg_dumpall writes \connect -reuse-previous=on "dbname='x'") or a
// postgresql:// URI, the values not given kept from the previous connection.
struct ConnectTo {
  ConnOptions conn;
  std::string dbname;  // "" keeps the database
};

ConnectTo connect_target(const std::vector<std::string>& raw, ConnectTo now) {
  // psql reads these as identifiers: "My DB" is My DB, quotes and all removed.
  std::vector<std::string> a;
  for (const auto& r : raw) {
    if (r.size() < 2 || r.front() != '"' || r.back() != '"') {
      a.push_back(r);
      continue;
    }
    std::string v;
    for (std::size_t i = 1; i + 1 < r.size(); ++i) {
      if (r[i] == '"' && r[i + 1] == '"') ++i;
      v += r[i];
    }
    a.push_back(v);
  }
  if (!a.empty() && a[0].rfind("-reuse-previous=", 0) == 0) a.erase(a.begin());
  if (!a.empty() && is_connection_string(a[0])) {
    // A conninfo string or a postgresql:// URI, read by libpq.
    for (const auto& [key, value] : parse_dsn(a[0], "connection string")) {
      if (key == "dbname")
        now.dbname = value;
      else if (key == "user")
        now.conn.user = value;
      else if (key == "host")
        now.conn.host = value;
      else if (key == "port")
        now.conn.port = value;
      else
        throw usage_error("only dbname, user, host and port can change, not " + key);
    }
    return now;
  }
  if (a.size() > 4) throw usage_error("it takes at most dbname user host port");
  std::string* fields[] = {&now.dbname, &now.conn.user, &now.conn.host, &now.conn.port};
  for (std::size_t k = 0; k < a.size(); ++k)
    if (a[k] != "-") *fields[k] = a[k];
  return now;
}

// The script, item by item, each result streamed as it comes: statements
// are sent with variables interpolated, meta-commands run with psql's
// meaning.
void run_statements(Context& ctx, Session& s, const Script& sc, const SqlOptions& o) {
  const std::size_t total = sc.statements().size();
  const bool sectioned = total > 1;
  StatementRunner runner(ctx, s, o, sectioned);
  // \connect moves the script to another session.
  std::unique_ptr<Session> connected;
  ConnectTo now{ctx.options().conn, ""};
  std::map<std::string, std::string> vars = initial_variables(o);
  runner.vars = &vars;
  const auto lookup = [&](const std::string& name) -> const std::string* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : &it->second;
  };
  bool stop_on_error = o.on_error != "continue";
  ResultSink& sink = ctx.sink();
  sink.start(sectioned);
  std::optional<Transaction> tx;
  if (o.single_transaction) {
    tx.emplace(s, "starting the transaction");
    runner.in_tx = true;
  }
  int failed = 0;
  int number = 0;
  std::vector<Branch> branches;
  for (std::size_t at = 0; at < sc.items.size(); ++at) {
    const ScriptItem& item = sc.items[at];
    runner.script = sc.texts[sc.text_of[at]];
    if (item.is_meta) {
      const MetaCommand& m = item.meta;
      const bool run_now = running(branches);
      if (m.name == "if") {
        bool value = false;
        if (run_now) {
          const auto args = meta_args(m.args, lookup);
          std::string expr;
          for (const auto& a : args)
            expr += (expr.empty() ? "" : " ") + a;
          const auto b = parse_psql_bool(expr);
          if (!b)
            log::error("line " + std::to_string(m.line) + ": unrecognized value \"" + expr +
                       "\" for \"\\if expression\": Boolean expected; the \\if is false");
          value = b.value_or(false);
        }
        branches.push_back({run_now, value, run_now && value});
      } else if (m.name == "elif") {
        Branch& b = branches.back();
        bool value = false;
        if (b.outer_active && !b.taken) {
          std::string expr;
          for (const auto& a : meta_args(m.args, lookup))
            expr += (expr.empty() ? "" : " ") + a;
          const auto v = parse_psql_bool(expr);
          if (!v)
            log::error("line " + std::to_string(m.line) + ": unrecognized value \"" + expr +
                       "\" for \"\\elif expression\": Boolean expected; the \\elif is false");
          value = v.value_or(false);
        }
        b.active = b.outer_active && !b.taken && value;
        b.taken = b.taken || b.active;
      } else if (m.name == "else") {
        Branch& b = branches.back();
        b.active = b.outer_active && !b.taken;
        b.taken = true;
      } else if (m.name == "endif") {
        branches.pop_back();
      } else if (!run_now) {
        continue;
      } else if (m.name == "echo") {
        // Standard error, so json, jsonl and csv on standard output stay parseable.
        auto args = meta_args(m.args, lookup);
        bool newline = true;
        if (!args.empty() && args[0] == "-n") {
          newline = false;
          args.erase(args.begin());
        }
        std::string line;
        for (const auto& a : args)
          line += (line.empty() ? "" : " ") + a;
        std::cerr << line << (newline ? "\n" : "") << std::flush;
      } else if (m.name == "set" || m.name == "unset") {
        const auto args = meta_args(m.args, lookup);
        if (args.empty()) continue;  // psql lists its variables; there are none to show here
        std::string value;
        for (std::size_t k = 1; k < args.size(); ++k)
          value += args[k];
        if (m.name == "set") {
          vars[args[0]] = value;
        } else {
          vars.erase(args[0]);
        }
        if (args[0] == "ON_ERROR_STOP") {
          const auto b = m.name == "set" ? parse_psql_bool(value) : std::optional<bool>(false);
          // --single-transaction always stops: the transaction is aborted anyway.
          if (b) stop_on_error = *b || o.single_transaction;
        }
      } else if (m.name == "connect" || m.name == "c") {
        // As psql running a script: a \connect that fails ends it.
        try {
          const ConnectTo next = connect_target(meta_args(m.args, lookup), now);
          connected = ctx.open_session_with(next.conn, SessionKind::User, next.dbname);
          runner.use(*connected);
          now = next;
          log::info("line " + std::to_string(m.line) + ": connected to database \"" + connected->dbname() + "\"");
        } catch (Error& e) {
          e = with_prefix(e, "line " + std::to_string(m.line) + ": \\connect");
          ctx.fail_output(e, "");
          throw;
        }
      } else if (m.name == "timing") {
        log::info("line " + std::to_string(m.line) +
                  ": \\timing is ignored; -vv logs every statement with its duration");
      }
      continue;
    }
    if (!running(branches)) continue;
    Statement st = item.statement;
    st.sql = prepare_sql(st.sql, st.standard_strings, lookup);
    if (st.sql != item.statement.sql) st.text = prepare_sql(st.text, st.standard_strings, lookup);
    const int i = number++;
    const std::string section = sectioned ? "statement_" + std::to_string(i + 1) : "";
    try {
      runner.run(st, i + 1);
    } catch (Error& e) {
      if (sectioned || !o.file.empty()) {
        e = with_prefix(e, "statement " + std::to_string(i + 1) + " (line " + std::to_string(st.line) + ")");
      }
      if (!stop_on_error && e.kind != ErrorKind::Connect && e.kind != ErrorKind::Partial) {
        log::error(e.what());
        ctx.fail_table(e, section);
        ++failed;
        continue;
      }
      if (tx) {
        tx->rollback();
        if (e.kind == ErrorKind::Partial) {
          e = failure("the audit record could not be written, so the transaction was rolled back; nothing was changed");
        }
      }
      ctx.fail_output(e, section);
      throw;
    }
  }
  if (tx) tx->commit();
  sink.finish();
  if (failed > 0) {
    log::error(std::to_string(failed) + " of " + std::to_string(number) + " statements failed");
    // Partial only if something succeeded: a run where every statement
    // failed is a failure.
    const bool none = failed == number;
    ctx.set_exit_code(static_cast<int>(none ? ErrorKind::Failed : ErrorKind::Partial));
  }
}

}  // namespace

void run_sql(Context& ctx, const SqlOptions& o) {
  const Script sc = load_script(o);
  if (ctx.dry_run()) {
    for (const Statement* st : sc.statements())
      ctx.plan(st->text);
    ctx.emit({});
    return;
  }
  ctx.open_audit_log();
  Session& s = ctx.session(SessionKind::User);
  if (!o.batch.empty()) {
    run_batch_audited(ctx, s, *sc.statements()[0], o);
  } else {
    run_statements(ctx, s, sc, o);
  }
}

namespace {

// One statement on every database or target: results are collected per unit
// and merged with database/target columns; a statement that may change
// something needs --yes (or --dry-run) and is audited per unit.
void run_sql_fanned_out(Context& ctx, const VerbRecord& verb, const SqlOptions& o) {
  if (!o.batch.empty())
    throw usage_error("--batch runs on one database; it cannot be combined with --all-databases or targets");
  const std::vector<Statement> statements = split_statements(read_script(o));
  if (statements.size() != 1) {
    throw usage_error("with --all-databases or targets, give exactly one statement; the script has " +
                      std::to_string(statements.size()));
  }
  const Statement& st = statements[0];
  check_param_count(st, o);
  const bool read_only = is_read_only(st);
  if (!read_only && !ctx.options().yes && !ctx.dry_run()) {
    throw usage_error(
        "refusing to run a statement that may change data on several databases or targets without "
        "--yes");
  }
  Params params;
  for (const auto& p : o.params)
    params.push_back(p.c_str());
  run_verb(ctx, verb, [&](Unit& u) -> Result {
    Session& s = u.session();
    Rows r;
    if (read_only) {
      r = s.exec(st.text, params, "");
    } else {
      r = ctx.mutate(s, st.text, "", params);
      if (ctx.dry_run()) return {};
    }
    if (r.columns() == 0) {
      Table status("result",
                   {Column{"command", Kind::Text, Kind::Text}, Column{"rows_affected", Kind::Integer, Kind::Text}});
      status.add_row({st.keyword, std::to_string(r.affected_rows())});
      return {status};
    }
    return {s.table(r, "result")};
  });
}

}  // namespace

void register_sql(CommandTable& table) {
  auto o = std::make_shared<SqlOptions>();
  Verb sql = table.raw_command("sql", "Run SQL: -c SQL or -f FILE, parameters bound as $1..., --batch FILE.csv",
                               {Need::User, Effect::Change, 0, true});
  const VerbRecord* rec = &sql.record();
  sql.option("-c,--command", &o->command, "SQL to run (one or more statements)")
      .option("-f,--file", &o->file,
              "psql script to run, - for standard input: COPY ... FROM stdin data, \\g, \\gset, \\echo, "
              "\\set/\\unset and :var, \\if/\\elif/\\else/\\endif, \\i and \\ir (included files read "
              "and checked first), \\copy to and from files, \\connect (a failed one ends the script), \\timing "
              "(ignored), \\restrict; any other "
              "meta-command is refused before anything runs")
      .option("--param", &o->params, "value bound to $1, $2, ... in order (repeat the option)")
      .flag("--single-transaction", &o->single_transaction, "run everything in one transaction")
      .option("--on-error", &o->on_error, "stop (default) or continue after a failed statement")
      .choices({"stop", "continue"})
      .option("--set,--variable", &o->variables,
              "NAME=VALUE: a psql variable for :NAME in the script, as psql -v (repeat the option)")
      .option("--fetch-size", &o->fetch_size, "rows fetched per round trip from the cursor (default 10000)")
      .option("--batch", &o->batch, "CSV file: run the statement once per row, in one transaction")
      .flag("--batch-header", &o->batch_header, "the --batch file's first line is a header")
      .run([o, rec](Context& ctx) {
        o->validate();
        if (rec->fan_out.all_databases || !ctx.targets().empty()) {
          run_sql_fanned_out(ctx, *rec, *o);
        } else {
          if (!rec->fan_out.exclude.empty()) throw usage_error("--exclude-database needs --all-databases");
          run_sql(ctx, *o);
        }
      });
}

}  // namespace pgdba
