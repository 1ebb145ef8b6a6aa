// Aligned text tables for people: sizes and durations made readable, numbers
// right-aligned, a row count underneath like psql. Everything printed from
// the data (values, column and section names) goes through terminal_text:
// a value must never move the cursor, recolour or retitle the terminal.
#include <algorithm>
#include <cstdlib>

#include "src/format.hpp"
#include "src/render.hpp"
#include "src/render_writer.hpp"

namespace pgdba {

namespace {

bool right_aligned(Kind k) {
  return k == Kind::Integer || k == Kind::Float || k == Kind::Numeric || k == Kind::Bytes || k == Kind::Seconds ||
         k == Kind::Interval;
}

std::string display(const Column& c, CellView cell) {
  if (cell.null) return "";
  if (c.kind == Kind::Bytes || c.kind == Kind::Seconds) {
    const std::string v(cell.text());
    char* end = nullptr;
    const double n = std::strtod(v.c_str(), &end);
    if (end != v.c_str()) return c.kind == Kind::Bytes ? format_size(n) : format_duration(n);
  }
  if (c.max_width > 0) return fit_width(terminal_text(cell.text()), c.max_width);
  return terminal_text(cell.text());
}

class TableRenderer : public ResultSink {
 public:
  TableRenderer(const RenderOptions& o, std::FILE* out) : opts_(o), w_(out) {}

  void start(bool sectioned) override { sectioned_ = sectioned; }
  void begin_table(const std::string& name, const std::vector<Column>& columns) override {
    if (open_) end_table();
    open_ = true;
    streaming_ = false;
    count_ = 0;
    title_ = terminal_text(name);
    columns_ = columns;
    names_.clear();
    for (const auto& n : unique_column_names(columns_))
      names_.push_back(terminal_text(n));
    rows_.clear();
  }
  void row(const CellView* cells) override {
    ++count_;
    if (!streaming_ && rows_.size() == kTableBufferRows) start_streaming();
    if (streaming_) {
      line_.resize(columns_.size());
      for (std::size_t i = 0; i < columns_.size(); ++i)
        line_[i] = display(columns_[i], cells[i]);
      write_row(line_);
      w_.maybe_flush();
      return;
    }
    std::vector<std::string> r;
    r.reserve(columns_.size());
    for (std::size_t i = 0; i < columns_.size(); ++i)
      r.push_back(display(columns_[i], cells[i]));
    rows_.push_back(std::move(r));
  }
  void end_table() override {
    if (!open_) return;
    open_ = false;
    if (!streaming_) {
      size_columns();
      write_buffered();
    }
    if (opts_.header) w_.buf() += "(" + std::to_string(count_) + (count_ == 1 ? " row)\n" : " rows)\n");
    w_.maybe_flush();
  }
  // The rows so far and their count stay; stderr says why they stop.
  void fail(const SinkError&, const std::string&) override { end_table(); }
  void finish() override {
    end_table();
    w_.flush();
  }
  void flush() override {
    if (open_ && !streaming_) start_streaming();
    w_.flush();
  }

 private:
  // Widths come from the rows held so far; later rows are printed as they come.
  void start_streaming() {
    size_columns();
    write_buffered();
    streaming_ = true;
  }
  void size_columns() {
    width_.assign(columns_.size(), 0);
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (opts_.header) width_[i] = display_width(names_[i]);
      for (const auto& r : rows_)
        width_[i] = std::max(width_[i], display_width(r[i]));
    }
  }
  // The title, the header and the rows held, which are then let go.
  void write_buffered() {
    std::string& b = w_.buf();
    if (tables_++ > 0) b += '\n';
    if (sectioned_) b += (opts_.color ? "\033[1m" + title_ + "\033[0m" : title_) + "\n";
    if (opts_.header) write_header();
    for (const auto& r : rows_) {
      write_row(r);
      w_.maybe_flush();
    }
    rows_.clear();
  }
  void write_header() {
    std::string& b = w_.buf();
    if (opts_.color) b += "\033[1m";
    write_cells(names_);
    if (opts_.color) b += "\033[0m";
    b += '\n';
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) b += "  ";
      b.append(width_[i], '-');
    }
    b += '\n';
  }
  void write_row(const std::vector<std::string>& r) {
    write_cells(r);
    w_.buf() += '\n';
  }
  void write_cells(const std::vector<std::string>& r) {
    std::string& b = w_.buf();
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) b += "  ";
      const std::size_t w = display_width(r[i]);
      const std::size_t pad = width_[i] > w ? width_[i] - w : 0;  // a wider late cell pushes the line
      const bool right = right_aligned(columns_[i].kind);
      if (right) b.append(pad, ' ');
      b += r[i];
      if (!right && i + 1 < columns_.size()) b.append(pad, ' ');
    }
  }

  RenderOptions opts_;
  Writer w_;
  bool sectioned_ = false;
  bool open_ = false;
  bool streaming_ = false;  // the header is out; rows print as they come
  int tables_ = 0;
  std::size_t count_ = 0;
  std::string title_;
  std::vector<Column> columns_;
  std::vector<std::string> names_;  // unique, terminal-safe
  std::vector<std::size_t> width_;
  std::vector<std::vector<std::string>> rows_;  // at most kTableBufferRows
  std::vector<std::string> line_;               // the row being streamed
};

}  // namespace

std::unique_ptr<ResultSink> make_table_renderer(const RenderOptions& o, std::FILE* out) {
  return std::make_unique<TableRenderer>(o, out);
}

}  // namespace pgdba
