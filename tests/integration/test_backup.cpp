// backup create, list, verify, prune and restore against real servers: round
// trips compared table by table, and the faults a backup tool is judged on
// (a killed pg_dump, a stopped server, a full or read-only disk, a tampered
// file, SIGTERM), each leaving no file under a final name and every older
// backup intact.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/harness.hpp"

namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/pgdba-backup-it-XXXXXX";
    if (mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = name;
  }
  ~TempDir() {
    if (!mounted_.empty()) umount2(mounted_.c_str(), MNT_DETACH);
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  // A tmpfs of `size` at path()/mnt; false when this system does not allow it.
  bool mount_tmpfs(const std::string& size) {
    const std::string m = path_ + "/mnt";
    fs::create_directories(m);
    if (mount("tmpfs", m.c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0) return false;
    mounted_ = m;
    return true;
  }
  bool remount_read_only() { return mount("tmpfs", mounted_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0; }

 private:
  std::string path_;
  std::string mounted_;
};

std::string sha256sum(const std::string& path) {
  FILE* p = popen(("sha256sum '" + path + "'").c_str(), "r");
  char buf[128] = {0};
  const bool ok = p != nullptr && std::fgets(buf, sizeof buf, p) != nullptr;
  if (p != nullptr) pclose(p);
  return ok ? std::string(buf).substr(0, 64) : "";
}

// Every entry under `dir`, as paths relative to it, directory-format dumps
// not entered.
std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    out.insert(fs::relative(it->path(), dir).string());
    if (it->is_directory() && it->path().extension() == ".dir") it.disable_recursion_pending();
  }
  return out;
}

// Entries that are backups under a final name (not manifests, not hidden).
std::set<std::string> final_backups(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : entries(dir)) {
    const std::string name = fs::path(e).filename().string();
    const std::string ext = fs::path(e).extension().string();
    if (name[0] != '.' && (ext == ".dump" || ext == ".sql" || ext == ".dir")) out.insert(e);
  }
  return out;
}

// Leftovers of a failed backup: hidden temporary files.
std::set<std::string> temporaries(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : entries(dir))
    if (fs::path(e).filename().string()[0] == '.') out.insert(e);
  return out;
}

nlohmann::json manifest_of(const std::string& backup_path) {
  const fs::path p(backup_path);
  return nlohmann::json::parse(it::read_file((p.parent_path() / (p.stem().string() + ".manifest.json")).string()));
}

// A checksum of every user table's rows and of every large object.
std::map<std::string, std::string> content(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  std::map<std::string, std::string> out;
  const auto tables = tx.exec(
      "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
      "where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast' "
      "order by 1, 2");
  for (const auto& t : tables) {
    const std::string q = tx.quote_name(t[0].c_str()) + "." + tx.quote_name(t[1].c_str());
    out[q] = tx.exec("select count(*) || ':' || coalesce(md5(string_agg(x::text, E'\\n' order by x::text)), '') from " +
                     q + " x")[0][0]
                 .c_str();
  }
  out["large objects"] =
      tx.exec(
            "select count(*) || ':' || coalesce(md5(string_agg(oid::text || '=' || md5(lo_get(oid)), ',' order by "
            "oid)), '') from pg_largeobject_metadata")[0][0]
          .c_str();
  return out;
}

// A connection to any database, whatever its name holds (it::connect
// pastes the name into the conninfo as it is).
pqxx::connection connect_to(const std::string& db) {
  std::string quoted;
  for (char ch : db) {
    if (ch == '\'' || ch == '\\') quoted += '\\';
    quoted += ch;
  }
  const it::Env& e = it::cluster();
  return pqxx::connection("host=" + e.at("PGHOST") + " port=" + e.at("PGPORT") + " user=postgres dbname='" + quoted +
                          "'");
}

std::map<std::string, std::string> content_of(const std::string& db) {
  auto c = connect_to(db);
  return content(c);
}

// Drops the database when the test ends, however it ends.
struct DropDb {
  std::string name;
  ~DropDb() {
    try {
      auto c = it::connect();
      pqxx::nontransaction tx(c);
      tx.exec("drop database if exists " + tx.quote_name(name) + " with (force)");
    } catch (...) {
    }
  }
};

const char* kEveryType = R"SQL(
create schema "we'ird";
create table "we'ird"."need""q(uot" (
  id int primary key, n numeric, big numeric(40, 20), f float8, t text, b bytea, j json, jb jsonb,
  ia int[], ta text[], ts timestamp, tz timestamptz, d date, iv interval, u uuid, flag bool);
insert into "we'ird"."need""q(uot" values
  (1, 'NaN', 12345678901234567890.12345678901234567890, 'Infinity', E'ü€😀 tab\there\nnewline \\ back''quote',
   '\x00ff10', '{"a": [1, 2, {"b": null}]}', '{"k": "välue"}', '{1,NULL,3}', '{"a b",NULL,"c\"d"}',
   '2024-02-29 23:59:59.123456', '1999-12-31 23:00:00+05', '0001-01-01', '1 year 2 mons 3 days 04:05:06.7',
   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', true),
  (2, -0.5, 0, -1.5e-300, '', '\x', 'null', '[]', '{}', '{}', '-infinity', 'infinity', '2000-01-01', '-1 day', NULL,
   NULL),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
insert into "we'ird"."need""q(uot" (id, t, b)
  select g, repeat(md5(g::text), 20), decode(md5(g::text), 'hex') from generate_series(10, 2009) g;
create table empty_one (x int);
create table parted (k int, v text) partition by range (k);
create table parted_1 partition of parted for values from (0) to (100);
create table parted_2 partition of parted for values from (100) to (200);
insert into parted select g, g::text from generate_series(0, 199) g;
select lo_from_bytea(0, convert_to('large object ✓', 'UTF8'));
)SQL";

// The pid of a running pg_dump whose command line holds `needle`, or -1.
int find_pg_dump(const std::string& needle) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = it::read_file("/proc/" + pid + "/cmdline");
    if (cmd.empty()) continue;
    const std::string argv0 = cmd.substr(0, cmd.find('\0'));
    if (fs::path(argv0).filename() != "pg_dump") continue;
    if (cmd.find(needle) != std::string::npos) return std::stoi(pid);
  }
  return -1;
}

bool process_gone(int pid) {
  const std::string status = it::read_file("/proc/" + std::to_string(pid) + "/status");
  return status.empty() || status.find("State:\tZ") != std::string::npos;
}

// Holds an exclusive lock on a table so that pg_dump waits on it.
struct TableLock {
  pqxx::connection c;
  pqxx::work tx;
  TableLock(const std::string& conninfo, const std::string& table) : c(conninfo), tx(c) {
    tx.exec("lock table " + table + " in access exclusive mode");
  }
  // Whether pg_dump waits for its lock on `table` (pgdba's own row count
  // may wait there too, and earlier).
  static bool waited_on(pqxx::connection& other, const std::string& table) {
    pqxx::nontransaction q(other);
    return q.exec(
                "select 1 from pg_locks l join pg_stat_activity a using (pid) where not l.granted and l.relation = '" +
                table + "'::regclass and a.query like 'LOCK TABLE %'")
               .size() > 0;
  }
};

std::string conninfo_of(const it::Env& env, const std::string& db) {
  return "host=" + env.at("PGHOST") + " port=" + env.at("PGPORT") + " user=postgres dbname=" + db;
}

std::string main_conninfo(const std::string& db) {
  return conninfo_of(it::cluster(), db);
}

std::string only(const std::set<std::string>& s) {
  return s.size() == 1 ? *s.begin() : "";
}

}  // namespace

// Not in [matrix]: the matrix has servers of other majors but only
// PostgreSQL 15's client programs, and pg_dump must be as new as the server.
TEST_CASE("backup round trip: every common type, a large object and hostile names come back identical", "[backup]") {
  it::ScratchDb src("bk_round");
  src.exec(kEveryType);
  TempDir dir;
  const auto made = src.pgdba({"backup", "create", "--dir", dir.path(), "-o", "json"});
  INFO(made.err);
  REQUIRE(made.code == 0);
  const auto rows = it::parse_json(made.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["status"] == "complete");
  CHECK(rows[0]["database"] == src.name());
  const std::string file = rows[0]["file"];
  CHECK(fs::path(file).parent_path().filename() == src.name());
  CHECK(rows[0]["size"] == fs::file_size(file));
  CHECK(final_backups(dir.path()).size() == 1);
  CHECK(temporaries(dir.path()).empty());

  const auto m = manifest_of(file);
  CHECK(m["status"] == "complete");
  CHECK(m["format"] == "custom");
  CHECK(m["database"] == src.name());
  CHECK(m["files"][0]["sha256"] == sha256sum(file));
  CHECK(m["size"] == fs::file_size(file));
  CHECK(m["server_version_num"].get<int>() / 10000 == std::stoi(it::cluster().at("PGDBA_PG_MAJOR")));
  CHECK(m["tables"] == 4);  // the hostile table, empty_one and the two partitions
  CHECK(m["large_objects"] == 1);
  for (const auto& c : m["row_counts"]) {
    if (c["table"] == "need\"q(uot") CHECK(c["rows"] == 2003);
    if (c["table"] == "parted_2") CHECK(c["rows"] == 100);
    if (c["table"] == "empty_one") CHECK(c["rows"] == 0);
  }
  CHECK(m["duration_seconds"].get<double>() > 0);
  CHECK(m["started_at"].get<std::string>() <= m["finished_at"].get<std::string>());

  // list shows it.
  const auto listed = it::parse_json(it::pgdba({"backup", "list", "--dir", dir.path(), "-o", "json"}).out);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["path"] == file);
  CHECK(listed[0]["verified"].is_null());

  // Restored into a new database: the same content, table by table.
  DropDb copy{it::unique("bk_round_copy")};
  const auto restored = it::pgdba({"backup", "restore", file, "--db", copy.name, "--create", "-o", "json"});
  INFO(restored.err);
  REQUIRE(restored.code == 0);
  const auto before = content_of(src.name());
  const auto after = content_of(copy.name);
  CHECK(before.size() == 5);
  CHECK(after == before);

  // A non-empty database is refused without --clean; with --clean --yes it is replaced.
  const auto refused = it::pgdba({"backup", "restore", file, "--db", copy.name});
  CHECK(refused.code == 2);
  CHECK_THAT(refused.err, Catch::Contains("is not empty"));
  CHECK(it::count_lines(refused.err) == 2);  // the error and its HINT
  const auto no_yes = it::pgdba({"backup", "restore", file, "--db", copy.name, "--clean"});
  CHECK(no_yes.code == 2);
  CHECK_THAT(no_yes.err, Catch::Contains("--yes"));
  {
    auto c = it::connect(copy.name);
    pqxx::nontransaction tx(c);
    tx.exec("delete from parted where k < 50");
  }
  const auto clean = it::pgdba({"backup", "restore", file, "--db", copy.name, "--clean", "--yes"});
  INFO(clean.err);
  CHECK(clean.code == 0);
  CHECK(content_of(copy.name) == before);

  // verify --restore-test restores into a scratch database and records it.
  const auto verified = it::pgdba({"backup", "verify", file, "--restore-test", "-o", "json"});
  INFO(verified.err);
  REQUIRE(verified.code == 0);
  CHECK(it::parse_json(verified.out)[0]["status"] == "ok");
  CHECK(manifest_of(file)["verified"]["ok"] == true);
  CHECK(manifest_of(file)["verified"]["restore_test"] == true);
  CHECK(it::query_value("select count(*) from pg_database where datname like 'pgdba_verify_%'") == "0");
}

TEST_CASE("backup directory format with --jobs 2, restored with --jobs 2", "[backup]") {
  it::ScratchDb src("bk_dir");
  src.exec(kEveryType);
  src.exec("create table more as select g as id, md5(g::text) as v from generate_series(1, 20000) g");
  TempDir dir;
  it::ServerLog log;
  const auto made = src.pgdba({"backup", "create", "--dir", dir.path(), "--format", "directory", "--jobs", "2",
                               "--compress", "gzip:1", "-o", "json"});
  INFO(made.err);
  REQUIRE(made.code == 0);
  const std::string path = it::parse_json(made.out)[0]["file"];
  CHECK(fs::path(path).extension() == ".dir");
  REQUIRE(fs::exists(path + "/toc.dat"));
  const auto m = manifest_of(path);
  CHECK(m["format"] == "directory");
  CHECK(m["compress"] == "gzip:1");
  CHECK_THAT(m["dump_command"].get<std::string>(), Catch::Contains("--jobs=2"));
  std::size_t files = 0;
  long long total = 0;
  for (const auto& e : fs::recursive_directory_iterator(path)) {
    if (!e.is_regular_file()) continue;
    ++files;
    total += static_cast<long long>(e.file_size());
  }
  REQUIRE(m["files"].size() == files);
  CHECK(m["size"] == total);
  for (const auto& f : m["files"])
    CHECK(f["sha256"] == sha256sum(path + "/" + f["path"].get<std::string>()));
  // Two pg_dump workers read the tables in the snapshot pgdba exported.
  CHECK(log.saw("SET TRANSACTION SNAPSHOT"));

  DropDb copy{it::unique("bk_dir_copy")};
  const auto restored = it::pgdba({"backup", "restore", path, "--db", copy.name, "--create", "--jobs", "2"});
  INFO(restored.err);
  REQUIRE(restored.code == 0);
  CHECK(content_of(copy.name) == content_of(src.name()));
  CHECK(it::pgdba({"backup", "verify", path}).code == 0);

  // pg_restore's failure names the server's error and the statement; the
  // database it created for the restore is dropped again.
  DropDb bare{it::unique("bk_dir_bare")};
  const auto failed = it::pgdba({"backup", "restore", path, "--db", bare.name, "--create", "--data-only"});
  CHECK(failed.code == 1);
  CHECK_THAT(failed.err, Catch::StartsWith("pgdba: error: pg_restore failed restoring"));
  CHECK_THAT(failed.err, Catch::Contains("does not exist; failing statement: COPY "));
  CHECK_FALSE(it::database_exists(bare.name));
}

TEST_CASE("backup: two runs at the same moment never overwrite each other", "[backup]") {
  it::ScratchDb src("bk_race");
  src.exec("create table t as select generate_series(1, 100) as i");
  TempDir dir;
  std::vector<it::Background> runs;
  for (int i = 0; i < 3; ++i)
    runs.push_back(it::start_pgdba({"-d", src.name(), "backup", "create", "--dir", dir.path(), "-o", "json"}));
  std::set<std::string> files;
  for (const auto& b : runs) {
    const auto r = it::wait_pgdba(b);
    INFO(r.err);
    REQUIRE(r.code == 0);
    files.insert(it::parse_json(r.out)[0]["file"].get<std::string>());
  }
  CHECK(files.size() == 3);
  CHECK(final_backups(dir.path()).size() == 3);
  CHECK(temporaries(dir.path()).empty());
  const auto verified = it::pgdba({"backup", "verify", "--latest", "--dir", dir.path()});
  CHECK(verified.code == 0);
  for (const auto& f : files)
    CHECK(it::pgdba({"backup", "verify", f}).code == 0);
}

TEST_CASE("backup plain format restores through psql and reports the failing statement", "[backup]") {
  it::ScratchDb src("bk_plain");
  src.exec(kEveryType);
  TempDir dir;
  const auto made = src.pgdba({"backup", "create", "--dir", dir.path(), "--format", "plain", "-o", "json"});
  INFO(made.err);
  REQUIRE(made.code == 0);
  const std::string path = it::parse_json(made.out)[0]["file"];
  CHECK(fs::path(path).extension() == ".sql");
  DropDb copy{it::unique("bk_plain_copy")};
  REQUIRE(it::pgdba({"backup", "restore", path, "--db", copy.name, "--create"}).code == 0);
  CHECK(content_of(copy.name) == content_of(src.name()));

  // A broken file fails with the statement that broke.
  TempDir broken_dir;
  fs::create_directories(broken_dir.path() + "/x");
  const std::string broken = broken_dir.path() + "/x/20260101T000000Z.sql";
  std::string text = it::read_file(path);
  text.replace(text.find("CREATE TABLE public.empty_one"), 29, "CREATE TABLE public.empty_one_broken_ (x int;\n--");
  std::ofstream(broken) << text;
  auto bm = manifest_of(path);
  bm["name"] = "20260101T000000Z.sql";
  bm["files"][0]["path"] = "20260101T000000Z.sql";
  std::ofstream(broken_dir.path() + "/x/20260101T000000Z.manifest.json") << bm.dump();
  DropDb target{it::unique("bk_plain_broken")};
  const auto failed = it::pgdba({"backup", "restore", broken, "--db", target.name, "--create"});
  CHECK(failed.code == 1);
  CHECK_THAT(failed.err, Catch::Contains("psql failed"));
  CHECK_THAT(failed.err, Catch::Contains("syntax error"));
  CHECK_THAT(failed.err, Catch::Contains("failing statement: CREATE TABLE public.empty_one_broken_"));
  // The database the failed restore created is gone again.
  CHECK_FALSE(it::database_exists(target.name));
}

TEST_CASE("backup --all-databases dumps globals and every database in parallel", "[backup]") {
  it::PrivateCluster pc;
  const std::string role = it::unique("bk_role");
  {
    pqxx::connection c(conninfo_of(pc.env(), "postgres"));
    pqxx::nontransaction tx(c);
    tx.exec("create role " + role + " login");
    tx.exec("create database bk_a");
    tx.exec("create database bk_b owner " + role);
  }
  {
    pqxx::connection c(conninfo_of(pc.env(), "bk_a"));
    pqxx::nontransaction tx(c);
    tx.exec("create table t as select generate_series(1, 500) as i");
  }
  TempDir dir;
  const auto made = it::pgdba({"backup", "create", "--all-databases", "--jobs", "2", "--dir", dir.path(), "-o", "json"},
                              "", pc.env());
  INFO(made.err);
  REQUIRE(made.code == 0);
  const auto rows = it::parse_json(made.out);
  std::set<std::string> dbs;
  std::string globals;
  for (const auto& r : rows) {
    CHECK(r["status"] == "complete");
    if (r["kind"] == "globals") {
      globals = r["file"];
    } else {
      dbs.insert(r["database"].get<std::string>());
    }
  }
  CHECK(dbs == std::set<std::string>{"bk_a", "bk_b", "postgres", "template1"});
  REQUIRE(!globals.empty());
  CHECK(fs::path(globals).parent_path().filename() == "@globals");
  CHECK_THAT(it::read_file(globals), Catch::Contains("CREATE ROLE " + role));
  CHECK(manifest_of(globals)["kind"] == "globals");
  CHECK(manifest_of(globals)["database"].is_null());
  CHECK(final_backups(dir.path()).size() == 5);
  const auto listed = it::parse_json(it::pgdba({"backup", "list", "--dir", dir.path(), "-o", "json"}).out);
  CHECK(listed.size() == 5);
  const auto verified = it::pgdba({"backup", "verify", "--latest", "--dir", dir.path(), "-o", "json"});
  INFO(verified.err);
  CHECK(verified.code == 0);
  CHECK(it::parse_json(verified.out).size() == 5);
  for (const auto& r : rows)
    if (r["database"] == "bk_a") CHECK(manifest_of(r["file"])["row_counts"][0]["rows"] == 500);
}

TEST_CASE("backup --all-databases: a database dropped while pg_dump works in it is skipped, the others are kept",
          "[backup]") {
  it::PrivateCluster pc;
  {
    pqxx::connection c(conninfo_of(pc.env(), "postgres"));
    pqxx::nontransaction tx(c);
    tx.exec("create database bk_kept");
    tx.exec("create database bk_doomed");
  }
  // pg_dump waits for this lock inside bk_doomed when the drop ends it.
  pqxx::connection locker(conninfo_of(pc.env(), "bk_doomed"));
  pqxx::nontransaction(locker).exec("create table t(i int)");
  pqxx::work held(locker);
  held.exec("lock table t in access exclusive mode");
  TempDir dir;
  const auto bg = it::start_pgdba({"backup", "create", "--all-databases", "--dir", dir.path(), "-o", "json"}, pc.env());
  REQUIRE(it::wait_for([&] {
    pqxx::connection c(conninfo_of(pc.env(), "postgres"));
    pqxx::nontransaction tx(c);
    return tx.exec("select 1 from pg_stat_activity where datname = 'bk_doomed' and wait_event_type = 'Lock'").size() ==
           1;
  }));
  {
    pqxx::connection c(conninfo_of(pc.env(), "postgres"));
    pqxx::nontransaction tx(c);
    tx.exec("drop database bk_doomed with (force)");
  }
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("bk_doomed") && Catch::Contains("skipped"));
  std::map<std::string, std::string> status;
  for (const auto& row : it::parse_json(r.out))
    if (row["kind"] == "database") status[row["database"].get<std::string>()] = row["status"].get<std::string>();
  CHECK(status["bk_doomed"] == "skipped");
  CHECK(status["bk_kept"] == "complete");
  for (const auto& f : final_backups(dir.path()))
    CHECK(f.find("bk_doomed") == std::string::npos);
  CHECK(temporaries(dir.path()).empty());
}

TEST_CASE("backup prune keeps exactly what the rules say and the newest verified backup", "[backup]") {
  it::ScratchDb src("bk_prune");
  src.exec("create table t(i int)");
  TempDir dir;
  std::vector<std::string> made;
  for (int i = 0; i < 4; ++i) {
    const auto r = src.pgdba({"backup", "create", "--dir", dir.path(), "-o", "json"});
    REQUIRE(r.code == 0);
    made.push_back(it::parse_json(r.out)[0]["file"]);
  }
  REQUIRE(final_backups(dir.path()).size() == 4);
  // The second oldest is the only verified one.
  REQUIRE(it::pgdba({"backup", "verify", made[1]}).code == 0);

  // What a SIGKILLed run would leave: a hidden temporary of a process that
  // is gone, two days old; and one of a live process (this test's).
  const fs::path db_dir = fs::path(made[0]).parent_path();
  const std::string dead = (db_dir / ".20260101T000000Z.dump.tmp-2147483-1").string();
  const std::string live = (db_dir / (".20260101T000000Z.dump.tmp-" + std::to_string(getpid()) + "-1")).string();
  for (const auto& p : {dead, live}) {
    std::ofstream(p) << "partial";
    fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::hours(48));
  }
  const auto dry = it::pgdba({"backup", "prune", "--dir", dir.path(), "--keep", "1", "--dry-run", "-o", "json"});
  INFO(dry.err);
  REQUIRE(dry.code == 0);
  std::map<std::string, std::string> action;
  for (const auto& r : it::parse_json(dry.out))
    action[r["path"]] = r["action"];
  CHECK(action == std::map<std::string, std::string>{{made[0], "would delete"},
                                                     {made[1], "keep"},
                                                     {made[2], "would delete"},
                                                     {made[3], "keep"},
                                                     {dead, "would delete"}});
  CHECK(final_backups(dir.path()).size() == 4);

  const auto refused = it::pgdba({"backup", "prune", "--dir", dir.path(), "--keep", "1"});
  CHECK(refused.code == 2);
  CHECK_THAT(refused.err, Catch::Contains("--yes"));
  CHECK(final_backups(dir.path()).size() == 4);

  const auto pruned = it::pgdba({"backup", "prune", "--dir", dir.path(), "--keep", "1", "--yes", "-o", "json"});
  INFO(pruned.err);
  REQUIRE(pruned.code == 0);
  CHECK_FALSE(fs::exists(made[0]));
  CHECK_FALSE(fs::exists(made[2]));
  CHECK_FALSE(fs::exists(fs::path(made[0]).replace_extension("").string() + ".manifest.json"));
  CHECK(fs::exists(made[1]));
  CHECK(fs::exists(made[3]));
  CHECK_FALSE(fs::exists(dead));
  CHECK(fs::exists(live));
  const auto listed = it::parse_json(it::pgdba({"backup", "list", "--dir", dir.path(), "-o", "json"}).out);
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["path"] == made[1]);
  CHECK(listed[0]["verified"] == true);
  CHECK(listed[1]["path"] == made[3]);

  // --keep-days: both are younger than a day; nothing goes.
  const auto days = it::pgdba({"backup", "prune", "--dir", dir.path(), "--keep-days", "1", "--yes", "-o", "json"});
  REQUIRE(days.code == 0);
  CHECK(final_backups(dir.path()).size() == 2);
  CHECK(it::pgdba({"backup", "prune", "--dir", dir.path()}).code == 2);  // no rule
}

TEST_CASE("backup create --keep prunes the databases it dumped after a run that fully succeeded, and no others",
          "[backup]") {
  it::ScratchDb a("bk_keep_a");
  it::ScratchDb b("bk_keep_b");
  TempDir dir;
  std::vector<std::string> made_a;
  for (int i = 0; i < 3; ++i) {
    const auto r = a.pgdba({"backup", "create", "--dir", dir.path(), "-o", "json"});
    REQUIRE(r.code == 0);
    made_a.push_back(it::parse_json(r.out)[0]["file"]);
  }
  for (int i = 0; i < 2; ++i)
    REQUIRE(b.pgdba({"backup", "create", "--dir", dir.path()}).code == 0);
  REQUIRE(final_backups(dir.path()).size() == 5);

  CHECK(a.pgdba({"backup", "create", "--dir", dir.path(), "--keep", "0"}).code == 2);
  CHECK(a.pgdba({"backup", "create", "--dir", dir.path(), "--keep-days", "soon"}).code == 2);
  CHECK(final_backups(dir.path()).size() == 5);

  // A dump that fails: the one that worked is kept, nothing is pruned.
  const auto partial = it::pgdba({"backup", "create", "--dir", dir.path(), "--db", a.name(), "--db",
                                  it::unique("bk_keep_missing"), "--keep", "1"});
  CHECK(partial.code == 4);
  CHECK_THAT(partial.err, Catch::Contains("no backup pruned"));
  CHECK(final_backups(dir.path()).size() == 6);

  const auto r = a.pgdba({"backup", "create", "--dir", dir.path(), "--keep", "2", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto doc = it::parse_json(r.out);
  const std::string newest = doc["backup"][0]["file"];
  std::map<std::string, std::string> action;
  for (const auto& row : doc["prune"]) {
    CHECK(row["database"] == a.name());
    action[row["path"]] = row["action"];
  }
  CHECK(action.size() == 5);  // a's four before, and the new one
  CHECK(action[newest] == "keep");
  for (const auto& old : made_a)
    CHECK(action[old] == "deleted");
  for (const auto& old : made_a)
    CHECK_FALSE(fs::exists(old));
  CHECK(fs::exists(newest));
  // b's two and a's two newest are left.
  CHECK(final_backups(dir.path()).size() == 4);
}

TEST_CASE("backup faults: a tampered or truncated file fails verify", "[backup][fault]") {
  it::ScratchDb src("bk_tamper");
  src.exec("create table t as select g, md5(g::text) from generate_series(1, 2000) g");
  TempDir dir;
  const auto made = src.pgdba({"backup", "create", "--dir", dir.path(), "-o", "json"});
  REQUIRE(made.code == 0);
  const std::string file = it::parse_json(made.out)[0]["file"];
  REQUIRE(it::pgdba({"backup", "verify", file}).code == 0);
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(file) / 2));
    f.put('\x5a');
  }
  const auto bad = it::pgdba({"backup", "verify", file});
  CHECK(bad.code == 1);
  CHECK_THAT(bad.err, Catch::Contains("does not match its SHA-256"));
  CHECK(it::count_lines(bad.err) == 1);
  CHECK(manifest_of(file)["verified"]["ok"] == false);

  // A plain dump cut short, with a manifest rewritten to match it, fails
  // on its missing closing line.
  const auto plain = src.pgdba({"backup", "create", "--dir", dir.path(), "--format", "plain", "-o", "json"});
  REQUIRE(plain.code == 0);
  const std::string sql = it::parse_json(plain.out)[0]["file"];
  fs::resize_file(sql, fs::file_size(sql) / 2);
  auto m = manifest_of(sql);
  m["files"][0]["size"] = fs::file_size(sql);
  m["files"][0]["sha256"] = sha256sum(sql);
  std::ofstream(fs::path(sql).replace_extension("").string() + ".manifest.json") << m.dump();
  const auto cut = it::pgdba({"backup", "verify", sql});
  CHECK(cut.code == 1);
  CHECK_THAT(cut.err, Catch::Contains("truncated"));
  CHECK(it::pgdba({"backup", "verify", dir.path() + "/nothing.dump"}).code == 1);
}

TEST_CASE("backup faults: pg_dump killed, and pgdba terminated, leave only the older backups", "[backup][fault]") {
  it::ScratchDb src("bk_kill");
  src.exec("create table t as select generate_series(1, 100) as i");
  TempDir dir;
  const auto first = src.pgdba({"backup", "create", "--dir", dir.path(), "-o", "json"});
  REQUIRE(first.code == 0);
  const std::string older = it::parse_json(first.out)[0]["file"];
  const std::string older_sum = sha256sum(older);
  auto watcher = it::connect(src.name());

  SECTION("pg_dump killed") {
    TableLock lock(main_conninfo(src.name()), "t");
    const auto bg = it::start_pgdba({"-d", src.name(), "backup", "create", "--dir", dir.path()});
    int pid = -1;
    REQUIRE(it::wait_for([&] { return (pid = find_pg_dump("dbname='" + src.name() + "'")) > 0; }));
    REQUIRE(it::wait_for([&] { return TableLock::waited_on(watcher, "t"); }));
    CHECK(!temporaries(dir.path()).empty());  // it writes under a hidden name meanwhile
    kill(pid, SIGKILL);
    const auto r = it::wait_pgdba(bg);
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("pg_dump was killed by signal 9"));
    CHECK(it::count_lines(r.err) == 1);
  }
  SECTION("pgdba gets SIGTERM: pg_dump is stopped too") {
    TableLock lock(main_conninfo(src.name()), "t");
    const auto bg = it::start_pgdba({"-d", src.name(), "backup", "create", "--dir", dir.path()});
    int pid = -1;
    REQUIRE(it::wait_for([&] { return (pid = find_pg_dump("dbname='" + src.name() + "'")) > 0; }));
    REQUIRE(it::wait_for([&] { return TableLock::waited_on(watcher, "t"); }));
    kill(bg.pid, SIGTERM);
    const auto r = it::wait_pgdba(bg);
    CHECK(r.code != 0);
    CHECK_THAT(r.err, Catch::Contains("interrupted"));
    CHECK(it::wait_for([&] { return process_gone(pid); }, 10));
  }
  CHECK(only(final_backups(dir.path())) == fs::relative(older, dir.path()).string());
  CHECK(temporaries(dir.path()).empty());
  CHECK(sha256sum(older) == older_sum);
  CHECK(it::parse_json(it::pgdba({"backup", "list", "--dir", dir.path(), "-o", "json"}).out).size() == 1);
}

TEST_CASE("backup faults: the server stopped in the middle of a dump", "[backup][fault]") {
  it::PrivateCluster pc;
  {
    pqxx::connection c(conninfo_of(pc.env(), "postgres"));
    pqxx::nontransaction tx(c);
    tx.exec("create database bk_stop");
  }
  {
    pqxx::connection c(conninfo_of(pc.env(), "bk_stop"));
    pqxx::nontransaction tx(c);
    tx.exec("create table t as select generate_series(1, 100) as i");
  }
  TempDir dir;
  const auto first = it::pgdba({"-d", "bk_stop", "backup", "create", "--dir", dir.path(), "-o", "json"}, "", pc.env());
  REQUIRE(first.code == 0);
  const std::string older = it::parse_json(first.out)[0]["file"];
  const std::string older_sum = sha256sum(older);

  auto lock = std::make_unique<TableLock>(conninfo_of(pc.env(), "bk_stop"), "t");
  pqxx::connection watcher(conninfo_of(pc.env(), "bk_stop"));
  const auto bg = it::start_pgdba({"-d", "bk_stop", "backup", "create", "--dir", dir.path()}, pc.env());
  REQUIRE(it::wait_for([&] { return TableLock::waited_on(watcher, "t"); }));
  const std::string pg_ctl = pc.env().at("PGDBA_PG_BINDIR") + "/pg_ctl stop -m fast -w -D " +
                             pc.env().at("PGDBA_CLUSTER_DIR") + "/data >/dev/null";
  REQUIRE(std::system(((geteuid() == 0 ? "runuser -u postgres -- " : "") + pg_ctl).c_str()) == 0);
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  CHECK(r.code == 3);  // the connection was lost: retry later
  // One line says what failed; pg_dump's own words follow as the DETAIL.
  CHECK_THAT(r.err, Catch::StartsWith("pgdba: error: pg_dump failed (exit code 1) dumping database \"bk_stop\": "));
  CHECK_THAT(r.err, Catch::Contains("terminating connection due to administrator command\nDETAIL: "));
  try {
    lock.reset();
  } catch (...) {
  }
  CHECK(only(final_backups(dir.path())) == fs::relative(older, dir.path()).string());
  CHECK(temporaries(dir.path()).empty());
  CHECK(sha256sum(older) == older_sum);
  CHECK(it::pgdba({"backup", "verify", older}).code == 0);
}

TEST_CASE("backup faults: a full disk and a read-only directory", "[backup][fault]") {
  TempDir dir;
  if (!dir.mount_tmpfs("1m")) {
    WARN("cannot mount a tmpfs here (not root?): full-disk and read-only cases not run");
    return;
  }
  const std::string mnt = dir.path() + "/mnt";
  it::ScratchDb small("bk_small");
  small.exec("create table t as select generate_series(1, 10) as i");
  const auto first = small.pgdba({"backup", "create", "--dir", mnt, "-o", "json"});
  REQUIRE(first.code == 0);
  const std::string older = it::parse_json(first.out)[0]["file"];
  const std::string older_sum = sha256sum(older);

  it::ScratchDb big("bk_big");
  big.exec(
      "create table t as select g, md5(random()::text) || md5(random()::text) || md5(random()::text) as v "
      "from generate_series(1, 60000) g");
  const auto full = big.pgdba({"backup", "create", "--dir", mnt});
  CHECK(full.code == 1);
  CHECK_THAT(full.err, Catch::StartsWith("pgdba: error: pg_dump failed (exit code 1) dumping database"));
  CHECK_THAT(full.err.substr(0, full.err.find('\n')), Catch::Contains("No space left on device"));
  CHECK(only(final_backups(mnt)) == fs::relative(older, mnt).string());
  CHECK(temporaries(mnt).empty());

  REQUIRE(dir.remount_read_only());
  const auto ro = small.pgdba({"backup", "create", "--dir", mnt});
  CHECK(ro.code == 1);
  CHECK_THAT(ro.err, Catch::Contains("Read-only file system"));
  CHECK(only(final_backups(mnt)) == fs::relative(older, mnt).string());
  CHECK(sha256sum(older) == older_sum);
  CHECK(it::pgdba({"backup", "verify", older}).code == 0);  // cannot record it there, still verifies
}

TEST_CASE("backup: the password reaches pg_dump through a 0600 passfile, never its argv", "[backup][safety]") {
  it::PrivateCluster pc;  // its pg_hba.conf asks pgdba_pw for a password
  const std::string secret = "S3cr:et \\pass";
  {
    pqxx::connection c(conninfo_of(pc.env(), "postgres"));
    pqxx::nontransaction tx(c);
    tx.exec("create role pgdba_pw login password " + tx.quote(secret));
    tx.exec("create database bk_pw owner pgdba_pw");
  }
  {
    pqxx::connection c(conninfo_of(pc.env(), "bk_pw"));
    pqxx::nontransaction tx(c);
    tx.exec("create table t(i int); alter table t owner to pgdba_pw");
  }
  TempDir dir;
  auto lock = std::make_unique<TableLock>(conninfo_of(pc.env(), "bk_pw"), "t");
  pqxx::connection watcher(conninfo_of(pc.env(), "bk_pw"));
  it::Env env = pc.env();
  env["PGPASSWORD"] = "";
  const std::string dsn = "host=" + pc.env().at("PGHOST") + " port=" + pc.env().at("PGPORT") +
                          " user=pgdba_pw dbname=bk_pw password='S3cr:et \\\\pass'";
  const auto bg = it::start_pgdba({"--dsn", dsn, "backup", "create", "--dir", dir.path(), "-o", "json"}, env);
  int pid = -1;
  REQUIRE(it::wait_for([&] { return (pid = find_pg_dump("bk_pw")) > 0; }));
  REQUIRE(it::wait_for([&] { return TableLock::waited_on(watcher, "t"); }));
  const std::string cmdline = it::read_file("/proc/" + std::to_string(pid) + "/cmdline");
  CHECK(cmdline.find("S3cr") == std::string::npos);
  CHECK(cmdline.find("password=") == std::string::npos);
  CHECK(cmdline.find("--no-password") != std::string::npos);  // and it never prompts
  const std::string environ = it::read_file("/proc/" + std::to_string(pid) + "/environ");
  const auto at = environ.find("PGPASSFILE=");
  REQUIRE(at != std::string::npos);
  const std::string passfile = environ.substr(at + 11, environ.find('\0', at) - at - 11);
  struct stat st {};
  REQUIRE(stat(passfile.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(it::read_file(passfile) == "*:*:*:*:S3cr\\:et \\\\pass\n");
  lock.reset();
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  REQUIRE(r.code == 0);  // pg_dump authenticated with it
  CHECK_FALSE(fs::exists(passfile));
  const std::string file = it::parse_json(r.out)[0]["file"];
  const std::string manifest = it::read_file(fs::path(file).replace_extension("").string() + ".manifest.json");
  CHECK(manifest.find("S3cr") == std::string::npos);
  CHECK(manifest.find("pgdba_pw") != std::string::npos);  // the command line is there, redacted
}

TEST_CASE("backup: a pg_dump older than the server is refused before anything runs", "[backup]") {
  const std::string newer = "/var/cache/pgdba/pg/16/bin";
  if (!fs::exists(newer + "/postgres") || fs::exists(newer + "/pg_dump")) {
    WARN("no PostgreSQL 16 server without its pg_dump here: case not run");
    return;
  }
  const char* old = std::getenv("PGDBA_PG_BINDIR");
  const std::string saved = old != nullptr ? old : "";
  setenv("PGDBA_PG_BINDIR", newer.c_str(), 1);
  std::unique_ptr<it::PrivateCluster> pc;
  try {
    pc = std::make_unique<it::PrivateCluster>();
  } catch (...) {
  }
  setenv("PGDBA_PG_BINDIR", saved.c_str(), 1);
  if (!pc) {
    WARN("cannot start a PostgreSQL 16 cluster: case not run");
    return;
  }
  TempDir dir;
  const auto r = it::pgdba({"backup", "create", "--dir", dir.path() + "/b"}, "", pc->env());
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("is older than the server (PostgreSQL 16)"));
  CHECK_THAT(r.err, Catch::Contains("nothing was run"));
  CHECK_FALSE(fs::exists(dir.path() + "/b"));
}

TEST_CASE("backup: row counts come from pg_dump's snapshot, not from after it", "[backup]") {
  it::ScratchDb src("bk_snap");
  src.exec("create table t as select generate_series(1, 300) as i");
  TempDir dir;
  auto watcher = it::connect(src.name());
  auto lock = std::make_unique<TableLock>(main_conninfo(src.name()), "t");
  const auto bg = it::start_pgdba({"-d", src.name(), "backup", "create", "--dir", dir.path(), "-o", "json"});
  REQUIRE(it::wait_for([&] { return TableLock::waited_on(watcher, "t"); }));
  // Committed after pg_dump took its snapshot: neither the dump nor the
  // counts may see these rows.
  lock->tx.exec("insert into t select generate_series(301, 1000)");
  lock->tx.commit();
  const auto r = it::wait_pgdba(bg);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(src.value("select count(*) from t") == "1000");
  const std::string file = it::parse_json(r.out)[0]["file"];
  const auto m = manifest_of(file);
  REQUIRE(m["row_counts"].size() == 1);
  CHECK(m["row_counts"][0]["rows"] == 300);
  const auto verified = it::pgdba({"backup", "verify", file, "--restore-test"});
  INFO(verified.err);
  CHECK(verified.code == 0);
}

TEST_CASE("backup restore --schema-only, --table, and options that cannot go together", "[backup]") {
  it::ScratchDb src("bk_opts");
  src.exec("create table a as select generate_series(1, 50) as i; create table b as select generate_series(1, 7) as j");
  TempDir dir;
  const auto made = src.pgdba({"backup", "create", "--dir", dir.path(), "-o", "json"});
  REQUIRE(made.code == 0);
  const std::string file = it::parse_json(made.out)[0]["file"];

  DropDb schema{it::unique("bk_opts_schema")};
  REQUIRE(it::pgdba({"backup", "restore", file, "--db", schema.name, "--create", "--schema-only"}).code == 0);
  CHECK(it::query_value("select count(*) from a", schema.name) == "0");
  CHECK(it::query_value("select count(*) from b", schema.name) == "0");

  DropDb one{it::unique("bk_opts_one")};
  REQUIRE(it::pgdba({"backup", "restore", file, "--db", one.name, "--create", "--table", "b"}).code == 0);
  CHECK(it::query_value("select count(*) from b", one.name) == "7");
  CHECK(it::query_value("select to_regclass('public.a') is null", one.name) == "t");

  CHECK(it::pgdba({"backup", "restore", file, "--db", one.name, "--schema-only", "--data-only"}).code == 2);
  CHECK(it::pgdba({"backup", "restore", file, "--db", one.name, "--create", "--clean"}).code == 2);
  const auto exists = it::pgdba({"backup", "restore", file, "--db", one.name, "--create"});
  CHECK(exists.code == 1);
  CHECK_THAT(exists.err, Catch::Contains("already exists"));
  const auto missing = it::pgdba({"backup", "restore", file, "--db", it::unique("bk_opts_nowhere")});
  CHECK(missing.code == 1);
  CHECK_THAT(missing.err, Catch::Contains("does not exist"));
  CHECK(it::pgdba({"backup", "verify"}).code == 2);  // PATH or --latest
  CHECK(it::pgdba({"backup", "create", "--dir", dir.path(), "--format", "plain", "--compress", "5"}).code == 2);
  // -W: the prompted password would stay inside pgdba; refused with a hint.
  const auto prompted = src.pgdba({"-W", "backup", "create", "--dir", dir.path()}, "secret\n");
  CHECK(prompted.code == 2);
  CHECK(final_backups(dir.path()).size() == 1);
}

TEST_CASE("backup and restore databases with hostile names", "[backup]") {
  const std::string name = it::unique("we'ird \"db\"/x ü");
  DropDb src{name};
  {
    auto c = it::connect();
    pqxx::nontransaction tx(c);
    tx.exec("create database " + tx.quote_name(name));
  }
  REQUIRE(it::database_exists(name));
  {
    auto c = connect_to(name);
    pqxx::nontransaction tx(c);
    tx.exec("create table \"T\"(i int); insert into \"T\" values (1), (2)");
  }
  TempDir dir;
  const auto made = it::pgdba({"-d", name, "backup", "create", "--dir", dir.path(), "-o", "json"});
  INFO(made.err);
  REQUIRE(made.code == 0);
  const std::string file = it::parse_json(made.out)[0]["file"];
  // One directory level per database, whatever its name holds.
  CHECK(fs::path(file).parent_path().parent_path().parent_path() == dir.path());
  CHECK(fs::path(file).parent_path().filename().string().find('/') == std::string::npos);
  CHECK(manifest_of(file)["database"] == name);
  DropDb copy{it::unique("copy 'of' \"it\"")};
  const auto restored = it::pgdba({"backup", "restore", file, "--db", copy.name, "--create"});
  INFO(restored.err);
  REQUIRE(restored.code == 0);
  CHECK(content_of(copy.name) == content_of(name));
  CHECK(it::pgdba({"backup", "verify", "--latest", "--dir", dir.path(), "--restore-test"}).code == 0);
}

TEST_CASE("check backup-age: CRITICAL until a backup is verified, then the age of the newest verified one",
          "[backup][check]") {
  it::ScratchDb db("bk_age");
  TempDir dir;
  // No server is asked: a socket directory that does not exist changes nothing.
  const auto age = [&](std::vector<std::string> args) {
    std::vector<std::string> all = {"-h", "/nonexistent-socket-dir", "check", "backup-age", "--dir", dir.path()};
    all.insert(all.end(), args.begin(), args.end());
    return it::pgdba(all);
  };
  const auto empty = age({});
  CHECK(empty.code == 3);
  CHECK_THAT(empty.out, Catch::StartsWith("PGDBA BACKUP-AGE UNKNOWN - no backups under " + dir.path()));
  CHECK(it::pgdba({"check", "backup-age", "--dir", dir.path() + "/missing"}).code == 3);

  REQUIRE(db.pgdba({"backup", "create", "--dir", dir.path()}).code == 0);
  const auto unverified = age({"--database", db.name()});
  INFO(unverified.out);
  CHECK(unverified.code == 2);
  CHECK_THAT(unverified.out, Catch::Contains("no verified backup among 1"));
  CHECK(age({"--database", db.name(), "--unverified"}).code == 0);

  REQUIRE(db.pgdba({"backup", "verify", "--latest", "--dir", dir.path()}).code == 0);
  const auto ok = age({"--database", db.name(), "-o", "json"});
  INFO(ok.out << ok.err);
  REQUIRE(ok.code == 0);
  const auto doc = it::parse_json(ok.out);
  CHECK(doc["checks"][0]["check"] == "backup-age");
  CHECK(doc["checks"][0]["status"] == "OK");
  REQUIRE(doc["metrics"].size() == 1);
  CHECK(doc["metrics"][0]["database"] == db.name());
  const double seconds = doc["metrics"][0]["value"].get<double>();
  CHECK(seconds >= 0);
  CHECK(seconds < 600);
  // The thresholds are used: anything older than 0 s warns.
  CHECK(age({"--database", db.name(), "--warning", "0"}).code == 1);
  CHECK(age({"--database", db.name(), "--warning", "soon"}).code == 3);
  // A pattern that matches nothing says so rather than OK.
  CHECK(age({"--database", it::unique("bk_age_none")}).code == 3);

  const auto prom = age({"--database", db.name(), "-o", "prometheus"});
  CHECK(prom.code == 0);
  CHECK_THAT(prom.out, Catch::Contains("pgdba_backup_age_seconds{"));
  CHECK_THAT(prom.out, Catch::Contains("database=\"" + db.name() + "\""));
}
