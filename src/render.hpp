// Renderers: the one place that decides how results look (contract section 3).
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "src/result.hpp"

namespace pgdba {

enum class Format { Table, Json, Jsonl, Csv };

struct RenderOptions {
  Format format = Format::Table;
  bool header = true;
  bool color = false;
  bool numeric_as_number = false;
};

// Parses "table", "json", "jsonl", "csv"; throws a usage Error otherwise.
Format parse_format(const std::string& name);

// Writes one typed cell as a JSON value (contract section 3's typing rules).
void append_json_value(std::string& out, const Column& column, CellView cell, bool numeric_as_number);

// A sink that renders to `out`. json, jsonl and csv stream: they hold one row
// at a time; table buffers because column widths depend on every row.
std::unique_ptr<ResultSink> make_renderer(const RenderOptions& options, std::FILE* out);

}  // namespace pgdba
