// RFC 4180 CSV as COPY ... CSV writes it, so it loads back with COPY FROM:
// NULL is an empty field, an empty string is "" (psql --csv writes both as
// nothing), and a field with a comma, quote or line break is quoted, as is
// the value \. alone on its line (a one-column row), which COPY FROM would
// read as the end of the data; COPY quotes it only then, and so does this.
#include <array>

#include "src/render.hpp"
#include "src/render_writer.hpp"

namespace pgdba {

namespace {

void append_csv_field(std::string& b, std::string_view v, bool null, bool alone = false) {
  if (null) return;
  static const auto special = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {',', '"', '\r', '\n'})
      t[c] = true;
    return t;
  }();
  bool quote = v.empty() || (alone && v == "\\.");
  for (std::size_t i = 0; i < v.size() && !quote; ++i)
    quote = special[static_cast<unsigned char>(v[i])];
  if (quote) {
    b += '"';
    for (char c : v) {
      if (c == '"') b += '"';
      b += c;
    }
    b += '"';
  } else {
    b.append(v);
  }
}

class CsvRenderer : public ResultSink {
 public:
  CsvRenderer(const RenderOptions& o, std::FILE* out) : opts_(o), w_(out) {}

  void start(bool) override {}
  void begin_table(const std::string&, const std::vector<Column>& columns) override {
    width_ = columns.size();
    if (tables_++ > 0) w_.buf() += '\n';  // sections are separated by a blank line
    if (opts_.header) {
      const auto names = unique_column_names(columns);  // the keys the JSON formats use
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) w_.buf() += ',';
        append_csv_field(w_.buf(), names[i], false, names.size() == 1);
      }
      w_.buf() += '\n';
    }
  }
  void row(const CellView* cells) override {
    std::string& b = w_.buf();
    for (std::size_t i = 0; i < width_; ++i) {
      if (i > 0) b += ',';
      append_csv_field(b, cells[i].text(), cells[i].null, width_ == 1);
    }
    b += '\n';
    w_.maybe_flush();
  }
  bool takes_copy_csv() const override { return true; }
  void copy_csv(std::string_view rows) override {
    w_.buf().append(rows);
    w_.maybe_flush();
  }
  void end_table() override {}
  // CSV has no place for an error: the rows so far stand, stderr says why
  // they stop.
  void fail(const SinkError&, const std::string&) override {}
  void finish() override { w_.flush(); }
  void flush() override { w_.flush(); }

 private:
  RenderOptions opts_;
  Writer w_;
  std::size_t width_ = 0;
  int tables_ = 0;
};

}  // namespace

std::unique_ptr<ResultSink> make_csv_renderer(const RenderOptions& o, std::FILE* out) {
  return std::make_unique<CsvRenderer>(o, out);
}

}  // namespace pgdba
