#include "src/csv_reader.hpp"

#include <stdio.h>

#include <cerrno>
#include <cstring>

#include "src/errors.hpp"

namespace pgdba {

CsvReader::CsvReader(const std::string& path) : path_(path) {
  if (path == "-") {
    in_ = stdin;
    owned_ = false;
  } else {
    in_ = std::fopen(path.c_str(), "rb");
    owned_ = true;
    if (in_ == nullptr) throw usage_error("cannot open \"" + path + "\": " + std::strerror(errno));
  }
}

CsvReader::~CsvReader() {
  if (owned_ && in_ != nullptr) std::fclose(in_);
}

int CsvReader::get() {
  // One reader per stream: the stdio lock per character costs more than
  // the parsing (half of a 1M-row --batch's client time).
  const int c = getc_unlocked(in_);
  if (c == '\n') ++line_;
  // PostgreSQL text cannot hold a NUL byte; libpq would cut the value there.
  if (c == '\0') {
    throw usage_error(path_ + ": line " + std::to_string(line_) +
                      ": a field holds a NUL byte (0x00), which PostgreSQL cannot store");
  }
  return c;
}

bool CsvReader::next(std::vector<std::optional<std::string>>& fields) {
  fields.clear();
  int c = get();
  if (c == EOF) return false;
  record_line_ = c == '\n' ? line_ - 1 : line_;
  std::string field;
  bool quoted = false;
  for (;;) {
    if (c == '"' && field.empty() && !quoted) {
      quoted = true;
      for (;;) {
        c = get();
        if (c == EOF) {
          throw usage_error(path_ + ": line " + std::to_string(record_line_) + ": unterminated quoted field");
        }
        if (c == '"') {
          c = get();
          if (c != '"') break;
        }
        field += static_cast<char>(c);
      }
      continue;  // c is the character after the closing quote
    }
    if (c == ',' || c == '\n' || c == EOF || c == '\r') {
      if (quoted || !field.empty()) {
        fields.emplace_back(std::move(field));
      } else {
        fields.emplace_back(std::nullopt);
      }
      field.clear();
      quoted = false;
      if (c == '\r') {
        c = get();
        if (c != '\n' && c != EOF) std::ungetc(c, in_);
        return true;
      }
      if (c != ',') return true;
      c = get();
      continue;
    }
    field += static_cast<char>(c);
    c = get();
  }
}

}  // namespace pgdba
