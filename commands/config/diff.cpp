// config diff: the parameters whose values differ across servers, each
// server's value and where it comes from. The servers are the fleet's
// targets (--target, --group, --all-targets), read in parallel, or the
// connection the options describe and each --with connection string. One
// row per parameter and server, so the JSON keys stay the same whatever
// the servers are called; a server that cannot be read is a row with an
// error, and exit 4, without stopping the others.
#include <map>
#include <memory>
#include <set>

#include "commands/config/config.hpp"
#include "src/context.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct ConfigDiffOptions {
  std::vector<std::string> with;
};

// What one server answered.
struct ServerSettings {
  std::string label;
  std::map<std::string, std::pair<std::string, std::string>> values;  // name -> value, source
  std::optional<Error> error;
};

void read_settings(Session& s, ServerSettings& into) {
  for (const auto& row : s.exec(sql_text("config/diff_settings"), "reading the parameters"))
    into.values[row[0].str()] = {row[1].str(), row[2].str()};
}

Table diff_table(const std::vector<ServerSettings>& servers) {
  bool failures = false;
  std::set<std::string> names;
  for (const auto& s : servers) {
    failures = failures || s.error.has_value();
    for (const auto& [name, v] : s.values)
      names.insert(name);
  }
  std::vector<Column> cols = {Column{"name", Kind::Text, Kind::Text}, Column{"target", Kind::Text, Kind::Text},
                              Column{"value", Kind::Text, Kind::Text}, Column{"source", Kind::Text, Kind::Text}};
  if (failures) cols.push_back(Column{"error", Kind::Text, Kind::Text});
  Table t("settings", cols);
  for (const auto& s : servers) {
    if (s.error) t.add_row({std::nullopt, s.label, std::nullopt, std::nullopt, std::string(s.error->what())});
  }
  for (const auto& name : names) {
    // Differs when two servers that answered disagree, a server lacking
    // the parameter (another major version) included.
    std::set<std::optional<std::string>> seen;
    for (const auto& s : servers) {
      if (s.error) continue;
      const auto it = s.values.find(name);
      seen.insert(it == s.values.end() ? std::nullopt : std::optional<std::string>(it->second.first));
    }
    if (seen.size() < 2) continue;
    for (const auto& s : servers) {
      if (s.error) continue;
      const auto it = s.values.find(name);
      std::vector<std::optional<std::string>> row = {name, s.label};
      if (it == s.values.end()) {
        row.insert(row.end(), {std::nullopt, std::nullopt});
      } else {
        row.insert(row.end(), {it->second.first, it->second.second});
      }
      if (failures) row.emplace_back(std::nullopt);
      t.add_row(std::move(row));
    }
  }
  return t;
}

void diff_settings(Context& ctx, const ConfigDiffOptions& o) {
  const std::vector<std::string>& targets = ctx.targets();
  if (!o.with.empty() && !targets.empty())
    throw usage_error(
        "--with compares the connection the options describe; with --target, --group or "
        "--all-targets the fleet is compared: choose one");
  const std::size_t count = targets.empty() ? o.with.size() + 1 : targets.size();
  if (count < 2)
    throw usage_error(
        "config diff compares servers: name two or more with --target/--group/--all-targets, or add --with "
        "CONNINFO to compare this connection with another");
  std::vector<std::string> conninfos;  // for --with: "" is the options' own connection
  if (targets.empty()) {
    conninfos.emplace_back();
    for (const auto& dsn : o.with) {
      ConnOptions c;
      c.dsn = dsn;
      c.connect_timeout = ctx.options().conn.connect_timeout;
      conninfos.push_back(build_conninfo(c, SessionSettings{}, ""));
    }
  }
  std::vector<ServerSettings> servers(count);
  for (std::size_t i = 0; i < count; ++i)
    servers[i].label = !targets.empty() ? targets[i] : i == 0 ? "" : redact_password_text(o.with[i - 1]);
  const int slots = ctx.options().parallel > 0 ? ctx.options().parallel : std::min<int>(8, static_cast<int>(count));
  parallel_for(count, slots, [&](std::size_t i, SessionCache& cache) {
    ServerSettings& into = servers[i];
    try {
      if (!targets.empty()) {
        read_settings(cache.get(ctx, targets[i], SessionKind::Catalog, ""), into);
        return;
      }
      std::unique_ptr<Session> own =
          i == 0 ? ctx.open_session("", SessionKind::Catalog, "") : std::make_unique<Session>(conninfos[i]);
      // Without names, each server is called what it is: user@host:port/db.
      into.label = own->describe();
      read_settings(*own, into);
    } catch (const Error& e) {
      into.error = e;
      into.error->target = into.label;
    } catch (const std::exception& e) {
      into.error = failure(std::string("internal error: ") + e.what());
    }
  });
  int failed = 0;
  int lost = 0;
  for (auto& s : servers) {
    if (s.label.empty()) s.label = "(this connection)";
    if (!s.error) continue;
    ++failed;
    lost += s.error->kind == ErrorKind::Connect ? 1 : 0;
    log::error("target " + s.label + ": " + s.error->what());
  }
  ctx.emit({diff_table(servers)});
  if (failed == 0) return;
  const int answered = static_cast<int>(count) - failed;
  const ErrorKind kind = answered > 0 ? ErrorKind::Partial : lost == failed ? ErrorKind::Connect : ErrorKind::Failed;
  ctx.set_exit_code(static_cast<int>(kind));
}

}  // namespace

void add_config_diff_verb(Noun& config) {
  Verb diff = config.raw("diff",
                         "The parameters whose values differ across servers (the fleet's targets, or this "
                         "connection and --with ones), each server's value and source",
                         {Need::Catalog});
  auto o = std::make_shared<ConfigDiffOptions>();
  diff.option("--with", &o->with,
              "another server to compare this connection with: a conninfo string or postgresql:// URI "
              "(repeatable; its password from PGPASSWORD or ~/.pgpass)")
      .run([o](Context& ctx) { diff_settings(ctx, *o); });
}

}  // namespace pgdba
