// The result model: commands fill named tables of typed columns and hand them
// to a ResultSink; only renderers decide how a value looks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgdba {

// What a column holds, as far as rendering is concerned. Most kinds come from
// the PostgreSQL type OID; Bytes and Seconds are set by commands for columns
// that hold a size in bytes or a duration in seconds.
enum class Kind { Text, Integer, Float, Numeric, Boolean, Json, Timestamp, Interval, Bytea, Array, Bytes, Seconds };

struct Column {
  std::string name;
  Kind kind = Kind::Text;
  Kind element = Kind::Text;  // for arrays: the kind of the elements
  // Tables for people cut longer values to this many columns (0: never);
  // machine formats always carry the whole value.
  std::size_t max_width = 0;
};

// A cell as text in PostgreSQL's output format, or SQL NULL.
struct CellView {
  const char* data = nullptr;
  std::size_t size = 0;
  bool null = true;

  std::string_view text() const { return {data, size}; }
};

// Maps a PostgreSQL type OID to the column kind (element kind for arrays).
Column column_for_type(std::string name, std::uint32_t type_oid);

// What a renderer records when the work behind a table fails part-way.
struct SinkError {
  std::string message, sqlstate, severity, detail, hint, target;  // empty = null in JSON
};

// Receives tables row by row, so a result of any size can stream through.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // Called once before the first table: several tables render as sections.
  virtual void start(bool sectioned) = 0;
  virtual void begin_table(const std::string& name, const std::vector<Column>& columns) = 0;
  virtual void row(const CellView* cells) = 0;
  virtual void end_table() = 0;
  // Whether copy_csv() may stand in for row(): only a sink that writes CSV
  // in COPY's dialect (the CSV renderer) can take the server's own output.
  virtual bool takes_copy_csv() const { return false; }
  // Rows of the open table as COPY ... (FORMAT csv) wrote them, whole lines,
  // byte for byte what row() would have written for them.
  virtual void copy_csv(std::string_view) {}
  // Writes out what it holds now, for a stream whose rows come slowly
  // (listen): a table prints its buffered rows (their widths fixed so far).
  virtual void flush() {}
  // Called once after the last table; closes the document and flushes it.
  // Safe without start() (an empty document) and when called again (no-op).
  virtual void finish() = 0;
  // The work failed. If a table is open, it is closed with the error as its
  // last element; otherwise a table named `name` ("error" if empty) holding
  // only the error is written. json/jsonl record the error in stdout (an
  // element {"error": {...}} with the same keys as the contract's stderr
  // error object; jsonl adds "section" when sectioned); table and csv just
  // close what they had (stderr carries the error). May be called before
  // start() (then it starts the document) and more than once (one per failed
  // statement with --on-error continue); finish() is still called after.
  virtual void fail(const SinkError& error, const std::string& name = "") = 0;
};

// A small materialized table, for results that fit in memory.
class Table {
 public:
  Table(std::string name, std::vector<Column> columns);

  const std::string& name() const { return name_; }
  const std::vector<Column>& columns() const { return columns_; }
  std::size_t size() const { return rows_.size(); }
  const std::vector<std::optional<std::string>>& row(std::size_t i) const { return rows_[i]; }

  void add_row(std::vector<std::optional<std::string>> cells);
  // Overrides the kind of the named column (sizes and durations).
  void set_kind(const std::string& column, Kind kind);
  // Cuts the named column's long values in tables for people (Column::max_width).
  void set_max_width(const std::string& column, std::size_t width);
  void emit(ResultSink& sink) const;

 private:
  Column& column(const std::string& name);

  std::string name_;
  std::vector<Column> columns_;
  std::vector<std::vector<std::optional<std::string>>> rows_;
};

using Result = std::vector<Table>;

// Sends a whole result to a sink: start, every table, finish.
void emit_result(const Result& result, ResultSink& sink);

}  // namespace pgdba
