// Renderers: the one place that decides how results look (contract section 3).
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

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

// Rows a table output holds to size its columns, like psql's FETCH_COUNT: a
// longer table prints them and then every later row at once with the same
// widths (a wider later cell pushes its line), so memory stays flat.
constexpr std::size_t kTableBufferRows = 1000;

// Writes one typed cell as a JSON value (contract section 3's typing rules).
// json/jsonb values are re-serialised compactly, so a row is one line.
void append_json_value(std::string& out, const Column& column, CellView cell, bool numeric_as_number);

// The column names every format prints (JSON keys, CSV and table headers):
// the first column of a name keeps it; a repeat gets the first suffix _2,
// _3, ... that is neither the name of any column of the table nor already
// given nor in `reserved`, so a real column keeps its name even when it
// comes later (a, a, a_2 -> a, a_3, a_2). A column named like a reserved
// name is suffixed too (jsonl reserves "section" in sectioned output).
std::vector<std::string> unique_column_names(const std::vector<Column>& columns,
                                             const std::vector<std::string>& reserved = {});

// A sink that renders to `out`. json, jsonl and csv stream: they hold one row
// at a time; table holds at most kTableBufferRows rows.
std::unique_ptr<ResultSink> make_renderer(const RenderOptions& options, std::FILE* out);

}  // namespace pgdba
