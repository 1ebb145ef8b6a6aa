#include "commands/sql.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "src/command.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"

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
    if (is_plain_query(st)) {
      run_cursor(st);
    } else {
      run_plain(st);
    }
    track_transaction(st, in_tx);
  }

 private:
  void run_cursor(const Statement& st) {
    const bool own_tx = !in_tx;
    const std::string fetch = "FETCH FORWARD " + std::to_string(o_.fetch_size) + " FROM pgdba_cursor";
    try {
      if (own_tx) s_.exec("BEGIN", "starting a transaction for the cursor");
      s_.exec("DECLARE pgdba_cursor NO SCROLL CURSOR FOR " + st.text, params_, "");
      bool begun = false;
      s_.fetch_all(
          fetch, static_cast<std::size_t>(o_.fetch_size),
          [&](const pqxx::result& r) {
            if (!begun) {
              ctx_.sink().begin_table(name_, columns_of(r));
              begun = true;
            }
            emit_rows(r, ctx_.sink());
          },
          "");
      ctx_.sink().end_table();
      s_.exec("CLOSE pgdba_cursor", "closing the cursor");
      if (own_tx) s_.exec("COMMIT", "committing");
    } catch (const Error& e) {
      if (own_tx && e.kind != ErrorKind::Connect) {
        try {
          s_.exec("ROLLBACK", "rolling back");
        } catch (const Error&) {
          // the original error is the one worth reporting
        }
      }
      throw;
    }
  }

  void run_plain(const Statement& st) {
    pqxx::result r;
    try {
      r = s_.exec(st.text, params_, "");
    } catch (const Error& e) {
      audit(st, std::string("error: ") + e.what());
      throw;
    }
    audit(st, "ok");
    if (r.columns() > 0) {
      ctx_.sink().begin_table(name_, columns_of(r));
      emit_rows(r, ctx_.sink());
      ctx_.sink().end_table();
      return;
    }
    Table status(name_,
                 {Column{"command", Kind::Text, Kind::Text}, Column{"rows_affected", Kind::Integer, Kind::Text}});
    status.add_row({st.keyword, std::to_string(r.affected_rows())});
    status.emit(ctx_.sink());
  }

  void audit(const Statement& st, const std::string& result) {
    if (!ctx_.options().audit_log.empty()) ctx_.record_audit(s_, st.text, result);
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
}

void run_sql(Context& ctx, const SqlOptions& o) {
  const std::string script = read_script(o);
  const std::vector<Statement> statements = split_statements(script);
  if (statements.empty()) throw usage_error("no SQL statement to run");
  if (!o.params.empty() && statements.size() > 1) {
    throw usage_error("--param binds $1, $2, ... of a single statement; the script has " +
                      std::to_string(statements.size()));
  }
  if (!o.batch.empty() && statements.size() != 1) {
    throw usage_error("--batch runs exactly one statement per CSV row; the script has " +
                      std::to_string(statements.size()));
  }
  if (ctx.dry_run()) {
    Table t("dry_run", {Column{"sql", Kind::Text, Kind::Text}});
    for (const auto& st : statements)
      t.add_row({st.text});
    emit_result({t}, ctx.sink());
    return;
  }
  ctx.open_audit_log();
  Session& s = ctx.session(SessionKind::User);
  if (!o.batch.empty()) {
    const std::string audited = statements[0].text + " -- once per row of " + o.batch;
    Result r;
    try {
      r = run_batch(ctx, s, statements[0].text, o);
    } catch (const Error& e) {
      if (!ctx.options().audit_log.empty()) ctx.record_audit(s, audited, std::string("error: ") + e.what());
      throw;
    }
    if (!ctx.options().audit_log.empty()) ctx.record_audit(s, audited, "ok: " + *r[0].row(0)[0] + " rows");
    emit_result(r, ctx.sink());
    return;
  }
  const bool sectioned = statements.size() > 1;
  StatementRunner runner(ctx, s, o, sectioned);
  ResultSink& sink = ctx.sink();
  sink.start(sectioned);
  if (o.single_transaction) {
    s.exec("BEGIN", "starting the transaction");
    runner.in_tx = true;
  }
  int failed = 0;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const Statement& st = statements[i];
    try {
      runner.run(st, static_cast<int>(i + 1));
    } catch (Error& e) {
      if (sectioned || !o.file.empty()) {
        const std::string where = "statement " + std::to_string(i + 1) + " (line " + std::to_string(st.line) + ")";
        e = with_prefix(e, where);
      }
      if (o.on_error == "continue" && e.kind != ErrorKind::Connect) {
        log::error(e.what());
        ++failed;
        continue;
      }
      if (o.single_transaction && e.kind != ErrorKind::Connect) {
        try {
          s.exec("ROLLBACK", "rolling back");
        } catch (const Error&) {
          // report the statement's error, not the rollback's
        }
      }
      throw;  // what was rendered so far is flushed when the sink goes away
    }
  }
  if (o.single_transaction) s.exec("COMMIT", "committing the transaction");
  sink.finish();
  if (failed > 0) {
    log::error(std::to_string(failed) + " of " + std::to_string(statements.size()) + " statements failed");
    ctx.set_exit_code(static_cast<int>(ErrorKind::Partial));
  }
}

void register_sql(CommandTable& table) {
  auto o = std::make_shared<SqlOptions>();
  table.command("sql", "Run SQL: -c SQL or -f FILE, parameters bound as $1..., --batch FILE.csv")
      .option("-c,--command", &o->command, "SQL to run (one or more statements)")
      .option("-f,--file", &o->file, "file of SQL statements to run, - for standard input")
      .option("--param", &o->params, "value bound to $1, $2, ... in order (repeat the option)")
      .flag("--single-transaction", &o->single_transaction, "run everything in one transaction")
      .option("--on-error", &o->on_error, "stop (default) or continue after a failed statement")
      .choices({"stop", "continue"})
      .option("--fetch-size", &o->fetch_size, "rows fetched per round trip from the cursor (default 10000)")
      .option("--batch", &o->batch, "CSV file: run the statement once per row, in one transaction")
      .flag("--batch-header", &o->batch_header, "the --batch file's first line is a header")
      .run([o](Context& ctx) {
        o->validate();
        run_sql(ctx, *o);
      });
}

}  // namespace pgdba
