// activity, locks [--tree], cancel and terminate against sessions the tests
// open themselves (libpq's asynchronous calls, so a session can be left
// waiting for a lock while the test goes on).
#include <libpq-fe.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness.hpp"

namespace {

// One session of the test's own on the test cluster.
class Backend {
 public:
  Backend(const std::string& db, const std::string& application) {
    const auto& e = it::cluster();
    c_ = PQconnectdb(("host=" + e.at("PGHOST") + " port=" + e.at("PGPORT") + " user=postgres dbname=" + db +
                      " application_name=" + application)
                         .c_str());
    if (PQstatus(c_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c_));
    pid_ = PQbackendPID(c_);
  }
  ~Backend() {
    if (busy_) {
      if (PGcancel* cancel = PQgetCancel(c_)) {
        char err[256];
        PQcancel(cancel, err, sizeof err);
        PQfreeCancel(cancel);
      }
    }
    PQfinish(c_);
  }
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  int pid() const { return pid_; }
  // Runs `sql` and waits for it.
  void exec(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    const auto status = PQresultStatus(r);
    const std::string err = PQresultErrorMessage(r);
    PQclear(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(sql + ": " + err);
  }
  // Sends `sql` without waiting: it may block on a lock.
  void send(const std::string& sql) {
    if (PQsendQuery(c_, sql.c_str()) == 0) throw std::runtime_error(PQerrorMessage(c_));
    busy_ = true;
  }
  // Waits for what send() started; returns its SQLSTATE ("" when it succeeded).
  std::string finish() {
    std::string state;
    while (PGresult* r = PQgetResult(c_)) {
      if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
      PQclear(r);
    }
    busy_ = false;
    return state;
  }

 private:
  PGconn* c_ = nullptr;
  int pid_ = 0;
  bool busy_ = false;
};

// Waits until `sql` returns something other than "0" (10 s at most).
bool wait_for(const std::string& sql) {
  for (int i = 0; i < 100; ++i) {
    if (it::query_value(sql) != "0") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

bool alive(int pid) {
  return it::query_value("select count(*) from pg_stat_activity where pid = " + std::to_string(pid)) == "1";
}

// Waits until the session has ended.
bool ended(int pid) {
  return wait_for("select (count(*) = 0)::int from pg_stat_activity where pid = " + std::to_string(pid));
}

std::string state_of(int pid) {
  return it::query_value("select state from pg_stat_activity where pid = " + std::to_string(pid));
}

std::set<int> pids_of(const nlohmann::json& rows) {
  std::set<int> out;
  for (const auto& r : rows)
    out.insert(r["pid"].get<int>());
  return out;
}

const nlohmann::json* row_of(const nlohmann::json& rows, int pid) {
  for (const auto& r : rows) {
    if (r["pid"] == pid) return &r;
  }
  return nullptr;
}

// Waits until `n` of this file's sessions (application live_*) on database
// `db` wait for a lock. Other tests' sessions may queue there too: a size
// query from a concurrent all-databases command waits behind a table lock.
bool waiting(const std::string& db, int n) {
  return wait_for("select (count(*) = " + std::to_string(n) +
                  ")::int from pg_locks l join pg_stat_activity a using (pid) "
                  "where not l.granted and a.application_name like 'live\\_%' and a.datname = '" +
                  db + "'");
}

// The pids `pid` blocks, directly or through others, by the rows'
// blocked_by lists: an independent count to hold pgdba's `blocks` against.
std::set<int> blocked_under(const nlohmann::json& rows, int pid) {
  std::set<int> reach{pid};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& r : rows) {
      const int p = r["pid"].get<int>();
      if (reach.count(p) != 0) continue;
      for (const auto& by : r["blocked_by"]) {
        if (reach.count(by.get<int>()) != 0) {
          reach.insert(p);
          grew = true;
          break;
        }
      }
    }
  }
  reach.erase(pid);
  return reach;
}

std::set<int> only(const std::set<int>& pids, const std::set<int>& keep) {
  std::set<int> out;
  for (int p : pids) {
    if (keep.count(p) != 0) out.insert(p);
  }
  return out;
}

}  // namespace

TEST_CASE("activity: sessions with their state, durations and query, filters, JSON typed", "[live][matrix]") {
  it::ScratchDb db("live_act");
  db.exec("create table t(i int)");
  Backend idle_tx(db.name(), "live_idle_tx");
  idle_tx.exec("begin");
  idle_tx.exec("insert into t values (1)");
  Backend idle(db.name(), "live_idle");
  Backend sleeper(db.name(), "live_sleeper");
  sleeper.send("select pg_sleep(60) /* live_act */");
  REQUIRE(wait_for("select count(*) from pg_stat_activity where pid = " + std::to_string(sleeper.pid()) +
                   " and state = 'active'"));

  const auto r = it::pgdba({"-o", "json", "activity", "--db", db.name()});
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  CHECK(pids_of(rows) == std::set<int>{idle_tx.pid(), sleeper.pid()});  // idle ones only on request
  const auto* s = row_of(rows, sleeper.pid());
  REQUIRE(s != nullptr);
  CHECK((*s)["database"] == db.name());
  CHECK((*s)["user"] == "postgres");
  CHECK((*s)["application"] == "live_sleeper");
  CHECK((*s)["client"] == "local");
  CHECK((*s)["backend_type"] == "client backend");
  CHECK((*s)["state"] == "active");
  CHECK((*s)["wait_event"] == "Timeout:PgSleep");
  CHECK((*s)["query_duration"].is_number());
  CHECK((*s)["query_duration"].get<double>() >= 0);
  CHECK((*s)["xact_duration"].is_number());
  CHECK((*s)["leader_pid"].is_null());
  CHECK((*s)["query"] == "select pg_sleep(60) /* live_act */");
  const auto* t = row_of(rows, idle_tx.pid());
  REQUIRE(t != nullptr);
  CHECK((*t)["state"] == "idle in transaction");
  CHECK((*t)["query_duration"].is_null());
  CHECK((*t)["state_duration"].is_number());
  CHECK((*t)["xid_age"].is_number());  // the insert took a transaction id

  const auto all = it::parse_json(it::pgdba({"-o", "json", "activity", "--db", db.name(), "--include-idle"}).out);
  CHECK(pids_of(all) == std::set<int>{idle_tx.pid(), idle.pid(), sleeper.pid()});
  const auto by_state = it::parse_json(it::pgdba({"-o", "json", "activity", "--db", db.name(), "--state", "idle"}).out);
  CHECK(pids_of(by_state) == std::set<int>{idle.pid()});
  const auto in_tx =
      it::parse_json(it::pgdba({"-o", "json", "activity", "--db", db.name(), "--state", "idle in transaction"}).out);
  CHECK(pids_of(in_tx) == std::set<int>{idle_tx.pid()});
  CHECK(it::parse_json(it::pgdba({"-o", "json", "activity", "--db", db.name(), "--min-duration", "1h"}).out).empty());
  CHECK(it::parse_json(it::pgdba({"-o", "json", "activity", "--db", db.name(), "--user", "nobody_here"}).out).empty());

  // pgdba's own session is never shown; background processes on request.
  const auto own = it::parse_json(it::pgdba({"-d", db.name(), "-o", "json", "activity", "--db", db.name()}).out);
  CHECK(pids_of(own) == std::set<int>{idle_tx.pid(), sleeper.pid()});
  const auto system = it::parse_json(it::pgdba({"-o", "json", "activity", "--include-system"}).out);
  CHECK(
      std::any_of(system.begin(), system.end(), [](const auto& row) { return row["backend_type"] == "checkpointer"; }));
  const auto plain = it::pgdba({"-o", "json", "activity"});
  for (const auto& row : it::parse_json(plain.out))
    CHECK(row["backend_type"] != "checkpointer");

  const auto table = it::pgdba({"activity", "--db", db.name()});
  CHECK(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("live_sleeper") && Catch::Contains("(2 rows)"));
  CHECK(it::pgdba({"activity", "--min-duration", "30"}).code == 2);
  CHECK(it::pgdba({"activity", "--state", "sleeping"}).code == 2);
}

TEST_CASE("locks --tree: a chain of three with a lock queue, plus an independent pair, root blockers exact",
          "[live][matrix]") {
  it::ScratchDb db("live_tree");
  db.exec("create table t1(i int); create table t2(i int); create table t3(i int)");
  // a holds t1; b holds t2 and queues for t1 behind a; c waits for t2 (b);
  // g wants to read t1 and queues behind a (holder) and b (a waiter ahead).
  Backend a(db.name(), "live_a");
  a.exec("begin");
  a.exec("lock table t1");
  Backend b(db.name(), "live_b");
  b.exec("begin");
  b.exec("lock table t2");
  b.send("lock table t1");
  REQUIRE(waiting(db.name(), 1));
  Backend c(db.name(), "live_c");
  c.send("select * from t2");
  Backend g(db.name(), "live_g");
  g.send("select * from t1");
  // An independent pair: f waits for e.
  Backend e(db.name(), "live_e");
  e.exec("begin");
  e.exec("lock table t3");
  Backend f(db.name(), "live_f");
  f.send("select * from t3");
  REQUIRE(waiting(db.name(), 4));

  // On the scratch database, so relations there have names.
  const auto r = it::pgdba({"-d", db.name(), "-o", "json", "locks", "--tree"});
  REQUIRE(r.code == 0);
  nlohmann::json ours = nlohmann::json::array();
  const std::set<int> mine{a.pid(), b.pid(), c.pid(), g.pid(), e.pid(), f.pid()};
  const auto all = it::parse_json(r.out);
  for (const auto& row : all) {
    if (mine.count(row["pid"].get<int>()) != 0) ours.push_back(row);
  }
  REQUIRE(ours.size() == 6);
  std::vector<std::pair<int, int>> shape;  // pid, depth in print order
  for (const auto& row : ours)
    shape.emplace_back(row["pid"].get<int>(), row["depth"].get<int>());
  // b's children (c and g) come in pid order; the roots in pid order too.
  const int first_child = std::min(c.pid(), g.pid());
  const int second_child = std::max(c.pid(), g.pid());
  std::vector<std::pair<int, int>> chain{{a.pid(), 0}, {b.pid(), 1}, {first_child, 2}, {second_child, 2}};
  std::vector<std::pair<int, int>> pair{{e.pid(), 0}, {f.pid(), 1}};
  std::vector<std::pair<int, int>> expected = a.pid() < e.pid() ? chain : pair;
  const auto& rest = a.pid() < e.pid() ? pair : chain;
  expected.insert(expected.end(), rest.begin(), rest.end());
  CHECK(shape == expected);

  const auto& ra = *row_of(ours, a.pid());
  CHECK(ra["root_blocker"] == true);
  // Sessions of tests running beside this one may queue behind a too, so
  // `blocks` is held against the whole output; of ours, exactly b, c and g.
  const auto under_a = blocked_under(all, a.pid());
  CHECK(only(under_a, mine) == std::set<int>{b.pid(), c.pid(), g.pid()});
  CHECK(ra["blocks"] == under_a.size());
  CHECK(ra["blocked_by"].empty());
  CHECK(ra["query"] == "lock table t1");
  CHECK(ra["state"] == "idle in transaction");
  CHECK((*row_of(ours, e.pid()))["root_blocker"] == true);
  for (int p : {b.pid(), c.pid(), g.pid(), f.pid()})
    CHECK((*row_of(ours, p))["root_blocker"] == false);
  const auto& rb = *row_of(ours, b.pid());
  CHECK(rb["blocked_by"] == nlohmann::json::array({a.pid()}));
  CHECK(rb["lock_mode"] == "AccessExclusiveLock");
  CHECK(rb["lock_on"] == "public.t1");
  CHECK(rb["waiting"].is_number());
  const auto under_b = blocked_under(all, b.pid());
  CHECK(only(under_b, mine) == std::set<int>{c.pid(), g.pid()});
  CHECK(rb["blocks"] == under_b.size());
  const auto& rg = *row_of(ours, g.pid());
  CHECK(rg["blocked_by"] == nlohmann::json::array({std::min(a.pid(), b.pid()), std::max(a.pid(), b.pid())}));
  CHECK(rg["lock_mode"] == "AccessShareLock");
  CHECK((*row_of(ours, c.pid()))["blocked_by"] == nlohmann::json::array({b.pid()}));
  CHECK((*row_of(ours, f.pid()))["blocked_by"] == nlohmann::json::array({e.pid()}));

  const auto table = it::pgdba({"locks", "--tree"});
  CHECK(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("\u2514\u2500 " + std::to_string(b.pid())));
  CHECK_THAT(table.out, Catch::Contains("   \u2514\u2500 " + std::to_string(c.pid())));

  // The plain lock table names the relation and says who waits, and how long.
  const auto locks = it::pgdba({"-d", db.name(), "-o", "json", "locks"});
  REQUIRE(locks.code == 0);
  bool held = false;
  bool queued = false;
  for (const auto& row : it::parse_json(locks.out)) {
    if (row["pid"] == a.pid() && row["relation"] == "public.t1") {
      held = row["granted"] == true && row["mode"] == "AccessExclusiveLock" && row["waiting"].is_null();
    }
    if (row["pid"] == b.pid() && row["relation"] == "public.t1") {
      queued = row["granted"] == false && row["waiting"].is_number() && row["database"] == db.name();
    }
  }
  CHECK(held);
  CHECK(queued);
  CHECK_THAT(it::pgdba({"-d", db.name(), "locks"}).out, Catch::Contains("public.t1"));
}

TEST_CASE("terminate --root-blockers hits exactly the roots, the chain moves up", "[live]") {
  it::ScratchDb db("live_roots");
  db.exec("create table t1(i int); create table t2(i int)");
  Backend a(db.name(), "live_a");
  a.exec("begin");
  a.exec("lock table t1");
  Backend b(db.name(), "live_b");
  b.exec("begin");
  b.exec("lock table t2");
  b.send("lock table t1");
  REQUIRE(waiting(db.name(), 1));
  Backend c(db.name(), "live_c");
  c.send("select * from t2");
  REQUIRE(waiting(db.name(), 2));

  const auto dry = it::pgdba({"-o", "json", "terminate", "--root-blockers", "--db", db.name(), "--dry-run"});
  REQUIRE(dry.code == 0);
  const auto planned = it::parse_json(dry.out);
  CHECK(pids_of(planned) == std::set<int>{a.pid()});
  CHECK(planned[0]["outcome"] == "would terminate");
  CHECK(alive(a.pid()));

  const auto done = it::pgdba({"-o", "json", "terminate", "--root-blockers", "--db", db.name(), "--yes"});
  REQUIRE(done.code == 0);
  CHECK(pids_of(it::parse_json(done.out)) == std::set<int>{a.pid()});
  CHECK(ended(a.pid()));
  CHECK(b.finish().empty());  // b got t1
  // b now holds both tables and is the root c waits behind.
  const auto tree = it::parse_json(it::pgdba({"-o", "json", "locks", "--tree"}).out);
  const auto* rb = row_of(tree, b.pid());
  REQUIRE(rb != nullptr);
  CHECK((*rb)["root_blocker"] == true);
  CHECK((*rb)["depth"] == 0);
  CHECK((*row_of(tree, c.pid()))["depth"] == 1);
}

TEST_CASE("terminate --idle-for: exactly the sessions idle in a transaction, --dry-run and refusal kill nothing",
          "[live]") {
  it::ScratchDb db("live_idle");
  Backend tx1(db.name(), "live_tx1");
  tx1.exec("begin");
  tx1.exec("select 1");
  Backend tx2(db.name(), "live_tx2");
  tx2.exec("begin");
  tx2.exec("select 2");
  Backend idle(db.name(), "live_idle");
  Backend sleeper(db.name(), "live_sleeper");
  sleeper.send("select pg_sleep(60)");
  Backend other_pgdba(db.name(), "pgdba_other_run");  // another pgdba's session: protected
  other_pgdba.exec("begin");
  other_pgdba.exec("select 3");
  REQUIRE(wait_for("select count(*) from pg_stat_activity where pid = " + std::to_string(sleeper.pid()) +
                   " and state = 'active'"));
  const std::set<int> in_tx{tx1.pid(), tx2.pid()};
  const std::vector<int> everyone{tx1.pid(), tx2.pid(), idle.pid(), sleeper.pid(), other_pgdba.pid()};

  it::ServerLog log;
  const auto dry =
      it::pgdba({"-d", db.name(), "-o", "json", "terminate", "--idle-for", "0s", "--db", db.name(), "--dry-run"});
  REQUIRE(dry.code == 0);
  const auto planned = it::parse_json(dry.out);
  CHECK(pids_of(planned) == in_tx);
  for (const auto& row : planned) {
    CHECK(row["outcome"] == "would terminate");
    CHECK(row["user"] == "postgres");
    CHECK(row["database"] == db.name());
    CHECK(row["state"] == "idle in transaction");
    CHECK(row["query"].is_string());
  }
  CHECK(pids_of(it::parse_json(it::pgdba({"-d", db.name(), "-o", "json", "terminate", "--idle-in-transaction-for", "0s",
                                          "--db", db.name(), "--dry-run"})
                                   .out)) == in_tx);
  const auto refused = it::pgdba({"-d", db.name(), "terminate", "--idle-for", "0s", "--db", db.name()});
  CHECK(refused.code == 2);
  CHECK_THAT(refused.err, Catch::Contains("--yes"));
  // This run's statements only (-d names its database in the log line
  // prefix): other tests terminate sessions at the same time.
  CHECK(log.never_saw("@" + db.name() + "/pgdba .*pg_terminate_backend"));
  for (int p : everyone)
    CHECK(alive(p));

  const auto none = it::pgdba({"-o", "json", "terminate", "--idle-for", "1h", "--db", db.name(), "--yes"});
  CHECK(none.code == 0);
  CHECK(it::parse_json(none.out).empty());

  const auto done = it::pgdba({"-o", "json", "terminate", "--idle-for", "0s", "--db", db.name(), "--yes"});
  REQUIRE(done.code == 0);
  const auto rows = it::parse_json(done.out);
  CHECK(pids_of(rows) == in_tx);
  for (const auto& row : rows)
    CHECK(row["outcome"] == "signalled");
  CHECK(ended(tx1.pid()));
  CHECK(ended(tx2.pid()));
  for (int p : {idle.pid(), sleeper.pid(), other_pgdba.pid()})
    CHECK(alive(p));

  // Named by pid, another pgdba's session is skipped unless --include-pgdba.
  const auto skipped = it::pgdba({"-o", "json", "terminate", std::to_string(other_pgdba.pid()), "--yes"});
  CHECK(skipped.code == 1);
  CHECK_THAT(skipped.err, Catch::Contains("--include-pgdba"));
  CHECK(it::parse_json(skipped.out)[0]["outcome"] == "skipped: a pgdba session");
  CHECK(alive(other_pgdba.pid()));
  const auto included =
      it::pgdba({"-o", "json", "terminate", std::to_string(other_pgdba.pid()), "--include-pgdba", "--yes"});
  CHECK(included.code == 0);
  CHECK(it::parse_json(included.out)[0]["outcome"] == "signalled");
  CHECK(ended(other_pgdba.pid()));
}

TEST_CASE("cancel stops a running query and keeps the session, by pid and by filter", "[live]") {
  it::ScratchDb db("live_cancel");
  Backend sleeper(db.name(), "live_sleeper");
  Backend idle(db.name(), "live_idle");
  sleeper.send("select pg_sleep(60) /* live_cancel */");
  REQUIRE(wait_for("select count(*) from pg_stat_activity where pid = " + std::to_string(sleeper.pid()) +
                   " and state = 'active'"));

  const auto dry =
      it::pgdba({"-o", "json", "cancel", "--db", db.name(), "--query-matches", "pg_sleep\\(60\\)", "--dry-run"});
  REQUIRE(dry.code == 0);
  CHECK(pids_of(it::parse_json(dry.out)) == std::set<int>{sleeper.pid()});
  CHECK(state_of(sleeper.pid()) == "active");

  const auto r = it::pgdba({"-o", "json", "cancel", std::to_string(sleeper.pid())});
  REQUIRE(r.code == 0);
  const auto rows = it::parse_json(r.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["pid"] == sleeper.pid());
  CHECK(rows[0]["outcome"] == "signalled");
  CHECK(rows[0]["query"] == "select pg_sleep(60) /* live_cancel */");
  CHECK(sleeper.finish() == "57014");  // query_canceled
  CHECK(alive(sleeper.pid()));

  // By filter: a query running at least 0s, on this database only.
  sleeper.send("select pg_sleep(60)");
  REQUIRE(wait_for("select count(*) from pg_stat_activity where pid = " + std::to_string(sleeper.pid()) +
                   " and state = 'active'"));
  const auto by_filter = it::pgdba({"-o", "json", "cancel", "--db", db.name(), "--running-for", "0s"});
  REQUIRE(by_filter.code == 0);
  CHECK(pids_of(it::parse_json(by_filter.out)) == std::set<int>{sleeper.pid()});
  CHECK(sleeper.finish() == "57014");
  CHECK(alive(idle.pid()));

  // A pid and filters together: the pid, only if it matches.
  const auto mismatch = it::pgdba({"-o", "json", "cancel", std::to_string(idle.pid()), "--state", "active"});
  CHECK(mismatch.code == 0);
  CHECK(it::parse_json(mismatch.out)[0]["outcome"] == "skipped: does not match the filters");
}

TEST_CASE("cancel and terminate: missing pids, no target, bad values", "[live]") {
  const auto missing = it::pgdba({"-o", "json", "cancel", "2147483647"});
  CHECK(missing.code == 1);
  CHECK(missing.err == "pgdba: error: session 2147483647 does not exist\n");
  const auto rows = it::parse_json(missing.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["pid"] == 2147483647);
  CHECK(rows[0]["outcome"] == "not found");

  for (const std::string verb : {"cancel", "terminate"}) {
    INFO(verb);
    const auto bare = it::pgdba({verb, "--yes"});
    CHECK(bare.code == 2);
    CHECK_THAT(bare.err, Catch::Contains("give one or more pids, or a filter"));
    CHECK(it::pgdba({verb, "--include-pgdba", "--yes"}).code == 2);  // not a filter
    CHECK(it::pgdba({verb, "12x", "--yes"}).code == 2);
    CHECK(it::pgdba({verb, "0", "--yes"}).code == 2);
    CHECK(it::pgdba({verb, "--running-for", "10", "--yes"}).code == 2);
    CHECK(it::pgdba({verb, "--idle-for", "soon", "--yes"}).code == 2);
    CHECK(it::pgdba({verb, "--state", "asleep", "--yes"}).code == 2);
  }
  const auto refused = it::pgdba({"terminate", "--user", "nobody_here"});
  CHECK(refused.code == 2);
  CHECK_THAT(refused.err, Catch::Contains("--yes"));
  // Several pids at once.
  const auto two = it::pgdba({"-o", "json", "cancel", "2147483646", "2147483647", "--dry-run"});
  CHECK(two.code == 1);
  CHECK(it::parse_json(two.out).size() == 2);
}
