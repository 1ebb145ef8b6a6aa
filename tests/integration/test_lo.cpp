// lo list / import / export / unlink against the test cluster.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "tests/integration/harness.hpp"

namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("lo import then export is byte-identical, list shows it, unlink removes it", "[lo][matrix]") {
  it::ScratchDb db("lo");
  // A few MB of every byte value, not a multiple of the chunk size.
  std::string data(3 * 1024 * 1024 + 12345, '\0');
  std::mt19937 gen(42);
  for (auto& c : data)
    c = static_cast<char>(gen() & 0xff);
  const std::string src = it::temp_file(data, ".bin");

  const auto imp = db.pgdba({"lo", "import", src, "--comment", "it's a test", "-o", "json"});
  INFO(imp.err);
  REQUIRE(imp.code == 0);
  const auto row = it::parse_json(imp.out)[0];
  const long oid = row["oid"];
  CHECK(row["bytes"] == static_cast<long>(data.size()));
  CHECK(db.value("select count(*) from pg_largeobject_metadata where oid = " + std::to_string(oid)) == "1");

  const auto list = db.pgdba({"lo", "list", "-o", "json"});
  REQUIRE(list.code == 0);
  bool found = false;
  for (const auto& r : it::parse_json(list.out)) {
    if (r["oid"] != oid) continue;
    found = true;
    CHECK(r["owner"] == "postgres");
    CHECK(r["size"] == static_cast<long>(data.size()));
    CHECK(r["comment"] == "it's a test");
  }
  CHECK(found);
  CHECK(db.pgdba({"lo", "list"}).out.find(std::to_string(oid)) != std::string::npos);

  const std::string dst = src + ".out";
  const auto exp = db.pgdba({"lo", "export", std::to_string(oid), dst, "-o", "json"});
  INFO(exp.err);
  REQUIRE(exp.code == 0);
  CHECK(it::parse_json(exp.out)[0]["bytes"] == static_cast<long>(data.size()));
  CHECK(read_file(dst) == data);

  // To standard output: the bytes alone there, the summary on standard error.
  const auto piped = db.pgdba({"lo", "export", std::to_string(oid), "-", "-o", "json"});
  INFO(piped.err);
  REQUIRE(piped.code == 0);
  CHECK(piped.out.size() == data.size());
  CHECK(piped.out == data);
  CHECK(it::parse_json(piped.err)[0]["bytes"] == static_cast<long>(data.size()));
  CHECK(it::parse_json(piped.err)[0]["file"] == "standard output");
  const auto gone = db.pgdba({"lo", "export", "4000000000", "-"});
  CHECK(gone.code == 1);
  CHECK(gone.out.empty());

  const auto refused = db.pgdba({"lo", "unlink", std::to_string(oid)});
  CHECK(refused.code == 2);
  CHECK(refused.err.find("--yes") != std::string::npos);
  REQUIRE(db.pgdba({"lo", "unlink", std::to_string(oid), "--yes"}).code == 0);
  CHECK(db.value("select count(*) from pg_largeobject_metadata where oid = " + std::to_string(oid)) == "0");
  fs::remove(src);
  fs::remove(dst);
}

TEST_CASE("lo: missing objects and files, bad OIDs, dry-run, help", "[lo]") {
  it::ScratchDb db("lo");
  const std::string dst = it::temp_file("keep me");
  const auto missing = db.pgdba({"lo", "export", "4000000000", dst});
  CHECK(missing.code == 1);
  CHECK(missing.err.find("does not exist") != std::string::npos);
  CHECK(read_file(dst) == "keep me");  // never a half file
  const auto parent = fs::path(dst).parent_path();
  int leftovers = 0;
  for (const auto& e : fs::directory_iterator(parent))
    leftovers += e.path().filename().string().rfind(fs::path(dst).filename().string() + ".pgdba-", 0) == 0 ? 1 : 0;
  CHECK(leftovers == 0);

  const auto bad = db.pgdba({"lo", "export", "abc", dst, "-o", "json"});
  CHECK(bad.code == 1);
  CHECK(it::parse_json(bad.err)["error"]["sqlstate"] == "42704");
  CHECK(db.pgdba({"lo", "unlink", "4000000000", "--yes"}).code == 1);
  CHECK(db.pgdba({"lo", "import", "/nonexistent/file"}).code == 1);

  const std::string src = it::temp_file("hello");
  const auto dry = db.pgdba({"lo", "import", src, "--dry-run"});
  REQUIRE(dry.code == 0);
  CHECK(dry.out.find("lo_import " + src) != std::string::npos);
  CHECK(db.value("select count(*) from pg_largeobject_metadata") == "0");
  for (const std::string verb : {"list", "import", "export", "unlink"})
    CHECK(it::pgdba({"lo", verb, "--help"}).code == 0);
  fs::remove(src);
  fs::remove(dst);
}
