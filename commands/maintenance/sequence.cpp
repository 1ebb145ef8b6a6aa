// sequence list and reset: how much of each sequence's range is used (the
// number that wraps an insert-heavy table's id), and the usual fix after a
// bulk load or a restore that left a sequence behind its column, done under
// a lock so no insert slips in between reading the column and setting the
// sequence.
#include <optional>

#include "commands/maintenance/maintenance.hpp"
#include "commands/maintenance/task.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct SequenceListOptions {
  std::vector<std::string> schemas;
};

struct SequenceResetOptions {
  std::vector<std::string> names;
  bool all = false, to_max = false, force = false;
  std::string schema;
  long long to = 0;  // --to, parsed from to_text
  std::string to_text;

  void validate() const {
    const bool value = !to_text.empty();
    if (value == to_max) throw usage_error("say where to: --to VALUE or --to-max-of-column");
    if (all == !names.empty()) throw usage_error("name the sequences, or give --all --schema S");
    if (all && schema.empty()) throw usage_error("--all needs --schema");
    if (!all && !schema.empty()) throw usage_error("--schema goes with --all");
    if (all && value) throw usage_error("--all sets each sequence from its column: use --to-max-of-column");
  }
};

Result list_sequences(Unit& u, const SequenceListOptions& o) {
  Session& s = u.session();
  std::optional<std::string> schemas;
  if (!o.schemas.empty()) schemas = text_array_literal(o.schemas);
  Table t = s.table(s.exec(sql_text("maintenance/sequences", s.server_version()),
                           {schemas ? schemas->c_str() : nullptr}, "listing sequences"),
                    "sequences");
  return {t};
}

long long as_ll(const Field& f) {
  return f.as<long long>();
}

// One sequence: where it is now, where it should be, and the setval that
// gets it there (nothing when it is already far enough).
struct Reset {
  std::string schema, name, owned_by, statement, status, error;
  std::optional<long long> before, column_edge, after;
};

std::string setval_sql() {
  return "SELECT pg_catalog.setval($1::regclass, $2::int8, $3::bool)";
}

Reset reset_one(Unit& u, Session& s, const RowRef& seq, const SequenceResetOptions& o) {
  Reset r;
  r.schema = seq["schema"].str();
  r.name = seq["name"].str();
  const std::string qualified = quote_qualified(r.schema, r.name);
  const bool owned = !seq["table"].is_null();
  const std::string table_schema = owned ? seq["table_schema"].str() : "";
  const std::string table = owned ? seq["table"].str() : "";
  const std::string column = owned ? seq["column"].str() : "";
  if (owned) r.owned_by = table_schema + "." + table + "." + column;  // for people: unquoted
  const long long inc = as_ll(seq["increment"]);
  const bool up = inc > 0;

  Transaction tx(s, "starting the reset of " + qualified);
  if (owned) {
    // Writers wait (readers do not) until the sequence is set: a row
    // inserted between reading the column and setval would be overtaken.
    s.exec("LOCK TABLE " + quote_qualified(table_schema, table) + " IN EXCLUSIVE MODE", "locking " + r.owned_by);
    std::string edge = up ? "SELECT max(" : "SELECT min(";
    edge += quote_ident(column);
    edge += ")::int8 FROM ";
    edge += quote_qualified(table_schema, table);
    const Rows m = s.exec(edge, "reading " + r.owned_by);
    if (!m[0][0].is_null()) r.column_edge = as_ll(m[0][0]);
  }
  const Rows cur =
      s.exec("SELECT last_value::int8, is_called FROM " + quote_qualified(r.schema, r.name), "reading " + qualified);
  const long long last = as_ll(cur[0][0]);
  const bool called = cur[0][1].as<bool>();
  // The value the next nextval() hands out.
  const long long next = called ? last + inc : last;
  r.before = last;

  long long value = 0;
  bool is_called = true;
  if (o.to_max) {
    if (!owned) {
      r.status = "failed";
      r.error = "no column owns " + qualified + ": give --to VALUE";
      return r;
    }
    if (!r.column_edge) {
      // An empty column: start over from the sequence's start.
      value = as_ll(seq["start"]);
      is_called = false;
    } else {
      value = *r.column_edge;
    }
    const long long would_hand_out = is_called ? value + inc : value;
    if (up ? next >= would_hand_out : next <= would_hand_out) {
      r.status = "already ahead";
      r.after = last;
      return r;
    }
  } else {
    value = o.to;
    if (value < as_ll(seq["min"]) || value > as_ll(seq["max"]))
      throw failure("--to " + std::to_string(value) + " is outside " + qualified + "'s range " + seq["min"].str() +
                    " to " + seq["max"].str());
    if (r.column_edge && (up ? value < *r.column_edge : value > *r.column_edge) && !o.force) {
      Error e = failure("setting " + qualified + " to " + std::to_string(value) + " would hand out values " +
                        r.owned_by + " already has (" + (up ? "max " : "min ") + std::to_string(*r.column_edge) +
                        "): inserts would fail on duplicates");
      e.hint = "--force to do it anyway";
      throw e;
    }
  }
  const std::string v = std::to_string(value);
  r.statement =
      "SELECT pg_catalog.setval(" + quote_literal(qualified) + ", " + v + ", " + (is_called ? "true" : "false") + ")";
  u.ctx().mutate(s, setval_sql(), "setting " + qualified, {qualified.c_str(), v.c_str(), is_called ? "true" : "false"});
  tx.commit("committing the reset of " + qualified);
  r.after = value;
  r.status = u.ctx().dry_run() ? "would set" : "set";
  return r;
}

Result reset_sequences(Unit& u, const SequenceResetOptions& o) {
  Session& s = u.session();
  std::optional<std::string> oids;
  if (!o.names.empty()) {
    // Names resolve on the user's search_path, as psql's would.
    Session& user = u.session(SessionKind::User);
    std::vector<std::string> ids;
    for (const auto& n : o.names) {
      const Rows r = user.exec(sql_text("maintenance/resolve_sequence"), {n.c_str()}, "resolving " + n);
      if (r[0][0].is_null()) {
        Error e = failure("sequence \"" + n + "\" does not exist in database \"" + user.dbname() + "\"");
        e.sqlstate = "42P01";
        throw e;
      }
      ids.push_back(r[0][0].str());
    }
    oids = text_array_literal(ids);
  }
  const Rows seqs =
      s.exec(sql_text("maintenance/sequence_owner", s.server_version()),
             {oids ? oids->c_str() : nullptr, o.all ? o.schema.c_str() : nullptr}, "finding the sequences");
  Table t("sequences", {{"schema", Kind::Text, Kind::Text},
                        {"sequence", Kind::Text, Kind::Text},
                        {"owned_by", Kind::Text, Kind::Text},
                        {"last_value_before", Kind::Integer, Kind::Text},
                        {"column_edge", Kind::Integer, Kind::Text},
                        {"last_value_after", Kind::Integer, Kind::Text},
                        {"statement", Kind::Text, Kind::Text},
                        {"status", Kind::Text, Kind::Text},
                        {"error", Kind::Text, Kind::Text}});
  const auto opt = [](const std::optional<long long>& v) {
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
  };
  const auto text = [](const std::string& v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); };
  bool failed = false, done = false;
  for (const auto& seq : seqs) {
    const Reset r = reset_one(u, s, seq, o);
    (r.status == "failed" ? failed : done) = true;
    t.add_row({r.schema, r.name, text(r.owned_by), opt(r.before), opt(r.column_edge), opt(r.after), text(r.statement),
               r.status, text(r.error)});
  }
  if (failed) u.ctx().set_exit_code(static_cast<int>(done ? ErrorKind::Partial : ErrorKind::Failed));
  return {t};
}

}  // namespace

void register_sequence(CommandTable& table) {
  Noun seq = table.noun("sequence", "Sequences: how much of each range is used; set one after a bulk load");
  seq.verb<SequenceListOptions>("list",
                                "Sequences with type, last value, % of the range used (largest first), and the "
                                "identity or serial column that owns each",
                                {Need::Catalog, Effect::Read, 0, true})
      .option("-n,--schema", &SequenceListOptions::schemas, "only sequences in this schema (repeat)")
      .run(list_sequences);
  seq.verb<SequenceResetOptions>(
         "reset",
         "Set sequences: --to VALUE, or --to-max-of-column (the usual fix after a bulk load; never moves one "
         "backwards). The owning table is locked against writes meanwhile.",
         {Need::Ddl, Effect::Change})
      .args("name", &SequenceResetOptions::names, "sequences as SQL names them (schema.name)")
      .option("--to", &SequenceResetOptions::to_text, "the last value handed out from now on")
      .flag("--to-max-of-column", &SequenceResetOptions::to_max,
            "the largest value of the owning column (the smallest for a descending sequence)")
      .flag("--all", &SequenceResetOptions::all, "every sequence a column owns in --schema")
      .option("-n,--schema", &SequenceResetOptions::schema, "with --all: the schema")
      .flag("--force", &SequenceResetOptions::force, "with --to: even below the owning column's values")
      .run([](Unit& u, const SequenceResetOptions& o) {
        SequenceResetOptions copy = o;
        if (!o.to_text.empty()) {
          try {
            std::size_t used = 0;
            copy.to = std::stoll(o.to_text, &used);
            if (used != o.to_text.size()) throw std::invalid_argument(o.to_text);
          } catch (const std::exception&) {
            throw usage_error("--to must be a whole number: " + o.to_text);
          }
        }
        return reset_sequences(u, copy);
      });
}

}  // namespace pgdba
