// function list, function call: routines of a database, and calling one
// with its arguments bound as parameters, cast to the types the catalog
// gives (never pasted into SQL).
#include <memory>
#include <string>
#include <vector>

#include "src/command.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct FunctionListOptions {
  std::string schema;
};

struct FunctionCallOptions {
  std::string name;
  std::vector<std::string> args;
  bool procedure = false;
  std::string signature;
  bool null_args = false;  // --null: which argument text means NULL
  std::string null_text;

  void validate() const {
    if (name.empty()) throw usage_error("function call needs the NAME of the function or procedure");
  }
};

Result list_functions(Unit& u, const FunctionListOptions& o) {
  Session& s = u.session();
  const char* schema = o.schema.empty() ? nullptr : o.schema.c_str();
  return {to_table(s.exec(sql_text("function/list_functions", s.server_version()), {schema}, "listing functions"),
                   "functions")};
}

struct Candidate {
  std::string schema, name, kind, arguments;
  int defaults = 0;
  bool returns_set = false;
  std::vector<std::string> types;
  std::string modes;  // one letter per call position: i, b, v, o
  int inputs() const {
    int n = 0;
    for (char m : modes)
      n += m != 'o' ? 1 : 0;
    return n;
  }
  std::string shown() const { return schema + "." + name + "(" + arguments + ")"; }
};

std::vector<std::string> split_unit(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::size_t at = 0;
  for (;;) {
    const auto sep = s.find('\x1f', at);
    out.push_back(s.substr(at, sep == std::string::npos ? std::string::npos : sep - at));
    if (sep == std::string::npos) break;
    at = sep + 1;
  }
  return out;
}

std::vector<Candidate> find_candidates(Session& s, const FunctionCallOptions& o) {
  const std::string sig = o.name + "(" + o.signature + ")";
  const Rows r = s.exec(sql_text("function/resolve_function", s.server_version()),
                        {o.name.c_str(), o.signature.empty() ? nullptr : sig.c_str()}, "looking up function " + o.name);
  std::vector<Candidate> out;
  for (const auto& row : r) {
    Candidate c;
    c.schema = row["schema"].str();
    c.name = row["name"].str();
    c.kind = row["kind"].str();
    c.arguments = row["arguments"].str();
    c.defaults = row["defaults"].as<int>();
    c.returns_set = row["returns_set"].as<bool>();
    c.types = split_unit(row["types"].str());
    c.modes = row["modes"].str();
    out.push_back(std::move(c));
  }
  return out;
}

Candidate choose(const std::vector<Candidate>& all, const FunctionCallOptions& o, const std::string& db) {
  if (all.empty()) {
    Error e = failure(o.signature.empty() ? "function \"" + o.name + "\" does not exist in database \"" + db + "\""
                                          : "no function \"" + o.name + "\" with arguments (" + o.signature +
                                                ") in database \"" + db + "\"");
    e.sqlstate = "42883";
    e.hint =
        "names are read as SQL spells them (schema.name; \"Mixed\" in double quotes keeps its case); "
        "see pgdba function list";
    throw e;
  }
  std::vector<Candidate> fit;
  const int given = static_cast<int>(o.args.size());
  for (const auto& c : all) {
    if (o.procedure && c.kind != "p") continue;
    if (given > c.inputs() || given < c.inputs() - c.defaults) continue;
    fit.push_back(c);
  }
  const auto list = [](const std::vector<Candidate>& cs) {
    std::string l;
    for (const auto& c : cs)
      l += (l.empty() ? "" : ", ") + c.shown();
    return l;
  };
  if (fit.empty()) {
    Error e = failure("no " + std::string(o.procedure ? "procedure" : "function") + " \"" + o.name + "\" takes " +
                      std::to_string(given) + " argument(s); there is " + list(all));
    e.sqlstate = "42883";
    throw e;
  }
  if (fit.size() > 1) {
    Error e = usage_error("\"" + o.name + "\" with " + std::to_string(given) +
                          " argument(s) may mean several functions: " + list(fit));
    e.hint = "choose one with --signature, e.g. --signature '" + fit[0].arguments + "'";
    throw e;
  }
  const Candidate& c = fit[0];
  if (c.kind == "a" || c.kind == "w") {
    throw usage_error(c.shown() + " is an " + std::string(c.kind == "a" ? "aggregate" : "window function") +
                      ": it can only be used in a query (pgdba sql)");
  }
  return c;
}

Result call_function(Unit& u, const FunctionCallOptions& o) {
  Session& s = u.session();
  const Candidate c = choose(find_candidates(s, o), o, s.dbname());
  // Each value is a bound parameter cast to the parameter's type as the
  // catalog spells it (format_type quotes what needs quoting).
  std::string call_args;
  Params params;
  std::size_t next = 0;
  for (std::size_t k = 0; k < c.modes.size(); ++k) {
    if (c.modes[k] != 'o' && next >= o.args.size()) break;  // the rest take their defaults
    call_args += call_args.empty() ? "" : ", ";
    if (c.modes[k] == 'o') {
      call_args += "NULL::" + c.types[k];
      continue;
    }
    const std::string& v = o.args[next++];
    params.push_back(o.null_args && v == o.null_text ? nullptr : v.c_str());
    // A VARIADIC parameter takes its values as one array: {1,2,3}.
    if (c.modes[k] == 'v') call_args += "VARIADIC ";
    call_args += "$" + std::to_string(params.size()) + "::" + c.types[k];
  }
  const std::string target = quote_qualified(c.schema, c.name);
  const bool procedure = c.kind == "p";
  // CALL runs outside any transaction block, so a procedure may COMMIT.
  std::string sql = procedure ? "CALL " : "SELECT * FROM ";
  sql += target + "(" + call_args + ")";
  const Rows r = u.ctx().mutate(s, sql, "calling " + c.shown(), params);
  if (u.ctx().dry_run()) return {};
  if (r.columns() == 0) {
    Table t("result", {Column{"called", Kind::Text, Kind::Text}});
    t.add_row({c.shown()});
    return {t};
  }
  return {s.table(r, "result")};
}

}  // namespace

void register_function(CommandTable& table) {
  Noun fn = table.noun("function", "Functions and procedures: list, call");

  fn.verb<FunctionListOptions>("list",
                               "List functions, procedures, aggregates and window functions with their signatures",
                               {Need::Catalog, Effect::Read})
      .option("--schema", &FunctionListOptions::schema, "only this schema (default: every non-system schema)")
      .run(list_functions);

  fn.verb<FunctionCallOptions>("call",
                               "Call a function (its rows; OUT parameters as columns) or a procedure (CALL, outside "
                               "a transaction so it may COMMIT; INOUT/OUT results)",
                               {Need::User, Effect::Change})
      .arg("name", &FunctionCallOptions::name, "function or procedure, as SQL spells it (schema.name)")
      .args("arg", &FunctionCallOptions::args,
            "argument values in order, bound as parameters and cast to the parameter types; trailing "
            "arguments with defaults may be left out")
      .flag("--procedure", &FunctionCallOptions::procedure, "call only a procedure of that name (CALL)")
      .option("--signature", &FunctionCallOptions::signature,
              "argument types that pick one of several overloads, e.g. 'int, text'")
      .option("--null", &FunctionCallOptions::null_text, "an argument equal to this text is passed as NULL")
      .run([](Unit& u, const FunctionCallOptions& o) {
        FunctionCallOptions with = o;
        with.null_args = !o.null_text.empty();
        return call_function(u, with);
      });
}

}  // namespace pgdba
