// Buffered output for the renderers: one write(2)-sized chunk at a time, so a
// streamed result costs neither a syscall per row nor memory per row.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "src/render.hpp"

namespace pgdba {

class Writer {
 public:
  explicit Writer(std::FILE* out) : out_(out) { buf_.reserve(kChunk + 4096); }
  ~Writer() {
    try {
      flush();
    } catch (...) {
      // an unwritable stdout was already reported, or will be by the caller
    }
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  std::string& buf() { return buf_; }
  void maybe_flush() {
    if (buf_.size() >= kChunk) flush();
  }
  // Throws a failure Error if the output cannot be written (disk full, EPIPE).
  void flush();

 private:
  static constexpr std::size_t kChunk = std::size_t{64} * 1024;
  std::FILE* out_;
  std::string buf_;
};

// `base` if it is not taken, else the first of base_2, base_3, ... that is not.
std::string first_free_name(const std::string& base, const std::function<bool(const std::string&)>& taken);

std::unique_ptr<ResultSink> make_json_renderer(const RenderOptions& o, std::FILE* out, bool lines);
std::unique_ptr<ResultSink> make_csv_renderer(const RenderOptions& o, std::FILE* out);
std::unique_ptr<ResultSink> make_table_renderer(const RenderOptions& o, std::FILE* out);

}  // namespace pgdba
