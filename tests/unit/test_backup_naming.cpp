// backup: file names, timestamps, SHA-256 and client version parsing. Pure.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "commands/backup/naming.hpp"
#include "commands/backup/pg_tools.hpp"
#include "commands/backup/sha256.hpp"
#include "src/errors.hpp"
#include "tests/unit/support.hpp"

using namespace pgdba::backup;

TEST_CASE("database names become safe, distinct path components", "[backup]") {
  CHECK(encode_component("app_db-1") == "app_db-1");
  CHECK(encode_component("my.db") == "my.db");
  CHECK(encode_component("..") == "%2E.");
  CHECK(encode_component(".hidden") == "%2Ehidden");
  CHECK(encode_component("a/b") == "a%2Fb");
  CHECK(encode_component("need\"q(uot") == "need%22q%28uot");
  CHECK(encode_component("caf\xc3\xa9") == "caf%C3%A9");
  CHECK(encode_component("a%2Fb") == "a%252Fb");  // never equal to the encoding of "a/b"
  CHECK(encode_component("@globals") != kGlobalsDir);
  CHECK(encode_component("") == "%");
}

TEST_CASE("timestamps: UTC stamps sort as time does, ISO round-trips", "[backup]") {
  const auto t = Clock::from_time_t(1795435381) + std::chrono::milliseconds(42);  // 2026-11-23T12:03:01Z
  CHECK(utc_stamp(t) == "20261123T120301Z");
  CHECK(iso_utc(t) == "2026-11-23T12:03:01.042Z");
  CHECK(parse_iso_utc("2026-11-23T12:03:01.042Z") == t);
  CHECK(parse_iso_utc("2026-11-23T12:03:01Z") == Clock::from_time_t(1795435381));
  CHECK_THROWS_AS(parse_iso_utc("2026-11-23 09:23:01"), pgdba::Error);
  CHECK_THROWS_AS(parse_iso_utc("2026-11-23T09:23:01+01:00"), pgdba::Error);
  CHECK(utc_stamp(t) < utc_stamp(t + std::chrono::seconds(1)));
}

TEST_CASE("formats have their extensions and manifests their names", "[backup]") {
  CHECK(format_ext("custom") == "dump");
  CHECK(format_ext("directory") == "dir");
  CHECK(format_ext("plain") == "sql");
  CHECK_THROWS_AS(format_ext("tar"), pgdba::Error);
  CHECK(manifest_name("20261123T092301Z.dump") == "20261123T092301Z.manifest.json");
  CHECK(manifest_name("20261123T092301Z-2.dir") == "20261123T092301Z-2.manifest.json");
}

TEST_CASE("SHA-256 matches the FIPS 180-4 test vectors", "[backup]") {
  const auto of = [](const std::string& s) {
    Sha256 h;
    h.update(s.data(), s.size());
    return h.hex();
  };
  CHECK(of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // Fed in odd pieces, a million 'a's.
  Sha256 h;
  const std::string chunk(997, 'a');
  std::size_t left = 1000000;
  while (left > 0) {
    const std::size_t n = std::min(left, chunk.size());
    h.update(chunk.data(), n);
    left -= n;
  }
  CHECK(h.hex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

  unit::TempDir dir;
  const std::string path = dir.path() + "/f";
  std::ofstream(path) << "abc";
  CHECK(sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK_THROWS_AS(sha256_file(dir.path() + "/missing"), pgdba::Error);
}

TEST_CASE("client program versions are read from --version", "[backup]") {
  std::string v;
  int major = 0;
  REQUIRE(parse_program_version("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n", v, major));
  CHECK(v == "15.18");
  CHECK(major == 15);
  REQUIRE(parse_program_version("pg_restore (PostgreSQL) 17beta1\n", v, major));
  CHECK(major == 17);
  CHECK_FALSE(parse_program_version("mysqldump  Ver 10.19", v, major));
}
