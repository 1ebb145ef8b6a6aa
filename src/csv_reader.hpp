// Reads RFC 4180 CSV record by record, with COPY's NULL rule: an unquoted
// empty field is NULL, a quoted empty field ("") is an empty string.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace pgdba {

class CsvReader {
 public:
  // Opens `path` ("-" for standard input); throws a usage Error if it can't.
  explicit CsvReader(const std::string& path);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `fields`; false at end of input. Throws a
  // usage Error naming the line for an unterminated quoted field.
  bool next(std::vector<std::optional<std::string>>& fields);
  // The line the last record returned by next() started on (1-based).
  long line() const { return record_line_; }

 private:
  int get();
  std::FILE* in_;
  bool owned_;
  std::string path_;
  long line_ = 1;
  long record_line_ = 0;
};

}  // namespace pgdba
