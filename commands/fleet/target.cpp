// target: the fleet's inventory (services of pg_service.conf) and, with
// --check, whether each one answers: version, primary or standby, latency.
#include <chrono>

#include "src/command.hpp"
#include "src/errors.hpp"
#include "src/inventory.hpp"
#include "src/runner.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct TargetListOptions {
  bool check = false;
};

std::optional<std::string> or_null(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

Table inventory_table(const Inventory& inv) {
  Table t("targets", {Column{"target", Kind::Text, Kind::Text}, Column{"host", Kind::Text, Kind::Text},
                      Column{"port", Kind::Text, Kind::Text}, Column{"dbname", Kind::Text, Kind::Text},
                      Column{"user", Kind::Text, Kind::Text}, Column{"file", Kind::Text, Kind::Text}});
  for (const auto& s : inv.services)
    t.add_row({s.name, or_null(s.host), or_null(s.port), or_null(s.dbname), or_null(s.user), s.file});
  return t;
}

// Connects afresh so the latency is what a command would see.
Result check_target(Unit& u) {
  const auto t0 = std::chrono::steady_clock::now();
  Session& s = u.session();
  const Rows r = s.exec(sql_text("fleet/check_target"), "checking the target");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Table t("targets", {Column{"version", Kind::Text, Kind::Text}, Column{"role", Kind::Text, Kind::Text},
                      Column{"latency", Kind::Seconds, Kind::Text}});
  t.add_row({std::string(r[0][0].c_str()), std::string(r[0][1].c_str()), std::to_string(secs)});
  return {t};
}

}  // namespace

void register_target(CommandTable& table) {
  Noun target = table.noun("target", "The fleet: services of pg_service.conf and groups of the config file");
  Verb list =
      target.raw("list", "List the targets; --check connects to each at once: version, role, latency", {Need::Catalog});
  auto o = std::make_shared<TargetListOptions>();
  const VerbRecord* rec = &list.record();
  list.flag("--check", &o->check, "connect to every target (in parallel) and report version, role and latency")
      .run([o, rec](Context& ctx) {
        const Inventory inv = list_services();
        std::vector<std::string> names = ctx.targets();
        if (names.empty()) {
          for (const auto& s : inv.services)
            names.push_back(s.name);
        }
        if (!o->check) {
          Table t = inventory_table(inv);
          if (!ctx.targets().empty()) {
            Table only("targets", t.columns());
            for (std::size_t i = 0; i < t.size(); ++i) {
              for (const auto& n : names)
                if (*t.row(i)[0] == n) only.add_row(t.row(i));
            }
            t = only;
          }
          ctx.emit({t});
          return;
        }
        if (names.empty()) throw usage_error("no targets: pg_service.conf defines no service");
        run_verb(ctx, *rec, check_target, &names);
      });
}

}  // namespace pgdba
