#include "src/render.hpp"

#include <cerrno>
#include <cstring>
#include <functional>
#include <unordered_set>

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

std::string first_free_name(const std::string& base, const std::function<bool(const std::string&)>& taken) {
  if (!taken(base)) return base;
  for (std::size_t k = 2;; ++k) {
    std::string candidate = base + "_" + std::to_string(k);
    if (!taken(candidate)) return candidate;
  }
}

std::vector<std::string> unique_column_names(const std::vector<Column>& columns,
                                             const std::vector<std::string>& reserved) {
  std::unordered_set<std::string> real(reserved.begin(), reserved.end());
  for (const auto& c : columns)
    real.insert(c.name);
  std::unordered_set<std::string> given(reserved.begin(), reserved.end());
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const auto& c : columns) {
    // The name itself is free unless given already; a suffix must also
    // avoid every real name, which may still be to come.
    std::string name = given.count(c.name) == 0 ? c.name : first_free_name(c.name, [&](const std::string& n) {
      return given.count(n) != 0 || real.count(n) != 0;
    });
    given.insert(name);
    names.push_back(std::move(name));
  }
  return names;
}

Format parse_format(const std::string& name) {
  if (name == "table") return Format::Table;
  if (name == "json") return Format::Json;
  if (name == "jsonl") return Format::Jsonl;
  if (name == "csv") return Format::Csv;
  if (name == "nagios" || name == "prometheus") {
    throw usage_error("-o " + name + " is the output of 'pgdba check'; use table, json, jsonl or csv here");
  }
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
