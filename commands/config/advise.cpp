// config advise: a short list of well-known parameters that look wrong, each
// with the reason and the manual's page for the server's version. Only what
// the server can tell: it does not report the machine's memory or what
// storage it runs on, so those findings say what is unknown instead of
// guessing.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>

#include "commands/config/config.hpp"
#include "commands/config/setting_value.hpp"
#include "src/runner.hpp"
#include "src/session.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

namespace {

struct Param {
  std::string setting, unit, value, source, boot_val;
};

struct Finding {
  int rank;  // 0 critical, 1 warning, 2 info
  std::string setting, value, reason, anchor;
};

const char* severity_name(int rank) {
  return rank == 0 ? "critical" : rank == 1 ? "warning" : "info";
}

// The manual's pages: parameter anchors are GUC-<NAME> with '_' as '-'.
std::string doc_link(int server_version, const std::string& page_anchor) {
  return "https://www.postgresql.org/docs/" + std::to_string(server_version / 10000) + "/" + page_anchor;
}

std::string guc_anchor(const std::string& page, const std::string& name) {
  std::string a = page + ".html#GUC-";
  for (char c : name)
    a += c == '_' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return a;
}

class Rules {
 public:
  explicit Rules(std::map<std::string, Param> p) : p_(std::move(p)) {}

  bool has(const std::string& n) const { return p_.count(n) != 0; }
  const Param& at(const std::string& n) const { return p_.at(n); }
  bool is_off(const std::string& n) const { return has(n) && at(n).setting == "off"; }
  // The parameter in bytes (memory units only); nullopt when absent or negative.
  std::optional<double> bytes(const std::string& n) const {
    if (!has(n)) return std::nullopt;
    const double v = std::strtod(at(n).setting.c_str(), nullptr);
    if (v < 0) return std::nullopt;
    const std::string& unit = at(n).unit;
    const double per = unit == "B" ? 1 : unit == "kB" ? 1024 : unit == "MB" ? 1048576 : unit == "8kB" ? 8192 : 0;
    if (unit.size() > 2 && unit.substr(unit.size() - 2) == "kB" && per == 0)
      return v * std::strtod(unit.c_str(), nullptr) * 1024;  // another block size: "16kB"
    if (per == 0) return std::nullopt;
    return v * per;
  }

 private:
  std::map<std::string, Param> p_;
};

std::string size_text(double bytes) {
  return format_setting_amount(std::round(bytes / 1024), "kB");
}

std::vector<Finding> find_problems(const Rules& r, const std::optional<std::pair<long long, long long>>& checkpoints) {
  std::vector<Finding> out;
  if (r.is_off("fsync"))
    out.push_back({0, "fsync", "off",
                   "a crash of the operating system or a power loss can leave the cluster corrupt beyond repair; "
                   "fsync off is only for throwaway data (tests, an initial load you can redo)",
                   guc_anchor("runtime-config-wal", "fsync")});
  if (r.is_off("full_page_writes"))
    out.push_back({1, "full_page_writes", "off",
                   "a page half-written when the server crashed cannot be repaired from WAL; turn it off only on "
                   "storage that guarantees atomic writes of a whole page",
                   guc_anchor("runtime-config-wal", "full_page_writes")});
  if (r.is_off("autovacuum"))
    out.push_back({1, "autovacuum", "off",
                   "dead rows pile up and tables bloat, statistics go stale, and transaction ID wraparound will "
                   "eventually force vacuums anyway (anti-wraparound autovacuum still runs); tune it per table "
                   "instead of turning it off",
                   guc_anchor("runtime-config-autovacuum", "autovacuum")});
  if (r.is_off("track_counts"))
    out.push_back({1, "track_counts", "off",
                   "autovacuum finds the tables that need work from these counters: without them it vacuums and "
                   "analyzes nothing but wraparound",
                   guc_anchor("runtime-config-statistics", "track_counts")});
  if (r.is_off("synchronous_commit"))
    out.push_back({2, "synchronous_commit", "off",
                   "a server crash can lose the transactions of the last moments (up to three times "
                   "wal_writer_delay) after they were reported committed; the data stays consistent",
                   guc_anchor("runtime-config-wal", "synchronous_commit")});

  const auto work_mem = r.bytes("work_mem");
  const auto shared_buffers = r.bytes("shared_buffers");
  if (work_mem && shared_buffers && r.has("max_connections") && *shared_buffers > 0) {
    const double conns = std::strtod(r.at("max_connections").setting.c_str(), nullptr);
    const double total = *work_mem * conns;
    if (total > 4 * *shared_buffers) {
      out.push_back({1, "work_mem", r.at("work_mem").value,
                     "work_mem × max_connections = " + size_text(total) + ", " +
                         std::to_string(static_cast<long long>(total / *shared_buffers)) + " × shared_buffers (" +
                         r.at("shared_buffers").value +
                         "): every sort or hash of every connection may use work_mem (hashes hash_mem_multiplier times "
                         "it), so busy moments can exhaust the machine's memory; the server cannot report that memory, "
                         "so compare it yourself (shared_buffers is commonly a quarter of it)",
                     guc_anchor("runtime-config-resource", "work_mem")});
    }
  }
  if (r.has("shared_buffers") && r.at("shared_buffers").setting == r.at("shared_buffers").boot_val)
    out.push_back({2, "shared_buffers", r.at("shared_buffers").value,
                   "at the built-in default; a dedicated database server usually gives it about a quarter of its "
                   "memory. PostgreSQL does not report the machine's memory, so pgdba cannot say how far off it is",
                   guc_anchor("runtime-config-resource", "shared_buffers")});
  if (r.has("random_page_cost") && std::strtod(r.at("random_page_cost").setting.c_str(), nullptr) == 4)
    out.push_back({2, "random_page_cost", r.at("random_page_cost").value,
                   "4 is the default, meant for spinning disks; on SSDs or when the data is mostly cached 1.1 to 2 "
                   "is usual and lets the planner choose index scans. The server cannot tell what storage it has",
                   guc_anchor("runtime-config-query", "random_page_cost")});

  if (checkpoints && r.has("max_wal_size")) {
    const auto [timed, requested] = *checkpoints;
    // Too few checkpoints say nothing yet.
    if (timed + requested >= 10 && requested > timed) {
      const long long pct = requested * 100 / (timed + requested);
      std::string reason = std::to_string(pct) + "% of the " + std::to_string(timed + requested) +
                           " checkpoints since the statistics were reset were requested rather than timed: WAL "
                           "reached max_wal_size (" +
                           r.at("max_wal_size").value + ") before checkpoint_timeout";
      if (r.has("checkpoint_timeout")) reason += " (" + r.at("checkpoint_timeout").value + ")";
      reason +=
          " passed, or CHECKPOINT, CREATE DATABASE and base backups asked for them. If it is WAL, raise "
          "max_wal_size: fewer checkpoints write less (fewer full-page images)";
      out.push_back({1, "max_wal_size", r.at("max_wal_size").value, reason, "wal-configuration.html"});
    }
  }
  if (r.has("log_min_duration_statement") && r.at("log_min_duration_statement").setting == "-1")
    out.push_back({2, "log_min_duration_statement", r.at("log_min_duration_statement").value,
                   "slow statements are not logged; a threshold such as 1s logs each slower statement with its "
                   "duration (and its parameters), which pg_stat_statements' totals cannot show",
                   guc_anchor("runtime-config-logging", "log_min_duration_statement")});
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.rank < b.rank; });
  return out;
}

Result advise(Unit& u, const NoOptions&) {
  Session& s = u.session();
  std::map<std::string, Param> params;
  for (const auto& row : s.exec(sql_text("config/advise_settings"), "reading the parameters")) {
    params[row["name"].str()] =
        Param{row["setting"].str(), row["unit"].str(), row["value"].str(), row["source"].str(), row["boot_val"].str()};
  }
  std::optional<std::pair<long long, long long>> checkpoints;
  const auto c = s.try_query(sql_text("config/checkpoints", s.server_version()), {}, "reading checkpoint statistics");
  if (c && !c->empty() && !(*c)[0][0].is_null())
    checkpoints = std::make_pair((*c)[0]["timed"].as<long long>(), (*c)[0]["requested"].as<long long>());
  Table t("advice", {Column{"severity", Kind::Text, Kind::Text}, Column{"setting", Kind::Text, Kind::Text},
                     Column{"value", Kind::Text, Kind::Text}, Column{"reason", Kind::Text, Kind::Text},
                     Column{"doc", Kind::Text, Kind::Text}});
  for (const auto& f : find_problems(Rules(std::move(params)), checkpoints))
    t.add_row({severity_name(f.rank), f.setting, f.value, f.reason, doc_link(s.server_version(), f.anchor)});
  return {t};
}

}  // namespace

void add_config_advise_verb(Noun& config) {
  config
      .verb("advise",
            "Well-known parameters that look wrong (fsync, autovacuum, work_mem × max_connections, "
            "random_page_cost, checkpoints requested vs timed, slow-statement logging...), each with the reason "
            "and the manual's page; nothing guessed where the server has no data",
            {Need::Catalog, Effect::Read})
      .run(advise);
}

}  // namespace pgdba
