// backup verify: a backup is not a backup until it is verified. Every
// file's size and SHA-256 against the manifest, the archive read by
// pg_restore --list (or a plain dump's closing line), and with
// --restore-test a real restore into a scratch database whose tables and
// row counts must match what the manifest recorded in pg_dump's snapshot.
// The outcome is written back into the manifest (prune keeps the newest
// verified backup).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>

#include "commands/backup/backup.hpp"
#include "commands/backup/manifest.hpp"
#include "commands/backup/naming.hpp"
#include "commands/backup/pg_tools.hpp"
#include "commands/backup/restore_exec.hpp"
#include "commands/backup/sha256.hpp"
#include "src/child_process.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/sql_catalog.hpp"
#include "src/text.hpp"

namespace pgdba::backup {

namespace fs = std::filesystem;

namespace {

// Problems with the files, "" when every one matches.
std::string check_files(const Manifest& m) {
  const std::string root = m.backup_path();
  const bool directory = m.format == "directory";
  std::error_code ec;
  if (!fs::exists(root, ec)) return "\"" + root + "\" is missing";
  for (const auto& f : m.files) {
    const std::string p = directory ? root + "/" + f.path : root;
    if (!fs::exists(p, ec)) return "\"" + p + "\" is missing";
    const auto size = static_cast<long long>(fs::file_size(p, ec));
    if (ec) return "cannot read \"" + p + "\": " + ec.message();
    if (size != f.size) {
      return "\"" + p + "\" has " + std::to_string(size) + " bytes, the manifest says " + std::to_string(f.size);
    }
    std::string sum;
    try {
      sum = sha256_file(p);
    } catch (const Error& e) {
      return e.what();
    }
    if (sum != f.sha256) return "\"" + p + "\" does not match its SHA-256 in the manifest (changed or corrupt)";
  }
  return "";
}

// A plain dump ends with pg_dump's closing comment; a truncated one does not.
std::string check_plain_end(const Manifest& m) {
  std::ifstream in(m.backup_path(), std::ios::binary);
  in.seekg(0, std::ios::end);
  const auto size = static_cast<long long>(in.tellg());
  in.seekg(std::max(0LL, size - 4096));
  const std::string tail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (tail.find("dump complete") == std::string::npos)
    return "\"" + m.backup_path() + "\" lacks pg_dump's closing line: it is truncated";
  return "";
}

std::string check_archive(const Manifest& m) {
  if (m.format == "plain") return check_plain_end(m);
  const PgProgram tool = find_pg_program("pg_restore", 0, archive_major(m));
  ChildSpec spec;
  spec.argv = {tool.path, "--list", m.backup_path()};
  const ChildResult r = run_child(spec);
  if (r.interrupted) throw failure("interrupted");
  if (r.exit_code != 0) return "pg_restore --list cannot read it: " + child_error_summary(r.err);
  return "";
}

// Restores into a scratch database, compares, drops it. "" when it matches.
std::string restore_test(Context& ctx, const Manifest& m) {
  if (m.kind == "globals") return "";
  Session& admin = ctx.session(SessionKind::Ddl);
  const std::string scratch = "pgdba_verify_" + std::to_string(getpid()) + "_" + utc_stamp(Clock::now());
  const std::string program = restore_program(m);
  const PgProgram tool =
      find_pg_program(program, admin.server_version() / 10000, program == "pg_restore" ? archive_major(m) : 0);
  admin.exec("CREATE DATABASE " + quote_ident(scratch), "creating the scratch database");
  std::string problem;
  try {
    {
      ChildConnection conn(ctx.options(), "", scratch);
      ChildSpec spec;
      spec.argv = restore_argv(m, tool, conn.conninfo(), RestoreArgs{});
      spec.env = conn.env();
      const ChildResult r = run_child(spec);
      if (r.interrupted || r.exit_code != 0) {
        problem = restore_failure(program, "restoring into the scratch database", r).what();
      }
    }
    if (problem.empty()) {
      auto s = ctx.open_session("", SessionKind::Catalog, scratch);
      const Rows tables = s->exec(sql_text("backup/list_tables", s->server_version()), "listing restored tables");
      if (m.tables && static_cast<long long>(tables.size()) != *m.tables) {
        problem =
            "the restore has " + std::to_string(tables.size()) + " tables, the manifest " + std::to_string(*m.tables);
      }
      std::map<std::pair<std::string, std::string>, long long> expected;
      for (const auto& c : m.row_counts)
        expected[{c.schema, c.table}] = c.rows;
      for (const auto& t : tables) {
        if (!problem.empty()) break;
        const std::string schema = t["schema"].str(), table = t["table"].str();
        const auto want = expected.find({schema, table});
        if (want == expected.end()) {
          problem = "the restore has table " + schema + "." + table + ", the manifest does not";
          break;
        }
        const long long got =
            s->exec("SELECT pg_catalog.count(*)::int8 FROM " + quote_ident(schema) + "." + quote_ident(table),
                    "counting restored rows")[0][0]
                .as<long long>();
        if (got != want->second) {
          problem = schema + "." + table + " has " + std::to_string(got) + " rows after the restore, the manifest " +
                    std::to_string(want->second);
        }
      }
      if (problem.empty() && m.large_objects) {
        const long long los =
            s->exec(sql_text("backup/large_objects", s->server_version()), "counting large objects")[0][0]
                .as<long long>();
        if (los != *m.large_objects) {
          problem = "the restore has " + std::to_string(los) + " large objects, the manifest " +
                    std::to_string(*m.large_objects);
        }
      }
    }
  } catch (const Error& e) {
    problem = e.what();
  }
  try {
    admin.exec("DROP DATABASE IF EXISTS " + quote_ident(scratch) + " WITH (FORCE)", "dropping the scratch database");
  } catch (const Error& e) {
    log::warn("could not drop the scratch database \"" + scratch + "\": " + e.what());
  }
  return problem;
}

// The newest backup of each target, kind and database.
std::vector<Manifest> latest(const std::vector<Manifest>& all) {
  std::map<std::tuple<std::string, std::string, std::string>, const Manifest*> newest;
  for (const auto& m : all) {
    auto& slot = newest[{m.target, m.kind, m.database}];
    if (slot == nullptr || m.started_at >= slot->started_at) slot = &m;
  }
  std::vector<Manifest> out;
  for (const auto& [k, m] : newest) {
    (void)k;
    out.push_back(*m);
  }
  return out;
}

}  // namespace

void run_verify(Context& ctx, const VerifyOptions& o) {
  catch_termination();
  if (o.latest == !o.path.empty()) throw usage_error("backup verify needs a PATH or --latest (not both)");
  if (!o.dir.empty() && !o.latest) throw usage_error("--dir goes with --latest");
  const std::vector<Manifest> todo =
      o.latest ? latest(find_manifests(backup_dir(o.dir))) : std::vector<Manifest>{manifest_for(o.path)};
  if (o.latest && todo.empty()) throw failure("no backups under \"" + backup_dir(o.dir) + "\"");

  Table t("verify", {Column{"target", Kind::Text, Kind::Text}, Column{"database", Kind::Text, Kind::Text},
                     Column{"path", Kind::Text, Kind::Text}, Column{"files", Kind::Integer, Kind::Text},
                     Column{"restore_test", Kind::Boolean, Kind::Text}, Column{"status", Kind::Text, Kind::Text},
                     Column{"error", Kind::Text, Kind::Text}});
  int failed = 0;
  std::string first_error;
  for (Manifest m : todo) {
    std::string problem = check_files(m);
    if (problem.empty()) problem = check_archive(m);
    const bool tested = o.restore_test && m.kind != "globals";
    if (problem.empty() && o.restore_test) {
      if (ctx.dry_run()) {
        ctx.plan("restore \"" + m.backup_path() + "\" into a scratch database, compare row counts, drop it");
      } else {
        problem = restore_test(ctx, m);
      }
    }
    if (!ctx.dry_run()) {
      Verification v;
      v.at = iso_utc(Clock::now());
      v.ok = problem.empty();
      v.restore_test = tested;
      v.error = problem;
      m.verified = v;
      try {
        write_manifest(m, m.manifest_path);
      } catch (const Error& e) {
        log::warn(std::string("could not record the verification: ") + e.what());
      }
    }
    if (!problem.empty()) {
      ++failed;
      if (first_error.empty()) first_error = m.backup_path() + ": " + problem;
      if (todo.size() > 1) log::error(m.backup_path() + ": " + problem);
    }
    t.add_row({m.target, m.kind == "globals" ? std::nullopt : std::optional<std::string>(m.database), m.backup_path(),
               std::to_string(m.files.size()), std::string(tested ? "t" : "f"),
               std::string(problem.empty() ? "ok" : "failed"),
               problem.empty() ? std::nullopt : std::optional<std::string>(problem)});
  }
  if (todo.size() == 1 && failed == 1) throw failure("verification failed: " + first_error);
  ctx.emit({t});
  if (failed > 0) ctx.set_exit_code(static_cast<int>(ErrorKind::Failed));
}

}  // namespace pgdba::backup
