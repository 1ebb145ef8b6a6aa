// cluster: clusterdb's job (every table clustered before, or the named
// ones, every database) with --index to choose the order, one row per table
// with its size before and after, over --jobs connections, with a
// lock_timeout and retries (CLUSTER holds an ACCESS EXCLUSIVE lock).
#include "commands/maintenance/maintenance.hpp"
#include "commands/maintenance/task.hpp"
#include "commands/maintenance/vacuum_sql.hpp"
#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct ClusterOptions {
  std::vector<std::string> dbs, tables, indexes;
  GuardOptions lock;
};

TaskPlan plan_cluster(Context& ctx, SessionCache& cache, const UnitRef& unit, const ClusterOptions& o) {
  Session& s = cache.get(ctx, unit.target, SessionKind::Ddl, unit.database);
  std::optional<std::string> tables, indexes;
  if (!o.tables.empty()) tables = resolve_relations(ctx, cache, unit, o.tables, "table");
  if (!o.indexes.empty()) indexes = resolve_relations(ctx, cache, unit, o.indexes, "index");
  const Rows rows =
      s.exec(sql_text("maintenance/cluster_candidates", s.server_version()),
             {tables ? tables->c_str() : nullptr, indexes ? indexes->c_str() : nullptr}, "choosing tables");
  TaskPlan plan;
  for (const auto& row : rows) {
    MaintenanceTask t;
    t.target = unit.target;
    t.database = unit.database.empty() ? s.dbname() : unit.database;
    t.schema = row["schema"].str();
    t.table = row["table"].str();
    t.size = row["size"].as<long long>();
    const std::string qualified = quote_ident(t.schema) + "." + quote_ident(t.table);
    if (row["index"].is_null()) {
      // Named by --table but never clustered: nothing says in which order.
      t.status = "failed";
      t.reason = "named by --table";
      t.error = "table " + qualified + " has no clustering index: give one with --index";
      plan.tasks.push_back(std::move(t));
      continue;
    }
    t.index = row["index"].str();
    const bool named_index = row["named_index"].as<bool>();
    t.reason = named_index ? "on the index named by --index"
                           : (tables ? "named by --table, on its clustering index" : "clustered before, on " + t.index);
    t.statement = cluster_statement(qualified, named_index ? quote_ident(t.index) : "");
    t.size_sql = "SELECT pg_catalog.pg_table_size(pg_catalog.to_regclass($1))::int8";
    t.size_of = qualified;
    plan.tasks.push_back(std::move(t));
  }
  return plan;
}

void run_cluster(Context& ctx, const VerbRecord& rec, const ClusterOptions& o) {
  const Guards lock = guards_from(o.lock);
  const int jobs = rec.fan_out.jobs > 0 ? rec.fan_out.jobs : 1;
  const std::vector<UnitRef> units = maintenance_units(ctx, rec, o.dbs, jobs);
  const auto tasks = plan_and_run(
      ctx, units, jobs, [&](const UnitRef& unit, SessionCache& cache) { return plan_cluster(ctx, cache, unit, o); }, "",
      lock);
  emit_tasks(ctx, "cluster", tasks, TaskColumns{!ctx.targets().empty(), true, true});
}

}  // namespace

void register_cluster(CommandTable& table) {
  auto o = std::make_shared<ClusterOptions>();
  Verb v = table.raw_command("cluster",
                             "Re-sort tables on an index like clusterdb: every table clustered before, or the named "
                             "ones; one row per table with the size before and after. CLUSTER locks the table "
                             "against reads and writes while it runs.",
                             {Need::Ddl, Effect::Change, 0, true});
  const VerbRecord* rec = &v.record();
  v.option("--db", &o->dbs, "database to process (repeat; default: the connection's)")
      .option("-t,--table", &o->tables, "this table, on its clustering index, as SQL names it (repeat)")
      .option("-i,--index", &o->indexes, "cluster this index's table on it, and remember it (repeat)");
  guard_options(v, o->lock);
  v.run([o, rec](Context& ctx) { run_cluster(ctx, *rec, *o); });
}

}  // namespace pgdba
