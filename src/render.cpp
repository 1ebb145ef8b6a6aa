#include "src/render.hpp"

#include <cerrno>
#include <cstring>

#include "src/errors.hpp"
#include "src/render_writer.hpp"

namespace pgdba {

void Writer::flush() {
  if (buf_.empty()) return;
  const std::size_t n = std::fwrite(buf_.data(), 1, buf_.size(), out_);
  const bool short_write = n != buf_.size();
  buf_.clear();
  if (short_write || std::fflush(out_) != 0) {
    throw failure(std::string("cannot write output: ") + std::strerror(errno));
  }
}

Format parse_format(const std::string& name) {
  if (name == "table") return Format::Table;
  if (name == "json") return Format::Json;
  if (name == "jsonl") return Format::Jsonl;
  if (name == "csv") return Format::Csv;
  throw usage_error("unknown output format \"" + name + "\"; use table, json, jsonl or csv");
}

std::unique_ptr<ResultSink> make_renderer(const RenderOptions& options, std::FILE* out) {
  switch (options.format) {
    case Format::Json:
      return make_json_renderer(options, out, false);
    case Format::Jsonl:
      return make_json_renderer(options, out, true);
    case Format::Csv:
      return make_csv_renderer(options, out);
    case Format::Table:
      break;
  }
  return make_table_renderer(options, out);
}

}  // namespace pgdba
