// schema diff: what differs between the objects of two databases (two
// targets, two databases of this server, or this connection and --with):
// schemas, relations, columns, indexes, constraints, triggers, policies,
// functions and extensions, each attribute compared (a definition as the
// server prints it, or its md5 when long). The question before a release
// that psql cannot answer.
#include <map>
#include <memory>
#include <tuple>

#include "commands/objects/schema.hpp"
#include "src/context.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/rows.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct SchemaDiffOptions {
  std::vector<std::string> dbs, schemas, with;
  bool exit_code = false;
};

using Key = std::tuple<std::string, std::string, std::string>;  // kind, object, attribute

struct Side {
  std::string label;
  std::map<Key, std::string> values;
  std::map<std::string, std::string> parent;  // object -> its relation
};

void read_side(Session& s, const std::vector<std::string>& schemas, Side& into) {
  const std::string filter = schemas.empty() ? std::string() : text_array_literal(schemas);
  const Rows rows = s.exec(sql_text("schema/diff_objects", s.server_version()),
                           {schemas.empty() ? nullptr : filter.c_str()}, "reading the schema of " + s.describe());
  for (const auto& r : rows) {
    into.values[{r[0].str(), r[1].str(), r[2].str()}] = r[3].str();
    if (!r[4].is_null()) into.parent[r[1].str()] = r[4].str();
  }
}

Table differences(const Side& a, const Side& b) {
  Table t("differences", {Column{"kind", Kind::Text, Kind::Text}, Column{"object", Kind::Text, Kind::Text},
                          Column{"attribute", Kind::Text, Kind::Text}, Column{"left", Kind::Text, Kind::Text},
                          Column{"right", Kind::Text, Kind::Text}});
  std::map<Key, std::pair<std::optional<std::string>, std::optional<std::string>>> all;
  for (const auto& [k, v] : a.values)
    all[k].first = v;
  for (const auto& [k, v] : b.values)
    all[k].second = v;
  // An object on one side only is one row ("exists"), not one per attribute.
  const auto present = [](const Side& s, const Key& k) {
    return s.values.count({std::get<0>(k), std::get<1>(k), "exists"}) > 0;
  };
  // Nor is a relation's column, index, constraint, trigger or policy when
  // the relation itself is on one side only.
  const auto orphan = [&](const Key& k) {
    for (const Side* s : {&a, &b}) {
      const auto p = s->parent.find(std::get<1>(k));
      if (p == s->parent.end()) continue;
      const Key rel{"relation", p->second, "exists"};
      if (a.values.count(rel) == 0 || b.values.count(rel) == 0) return true;
    }
    return false;
  };
  for (const auto& [k, v] : all) {
    if (v.first == v.second) continue;
    if (std::get<2>(k) != "exists" && (!present(a, k) || !present(b, k))) continue;
    if (orphan(k)) continue;
    t.add_row({std::get<0>(k), std::get<1>(k), std::get<2>(k), v.first, v.second});
  }
  return t;
}

void diff_schemas(Context& ctx, const SchemaDiffOptions& o) {
  for (const auto& s : o.schemas)
    check_identifier("schema", s);
  for (const auto& d : o.dbs)
    check_identifier("database", d);
  const std::vector<std::string>& targets = ctx.targets();
  // The two sides: (target, database, conninfo); conninfo "" uses the options.
  struct Where {
    std::string target, db, conninfo;
  };
  std::vector<Where> sides;
  if (!targets.empty()) {
    if (targets.size() != 2 || !o.with.empty() || o.dbs.size() > 1)
      throw usage_error(
          "schema diff with targets compares exactly two (--target A --target B), each in its own "
          "database or in the one --db names");
    for (const auto& t : targets)
      sides.push_back({t, o.dbs.empty() ? "" : o.dbs[0], ""});
  } else if (!o.with.empty()) {
    if (o.with.size() != 1 || o.dbs.size() > 1)
      throw usage_error("--with compares this connection with one other: give it once");
    ConnOptions c;
    c.dsn = o.with[0];
    c.connect_timeout = ctx.options().conn.connect_timeout;
    sides.push_back({"", o.dbs.empty() ? "" : o.dbs[0], ""});
    sides.push_back({"", "", build_conninfo(c, SessionSettings{}, "")});
  } else {
    if (o.dbs.size() != 2)
      throw usage_error("schema diff compares two databases: --db A --db B, --target A --target B, or --with CONNINFO");
    for (const auto& d : o.dbs)
      sides.push_back({"", d, ""});
  }

  Side left, right;
  Side* out[2] = {&left, &right};
  std::optional<Error> errors[2];
  parallel_for(2, 2, [&](std::size_t i, SessionCache& cache) {
    try {
      std::unique_ptr<Session> own;
      Session* s = nullptr;
      if (!sides[i].conninfo.empty()) {
        own = std::make_unique<Session>(sides[i].conninfo);
        s = own.get();
      } else {
        s = &cache.get(ctx, sides[i].target, SessionKind::Catalog, sides[i].db);
      }
      out[i]->label = (sides[i].target.empty() ? "" : sides[i].target + ": ") + s->describe();
      read_side(*s, o.schemas, *out[i]);
    } catch (const Error& e) {
      errors[i] = e;
      if (!sides[i].target.empty()) errors[i]->target = sides[i].target;
    } catch (const std::exception& e) {
      errors[i] = failure(std::string("internal error: ") + e.what());
    }
  });
  for (const auto& e : errors)
    if (e) throw *e;

  Table which("sides", {Column{"side", Kind::Text, Kind::Text}, Column{"database", Kind::Text, Kind::Text}});
  which.add_row({std::string("left"), left.label});
  which.add_row({std::string("right"), right.label});
  Table diff = differences(left, right);
  const bool differ = diff.size() > 0;
  ctx.emit({which, diff});
  if (o.exit_code && differ) ctx.set_exit_code(1);
}

}  // namespace

void add_schema_diff_verb(Noun& schema) {
  Verb diff = schema.raw("diff",
                         "What differs between the objects of two databases: --db A --db B on this server, "
                         "--target A --target B, or this connection and --with CONNINFO. Schemas, tables and "
                         "views, columns (type, default, not null, identity, generated, collation), indexes, "
                         "constraints, triggers, policies, functions and extensions; one row per attribute that "
                         "differs, an object on one side only as one row",
                         {Need::Catalog});
  auto o = std::make_shared<SchemaDiffOptions>();
  diff.option("--db", &o->dbs, "a database to compare (twice for two databases of this server)")
      .option("--schema", &o->schemas, "compare only this schema (repeat; default: every non-system schema)")
      .option("--with", &o->with,
              "the other side: a conninfo string or postgresql:// URI (its password from PGPASSWORD or ~/.pgpass)")
      .flag("--exit-code", &o->exit_code, "exit 1 when the databases differ (for CI), 0 when they match")
      .run([o](Context& ctx) { diff_schemas(ctx, *o); });
}

}  // namespace pgdba
