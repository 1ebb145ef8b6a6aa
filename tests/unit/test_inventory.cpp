#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include "tests/unit/support.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "src/inventory.hpp"

using namespace pgdba;
using unit::EnvGuard;
using unit::TempDir;
namespace fs = std::filesystem;

namespace {

Inventory read_files(const std::string& user, const std::string& system) {
  return read_inventory({{user, "PGSERVICEFILE", {}}, {system, "PGSYSCONFDIR", {}}});
}

std::vector<std::string> names(const Inventory& inv) {
  std::vector<std::string> out;
  for (const auto& t : inv.services)
    out.push_back(t.name);
  return out;
}

// The one warning that mentions `needle` (there must be exactly one).
std::string warning_about(const Inventory& inv, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& w : inv.warnings)
    if (w.find(needle) != std::string::npos) found.push_back(w);
  INFO("warnings containing: " << needle);
  REQUIRE(found.size() == 1);
  return found[0];
}

std::string passwd_home() {
  const struct passwd* pw = getpwuid(geteuid());
  return pw == nullptr ? "" : pw->pw_dir;
}

// What libpq itself says about service `name`: "" when it got past the service
// files (the fixtures point every host at a socket directory that does not
// exist, so the connection attempt fails at once), else its service error.
std::string libpq_service_error(const std::string& name) {
  std::string quoted;
  for (char c : name) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  PGconn* conn = PQconnectdb(("service='" + quoted + "' connect_timeout=1").c_str());
  const std::string msg = PQerrorMessage(conn);
  PQfinish(conn);
  return msg.find("service") == std::string::npos ? "" : msg;
}

}  // namespace

TEST_CASE("service_files: libpq's paths from PGSERVICEFILE, HOME and PGSYSCONFDIR", "[inventory]") {
  EnvGuard env;
  env.set("PGSERVICEFILE", "/x/my services.conf").set("PGSYSCONFDIR", "/y/etc");
  auto files = service_files();
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == "/x/my services.conf");
  CHECK(files[0].origin == "PGSERVICEFILE");
  CHECK(files[1].path == "/y/etc/pg_service.conf");
  CHECK(files[1].origin == "PGSYSCONFDIR");

  // libpq 15 prefers $HOME; Debian's libpq5 is built with
  // sysconfdir=/etc/postgresql-common.
  env.set("PGSERVICEFILE", std::nullopt).set("PGSYSCONFDIR", std::nullopt).set("HOME", "/home/fleet");
  files = service_files();
  CHECK(files[0].path == "/home/fleet/.pg_service.conf");
  CHECK(files[0].origin == "home");
  CHECK(files[1].path == "/etc/postgresql-common/pg_service.conf");
  CHECK(files[1].origin == "built-in");

  // An empty HOME counts as unset: the passwd entry decides.
  env.set("HOME", "");
  CHECK(home_directory() == passwd_home());
  CHECK(service_files()[0].path == passwd_home() + "/.pg_service.conf");
}

TEST_CASE("service_files: the paths are the ones libpq reads", "[inventory]") {
  TempDir dir;
  dir.write("home/.pg_service.conf", "[from-home]\nhost=/nonexistent-pgdba\n");
  dir.write("etc/pg_service.conf", "[from-etc]\nhost=/nonexistent-pgdba\n");
  EnvGuard env;
  env.set("PGSERVICEFILE", std::nullopt).set("HOME", dir.path() + "/home").set("PGSYSCONFDIR", dir.path() + "/etc");
  const Inventory inv = list_services();
  CHECK(names(inv) == std::vector<std::string>{"from-home", "from-etc"});
  CHECK(libpq_service_error("from-home").empty());
  CHECK(libpq_service_error("from-etc").empty());
  CHECK_THAT(libpq_service_error("elsewhere"), Catch::Contains("not found"));
}

TEST_CASE("read_inventory: sections, comments, blank lines and the displayed keys", "[inventory]") {
  TempDir dir;
  const std::string user = dir.write("user.conf",
                                     "# the fleet\n"
                                     "\n"
                                     "   # an indented comment\n"
                                     "[pg-prod-1]\n"
                                     "host=db1.example.com\n"
                                     "port=5433\n"
                                     "dbname=app\n"
                                     "user=alice\n"
                                     "password=s3cret-pw\n"
                                     "sslmode=require\n"
                                     "\t\n"
                                     "  [pg-prod-2]  \r\n"
                                     "  host=db2.example.com  \r\n"
                                     "host=ignored-second-host\r\n"
                                     "[bare]");
  const Inventory inv = read_files(user, dir.path() + "/missing.conf");
  CHECK(inv.warnings.empty());
  REQUIRE(names(inv) == std::vector<std::string>{"pg-prod-1", "pg-prod-2", "bare"});
  const Target& p1 = inv.services[0];
  CHECK(p1.file == user);
  CHECK(p1.line == 4);
  CHECK(p1.host == "db1.example.com");
  CHECK(p1.port == "5433");
  CHECK(p1.dbname == "app");
  CHECK(p1.user == "alice");
  // libpq keeps the first value of a key; CRLF and surrounding blanks go.
  CHECK(inv.services[1].host == "db2.example.com");
  CHECK(inv.services[1].line == 12);
  CHECK(inv.services[2].host.empty());
  CHECK(inv.find("bare") == &inv.services[2]);
  CHECK(inv.find("pg-prod-3") == nullptr);
  REQUIRE(inv.files.size() == 2);
  CHECK(inv.files[0].state == ServiceFile::State::Read);
  CHECK(inv.files[1].state == ServiceFile::State::Missing);
}

TEST_CASE("read_inventory: the user file hides the system file's service of the same name", "[inventory]") {
  TempDir dir;
  const std::string user =
      dir.write("user.conf", "[b]\nhost=/nonexistent-pgdba/user-b\n[a]\nhost=/nonexistent-pgdba/a\n");
  const std::string sys = dir.write("sys.conf",
                                    "[c]\nhost=/nonexistent-pgdba/c\n[b]\nhost=/nonexistent-pgdba/sys-b\n"
                                    "port=1234\n[d]\nhost=/nonexistent-pgdba/d\n");
  const Inventory inv = read_files(user, sys);
  CHECK(inv.warnings.empty());
  CHECK(names(inv) == std::vector<std::string>{"b", "a", "c", "d"});
  const Target* b = inv.find("b");
  REQUIRE(b != nullptr);
  CHECK(b->file == user);
  CHECK(b->host == "/nonexistent-pgdba/user-b");
  CHECK(b->port.empty());  // no merging of the system file's keys
  CHECK(inv.find("c")->file == sys);

  // The same with libpq itself deciding.
  EnvGuard env;
  env.set("PGSERVICEFILE", user).set("PGSYSCONFDIR", dir.path()).set("PGPORT", std::nullopt);
  fs::rename(sys, dir.path() + "/pg_service.conf");
  PGconn* conn = PQconnectdb("service=b connect_timeout=1");
  CHECK_THAT(PQerrorMessage(conn), Catch::Contains("/nonexistent-pgdba/user-b") && !Catch::Contains("1234"));
  PQfinish(conn);
  CHECK(libpq_service_error("d").empty());
}

TEST_CASE("read_inventory: missing files give no services and no warning", "[inventory]") {
  TempDir dir;
  const Inventory inv = read_files(dir.path() + "/nope.conf", "");
  CHECK(inv.services.empty());
  CHECK(inv.warnings.empty());
  CHECK(inv.files[0].state == ServiceFile::State::Missing);
  CHECK(inv.files[1].state == ServiceFile::State::Missing);
}

TEST_CASE("read_inventory: malformed lines are warnings naming file, line and what libpq does", "[inventory]") {
  TempDir dir;
  const std::string user = dir.write("user.conf",
                                     "host=/nonexistent-pgdba/orphan\n"             // 1
                                     "[spaced]\n"                                   // 2
                                     "host = /nonexistent-pgdba/spaced\n"           // 3
                                     "[no-equals]\n"                                // 4
                                     "host=/nonexistent-pgdba/ne\n"                 // 5
                                     "password hunter2\n"                           // 6
                                     "[typo]\n"                                     // 7
                                     "host=/nonexistent-pgdba/typo\n"               // 8
                                     "hots=db\n"                                    // 9
                                     "[nested]\n"                                   // 10
                                     "host=/nonexistent-pgdba/nested\n"             // 11
                                     "service=other\n"                              // 12
                                     "[secret-key]\n"                               // 13
                                     "host=/nonexistent-pgdba/sk\n"                 // 14
                                     "password: hunter2=x\n"                        // 15
                                     "[unclosed\n"                                  // 16
                                     "host=/nonexistent-pgdba/unclosed\n"           // 17
                                     "[trailing] # prod\n"                          // 18
                                     "host=/nonexistent-pgdba/trailing\n"           // 19
                                     "[]\n"                                         // 20
                                     "host=/nonexistent-pgdba/empty\n"              // 21
                                     "[good]\n"                                     // 22
                                     "host=/nonexistent-pgdba/good\n"               // 23
                                     "[good]\n"                                     // 24
                                     "host=/nonexistent-pgdba/good-again\n"         // 25
                                     "[ldap]\n"                                     // 26
                                     "ldap://ldap.invalid/dc=x?uniqueMember?one\n"  // 27
                                     "host=/nonexistent-pgdba/ldap\n");             // 28
  const Inventory inv = read_files(user, "");
  // Every well-formed header is a service, even one libpq will refuse.
  CHECK(names(inv) ==
        std::vector<std::string>{"spaced", "no-equals", "typo", "nested", "secret-key", "trailing", "good", "ldap"});
  const std::string at = user + ":";
  CHECK(warning_about(inv, at + "1:") == at + "1: line outside any [service] section: libpq ignores it");
  CHECK(warning_about(inv, at + "3:") ==
        at + "3: space around \"=\" after \"host\" in service \"spaced\": libpq refuses to connect to it");
  CHECK(warning_about(inv, at + "6:") ==
        at + "6: not a key=value line in service \"no-equals\": libpq refuses to connect to it");
  CHECK(warning_about(inv, at + "9:") ==
        at + "9: unknown keyword \"hots\" in service \"typo\": libpq refuses to connect to it");
  CHECK(warning_about(inv, at + "12:") ==
        at + "12: nested \"service\" key in service \"nested\": libpq refuses to connect to it");
  CHECK(warning_about(inv, at + "15:") ==
        at + "15: a key that is not a libpq keyword in service \"secret-key\": libpq refuses to connect to it");
  CHECK_THAT(warning_about(inv, at + "16:"),
             Catch::EndsWith("section header without \"]\": libpq matches no service to it"));
  CHECK_THAT(warning_about(inv, at + "18:"), Catch::EndsWith("libpq ignores the text after \"]\""));
  CHECK_THAT(warning_about(inv, at + "20:"), Catch::Contains("empty service name"));
  CHECK(warning_about(inv, at + "24:") ==
        at + "24: service \"good\" is defined again; libpq uses the first definition, line 22");
  CHECK(inv.warnings.size() == 10);
  CHECK(inv.find("good")->host == "/nonexistent-pgdba/good");
  CHECK(inv.find("trailing")->host == "/nonexistent-pgdba/trailing");
  for (const auto& w : inv.warnings)
    CHECK_THAT(w, !Catch::Contains("hunter2"));

  // libpq agrees line by line: the services pgdba warns about are the ones it
  // refuses, the others get as far as the (missing) socket.
  EnvGuard env;
  env.set("PGSERVICEFILE", user).set("PGSYSCONFDIR", dir.path() + "/no-such-dir");
  for (const char* refused : {"spaced", "no-equals", "typo", "nested", "secret-key"}) {
    INFO(refused);
    CHECK_THAT(libpq_service_error(refused), Catch::Contains("service file"));
  }
  for (const char* fine : {"trailing", "good"}) {
    INFO(fine);
    CHECK(libpq_service_error(fine).empty());
  }
  CHECK_THAT(libpq_service_error("unclosed"), Catch::Contains("not found"));
}

TEST_CASE("read_inventory: a line too long for libpq ends the file and hides the system file", "[inventory]") {
  TempDir dir;
  // libpq reads a line into a 1024-byte buffer; 1021 characters plus the
  // newline still fit, 1022 do not.
  const std::string fits = "host=/nonexistent-pgdba/" + std::string(1021 - 24, 'x');
  const std::string too_long = "dbname=" + std::string(1022 - 7, 'y');
  REQUIRE(fits.size() == 1021);
  REQUIRE(too_long.size() == 1022);
  const std::string user = dir.write("user.conf", "[before]\n" + fits + "\n[long]\nhost=/nonexistent-pgdba/long\n" +
                                                      too_long + "\n[after]\nhost=/nonexistent-pgdba/after\n");
  const std::string sys = dir.write("pg_service.conf", "[sys]\nhost=/nonexistent-pgdba/sys\n");
  const Inventory inv = read_files(user, sys);
  CHECK(names(inv) == std::vector<std::string>{"before", "long"});
  CHECK_THAT(warning_about(inv, user + ":5:"), Catch::Contains("longer than 1021 bytes"));
  CHECK_THAT(warning_about(inv, sys), Catch::Contains("unreachable"));

  EnvGuard env;
  env.set("PGSERVICEFILE", user).set("PGSYSCONFDIR", dir.path());
  CHECK(libpq_service_error("before").empty());
  CHECK_THAT(libpq_service_error("long"), Catch::Contains("too long"));
  CHECK_THAT(libpq_service_error("after"), Catch::Contains("too long"));
  CHECK_THAT(libpq_service_error("sys"), Catch::Contains("too long"));

  // The last line without a newline may be one byte longer.
  const std::string last = dir.write("last.conf", "[x]\nhost=/nonexistent-pgdba/x\n" + too_long);
  CHECK(read_files(last, "").warnings.empty());
}

TEST_CASE("read_inventory: hostile service names are kept byte for byte", "[inventory]") {
  TempDir dir;
  const std::vector<std::string> hostile = {"my service", "ünïcødé-δβ", "it's \"quoted\"", " padded ", "a\\b",
                                            "comma,name", "x=y"};
  std::string content;
  for (const auto& n : hostile)
    content += "[" + n + "]\nhost=/nonexistent-pgdba/h\n";
  const std::string user = dir.write("user.conf", content);
  const Inventory inv = read_files(user, "");
  CHECK(inv.warnings.empty());
  CHECK(names(inv) == hostile);

  EnvGuard env;
  env.set("PGSERVICEFILE", user).set("PGSYSCONFDIR", dir.path() + "/none");
  for (const auto& n : hostile) {
    INFO(n);
    CHECK(libpq_service_error(n).empty());
  }
}

TEST_CASE("read_inventory: unreadable files and directories are warnings", "[inventory]") {
  TempDir dir;
  const std::string sys = dir.write("sys.conf", "[sys]\nhost=/nonexistent-pgdba/sys\n");
  fs::create_directory(dir.path() + "/a-directory");
  Inventory inv = read_files(dir.path() + "/a-directory", sys);
  CHECK(names(inv) == std::vector<std::string>{"sys"});
  CHECK(inv.files[0].state == ServiceFile::State::Unreadable);
  CHECK_THAT(warning_about(inv, "a-directory"), Catch::Contains("is a directory"));

  if (geteuid() == 0) return;  // root reads a file whatever its mode
  const std::string user = dir.write("user.conf", "[u]\nhost=/nonexistent-pgdba/u\n");
  REQUIRE(chmod(user.c_str(), 0) == 0);
  inv = read_files(user, sys);
  CHECK(inv.services.empty());
  CHECK(inv.files[0].state == ServiceFile::State::Unreadable);
  CHECK_THAT(warning_about(inv, user), Catch::Contains("cannot read it"));
}
