#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "src/csv_reader.hpp"
#include "src/errors.hpp"

using namespace pgdba;
using Fields = std::vector<std::optional<std::string>>;

namespace {

// A temporary file holding `content`, removed when the test ends.
class TempCsv {
 public:
  explicit TempCsv(const std::string& content) {
    char name[] = "/tmp/pgdba_csv_test_XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    path_ = name;
    REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    ::close(fd);
  }
  ~TempCsv() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Record {
  Fields fields;
  long line;
};

std::vector<Record> read_all(const std::string& content) {
  TempCsv f(content);
  CsvReader r(f.path());
  std::vector<Record> out;
  Fields fields;
  while (r.next(fields))
    out.push_back({fields, r.line()});
  return out;
}

Fields F(std::initializer_list<std::optional<std::string>> l) {
  return Fields(l);
}

}  // namespace

TEST_CASE("csv_reader: quoted fields with commas and doubled quotes", "[csv_reader]") {
  const auto recs = read_all("a,\"b,c\",\"say \"\"hi\"\"\",\"\"\"\"\nx,y,z,w\n");
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].fields == F({"a", "b,c", "say \"hi\"", "\""}));
  CHECK(recs[0].line == 1);
  CHECK(recs[1].fields == F({"x", "y", "z", "w"}));
  CHECK(recs[1].line == 2);
}

TEST_CASE("csv_reader: line breaks inside quotes, and the next record's line", "[csv_reader]") {
  const auto recs = read_all("1,\"two\nlines\"\n2,\"three\nmore\nlines\"\n3,x\n");
  REQUIRE(recs.size() == 3);
  CHECK(recs[0].fields == F({"1", "two\nlines"}));
  CHECK(recs[0].line == 1);
  CHECK(recs[1].fields == F({"2", "three\nmore\nlines"}));
  CHECK(recs[1].line == 3);
  CHECK(recs[2].fields == F({"3", "x"}));
  CHECK(recs[2].line == 6);
}

TEST_CASE("csv_reader: CRLF line ends", "[csv_reader]") {
  const auto recs = read_all("a,b\r\n\"c\r\nd\",e\r\nf,\r\n");
  REQUIRE(recs.size() == 3);
  CHECK(recs[0].fields == F({"a", "b"}));
  CHECK(recs[1].fields == F({"c\r\nd", "e"}));
  CHECK(recs[1].line == 2);
  CHECK(recs[2].fields == F({"f", std::nullopt}));
  CHECK(recs[2].line == 4);
}

TEST_CASE("csv_reader: unquoted empty is NULL, quoted empty is an empty string", "[csv_reader]") {
  const auto recs = read_all("1,,\"\",4\n,\n\"\"\n");
  REQUIRE(recs.size() == 3);
  CHECK(recs[0].fields == F({"1", std::nullopt, "", "4"}));
  CHECK(recs[1].fields == F({std::nullopt, std::nullopt}));
  CHECK(recs[2].fields == F({""}));
}

TEST_CASE("csv_reader: last record without a line break, empty file", "[csv_reader]") {
  const auto recs = read_all("a,b\nc,\"d\"");
  REQUIRE(recs.size() == 2);
  CHECK(recs[1].fields == F({"c", "d"}));
  CHECK(recs[1].line == 2);
  CHECK(read_all("").empty());
}

TEST_CASE("csv_reader: an unterminated quote is a usage error naming the line", "[csv_reader]") {
  TempCsv f("ok,1\nbad,\"never\nclosed,2\n");
  CsvReader r(f.path());
  Fields fields;
  REQUIRE(r.next(fields));
  CHECK(fields == F({"ok", "1"}));
  try {
    r.next(fields);
    FAIL("unterminated quote accepted");
  } catch (const Error& e) {
    CHECK(e.kind == ErrorKind::Usage);
    CHECK_THAT(e.what(), Catch::Contains("line 2") && Catch::Contains("unterminated") && Catch::Contains(f.path()));
  }
}

TEST_CASE("csv_reader: a missing file is a usage error", "[csv_reader]") {
  const std::string path = "/tmp/pgdba_no_such_dir/rows.csv";
  try {
    CsvReader r(path);
    FAIL("missing file opened");
  } catch (const Error& e) {
    CHECK(e.kind == ErrorKind::Usage);
    CHECK_THAT(e.what(), Catch::Contains(path));
  }
}

TEST_CASE("csv_reader: a NUL byte is refused with its line, quoted or not", "[csv_reader]") {
  for (const std::string& body : {std::string("1,ok\n2,a\0b\n", 11), std::string("1,ok\n2,\"a\0b\"\n", 13)}) {
    TempCsv f(body);
    CsvReader r(f.path());
    Fields fields;
    REQUIRE(r.next(fields));
    try {
      r.next(fields);
      FAIL("NUL byte accepted");
    } catch (const Error& e) {
      CHECK(e.kind == ErrorKind::Usage);
      CHECK_THAT(e.what(), Catch::Contains("line 2") && Catch::Contains("NUL"));
    }
  }
}
