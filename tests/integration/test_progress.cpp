// The progress line: on a terminal (a pty that script(1) gives) a long
// vacuum, dump or copy says how far it is; without one (cron, a pipe)
// nothing but the result. Each run is held on a lock or a sleep the test
// controls, so the line shows whatever the machine's speed.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/harness.hpp"

namespace {

std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// pgdba `args` on a pseudo-terminal, in the background; everything it
// writes lands in typescript().
class OnTerminal {
 public:
  explicit OnTerminal(const std::vector<std::string>& args) : typescript_(it::temp_file("")) {
    it::cluster();  // the PG* variables, for the child
    const char* bin = std::getenv("PGDBA_BIN");
    std::string cmd = sh_quote(bin != nullptr ? bin : PGDBA_BIN);
    for (const auto& a : args)
      cmd += " " + sh_quote(a);
    thread_ = std::thread([this, cmd] {
      result_ = it::shell("script -qfec " + sh_quote(cmd) + " " + sh_quote(typescript_) + " >/dev/null");
    });
  }
  ~OnTerminal() {
    if (thread_.joinable()) thread_.join();
  }
  std::string typescript() const { return it::read_file(typescript_); }
  bool shows(const std::string& text) const {
    return it::wait_for([&] { return typescript().find(text) != std::string::npos; });
  }
  it::Run finish() {
    thread_.join();
    return result_;
  }

 private:
  std::string typescript_;
  std::thread thread_;
  it::Run result_;
};

}  // namespace

TEST_CASE("progress: vacuum --full on a terminal says how many are done and on which table it waits",
          "[progress][vacuum]") {
  it::ScratchDb db("progress_vac");
  db.exec("create table t as select g from generate_series(1, 1000) g");
  auto c = it::connect(db.name());
  pqxx::work hold(c);
  hold.exec("lock table t in access share mode");
  OnTerminal run({"-d", db.name(), "--lock-timeout", "60s", "vacuum", "--full", "--table", "t", "--yes"});
  const bool shown = run.shows("pgdba: 0 of 1 done; public.t");
  hold.commit();
  const auto r = run.finish();
  INFO(run.typescript());
  CHECK(shown);
  CHECK(r.code == 0);
  CHECK_THAT(run.typescript(), Catch::Contains("VACUUM (FULL)"));

  // Under cron: the same run writes no progress.
  const auto plain = db.pgdba({"vacuum", "--full", "--table", "t", "--yes"});
  CHECK(plain.code == 0);
  CHECK(plain.err.find('\r') == std::string::npos);
  CHECK(plain.err.find(" done;") == std::string::npos);
}

TEST_CASE("progress: backup create on a terminal shows the dump's bytes, -q silences it", "[progress][backup]") {
  it::ScratchDb db("progress_bk");
  db.exec("create table t as select g from generate_series(1, 1000) g");
  const std::string dir = it::temp_file("") + ".d";
  auto c = it::connect(db.name());
  {
    pqxx::work hold(c);
    hold.exec("lock table t in access exclusive mode");  // pg_dump waits for its ACCESS SHARE
    OnTerminal run({"-d", db.name(), "backup", "create", "--dir", dir});
    const bool shown = run.shows("pgdba: dumping database \"" + db.name() + "\": ");
    hold.commit();
    const auto r = run.finish();
    INFO(run.typescript());
    CHECK(shown);
    CHECK(r.code == 0);
  }
  {
    pqxx::work hold(c);
    hold.exec("lock table t in access exclusive mode");
    OnTerminal quiet({"-q", "-d", db.name(), "backup", "create", "--dir", dir});
    // Held for as long as the other run needed to show its line.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    hold.commit();
    const auto r = quiet.finish();
    CHECK(r.code == 0);
    CHECK(quiet.typescript().find("pgdba: dumping") == std::string::npos);
  }
  it::shell("rm -rf " + sh_quote(dir));
}

TEST_CASE("progress: copy out on a terminal counts rows and bytes while they stream", "[progress][copy]") {
  it::ScratchDb db("progress_copy");
  const std::string file = it::temp_file("") + ".csv";
  // Row 8192 comes 1.5 s late: the line is due by the next 4096 rows.
  OnTerminal run({"-d", db.name(), "copy", "out", "--query",
                  "select g from generate_series(1, 20000) g where g <> 8192 or pg_sleep(1.5) is not null", "--to",
                  file});
  const auto r = run.finish();
  INFO(run.typescript());
  CHECK(r.code == 0);
  CHECK_THAT(run.typescript(), Catch::Contains("pgdba: copying the query: "));
  CHECK_THAT(run.typescript(), Catch::Contains(" rows\033[K"));
  CHECK(it::count_lines(it::read_file(file)) == 20000);
  std::remove(file.c_str());
}
