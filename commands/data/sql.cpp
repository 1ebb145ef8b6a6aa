#include "commands/data/sql.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <regex>
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
      : ctx_(ctx), s_(s), o_(o), sectioned_(sectioned) {
    for (const auto& p : o.params)
      params_.push_back(p.c_str());
  }

  bool in_tx = false;

  void run(const Statement& st, int number) {
    name_ = sectioned_ ? "statement_" + std::to_string(number) : "result";
    // Every statement not provably read-only is audited (select
    // pg_terminate_backend(...) and setval(...) change state too).
    const bool audited = !is_read_only(st);
    try {
      if (is_plain_query(st)) {
        run_cursor(st);
      } else {
        run_plain(st);
      }
    } catch (const Error& e) {
      if (audited) ctx_.record_audit(s_, st.text, std::string("error: ") + e.what());
      throw;
    }
    if (audited) ctx_.record_audit(s_, st.text, "ok");
    track_transaction(st, in_tx);
    if (may_change_output_settings(st)) pin_output_settings();
  }

 private:
  void run_cursor(const Statement& st) {
    const std::string fetch = "FETCH FORWARD " + std::to_string(o_.fetch_size) + " FROM pgdba_cursor";
    // A cursor lives in a transaction: the script's own, or one of pgdba's
    // that never commits anything of the script's.
    std::optional<Transaction> own;
    if (!in_tx) own.emplace(s_, "starting a transaction for the cursor");
    s_.exec("DECLARE pgdba_cursor NO SCROLL CURSOR FOR " + st.text, params_, "");
    // The first batch on its own: typing its columns may need the catalog,
    // which cannot be asked while the pipeline has the next FETCH in flight.
    const Rows first = s_.exec(fetch, "");
    ctx_.sink().begin_table(name_, s_.columns(first));
    emit_rows(first, ctx_.sink());
    if (first.size() >= static_cast<std::size_t>(o_.fetch_size)) {
      s_.fetch_all(
          fetch, static_cast<std::size_t>(o_.fetch_size), [&](const Rows& r) { emit_rows(r, ctx_.sink()); }, "");
    }
    ctx_.sink().end_table();
    s_.exec("CLOSE pgdba_cursor", "closing the cursor");
    if (own) own->commit("committing");
  }

  void run_plain(const Statement& st) {
    const Rows r = s_.exec(st.text, params_, "");
    if (r.columns() > 0) {
      ctx_.sink().begin_table(name_, s_.columns(r));
      emit_rows(r, ctx_.sink());
      ctx_.sink().end_table();
      return;
    }
    Table status(name_,
                 {Column{"command", Kind::Text, Kind::Text}, Column{"rows_affected", Kind::Integer, Kind::Text}});
    status.add_row({st.keyword, std::to_string(r.affected_rows())});
    status.emit(ctx_.sink());
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
      s_.exec(kOutputSettingsSql, "restoring pgdba's output settings");
    } catch (const Error& e) {
      if (e.kind == ErrorKind::Connect) throw;
      // An aborted transaction refuses it; the script's next statement fails
      // anyway, and its ROLLBACK restores the settings pgdba pinned.
    }
  }

  Context& ctx_;
  Session& s_;
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

// Phase 1, before connecting: the script read, split and checked against
// the options.
std::vector<Statement> load_statements(const SqlOptions& o) {
  std::vector<Statement> statements = split_statements(read_script(o));
  if (statements.empty()) throw usage_error("no SQL statement to run");
  if (!o.params.empty() && statements.size() > 1) {
    throw usage_error("--param binds $1, $2, ... of a single statement; the script has " +
                      std::to_string(statements.size()));
  }
  check_param_count(statements[0], o);
  if (!o.batch.empty() && statements.size() != 1) {
    throw usage_error("--batch runs exactly one statement per CSV row; the script has " +
                      std::to_string(statements.size()));
  }
  return statements;
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

// The script, statement by statement, each result streamed as it comes.
void run_statements(Context& ctx, Session& s, const std::vector<Statement>& statements, const SqlOptions& o) {
  const bool sectioned = statements.size() > 1;
  StatementRunner runner(ctx, s, o, sectioned);
  ResultSink& sink = ctx.sink();
  sink.start(sectioned);
  std::optional<Transaction> tx;
  if (o.single_transaction) {
    tx.emplace(s, "starting the transaction");
    runner.in_tx = true;
  }
  int failed = 0;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const Statement& st = statements[i];
    const std::string section = sectioned ? "statement_" + std::to_string(i + 1) : "";
    try {
      runner.run(st, static_cast<int>(i + 1));
    } catch (Error& e) {
      if (sectioned || !o.file.empty()) {
        e = with_prefix(e, "statement " + std::to_string(i + 1) + " (line " + std::to_string(st.line) + ")");
      }
      if (o.on_error == "continue" && e.kind != ErrorKind::Connect && e.kind != ErrorKind::Partial) {
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
    log::error(std::to_string(failed) + " of " + std::to_string(statements.size()) + " statements failed");
    // Partial only if something succeeded: a run where every statement
    // failed is a failure.
    const bool none = failed == static_cast<int>(statements.size());
    ctx.set_exit_code(static_cast<int>(none ? ErrorKind::Failed : ErrorKind::Partial));
  }
}

}  // namespace

void run_sql(Context& ctx, const SqlOptions& o) {
  const std::vector<Statement> statements = load_statements(o);
  if (ctx.dry_run()) {
    for (const auto& st : statements)
      ctx.plan(st.text);
    ctx.emit({});
    return;
  }
  ctx.open_audit_log();
  Session& s = ctx.session(SessionKind::User);
  if (!o.batch.empty()) {
    run_batch_audited(ctx, s, statements[0], o);
  } else {
    run_statements(ctx, s, statements, o);
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
      .option("-f,--file", &o->file, "file of SQL statements to run, - for standard input")
      .option("--param", &o->params, "value bound to $1, $2, ... in order (repeat the option)")
      .flag("--single-transaction", &o->single_transaction, "run everything in one transaction")
      .option("--on-error", &o->on_error, "stop (default) or continue after a failed statement")
      .choices({"stop", "continue"})
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
