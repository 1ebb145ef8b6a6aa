// Aligned text tables for people: sizes and durations made readable, numbers
// right-aligned, a row count underneath like psql.
#include <cstdlib>

#include "src/format.hpp"
#include "src/render.hpp"
#include "src/render_writer.hpp"

namespace pgdba {

namespace {

// East Asian wide and fullwidth ranges take two terminal columns.
bool wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) || (c >= 0xAC00 && c <= 0xD7A3) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x1F900 && c <= 0x1F9FF) ||
         (c >= 0x20000 && c <= 0x3FFFD);
}

std::size_t display_width(const std::string& s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    char32_t c = len == 1 ? b : b & (0xFF >> (len + 1));
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k) {
      c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    w += wide(c) ? 2 : 1;
    i += len;
  }
  return w;
}

bool right_aligned(Kind k) {
  return k == Kind::Integer || k == Kind::Float || k == Kind::Numeric || k == Kind::Bytes || k == Kind::Seconds ||
         k == Kind::Interval;
}

std::string display(const Column& c, CellView cell) {
  if (cell.null) return "";
  std::string v(cell.text());
  if (c.kind == Kind::Bytes) {
    char* end = nullptr;
    const double n = std::strtod(v.c_str(), &end);
    if (end != v.c_str()) return format_size(n);
  } else if (c.kind == Kind::Seconds) {
    char* end = nullptr;
    const double n = std::strtod(v.c_str(), &end);
    if (end != v.c_str()) return format_duration(n);
  }
  // One line per row: control characters are shown, not obeyed.
  std::string out;
  out.reserve(v.size());
  for (char ch : v) {
    if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else {
      out += ch;
    }
  }
  return out;
}

class TableRenderer : public ResultSink {
 public:
  TableRenderer(const RenderOptions& o, std::FILE* out) : opts_(o), w_(out) {}

  void start(bool sectioned) override { sectioned_ = sectioned; }
  void begin_table(const std::string& name, const std::vector<Column>& columns) override {
    name_ = name;
    columns_ = columns;
    rows_.clear();
  }
  void row(const CellView* cells) override {
    std::vector<std::string> r;
    r.reserve(columns_.size());
    for (std::size_t i = 0; i < columns_.size(); ++i)
      r.push_back(display(columns_[i], cells[i]));
    rows_.push_back(std::move(r));
  }
  void end_table() override {
    std::string& b = w_.buf();
    if (tables_++ > 0) b += '\n';
    if (sectioned_) b += (opts_.color ? "\033[1m" + name_ + "\033[0m" : name_) + "\n";
    std::vector<std::size_t> width(columns_.size());
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      width[i] = opts_.header ? display_width(columns_[i].name) : 0;
      for (const auto& r : rows_)
        width[i] = std::max(width[i], display_width(r[i]));
    }
    const auto cell = [&](const std::string& v, std::size_t i, bool right) {
      const std::size_t pad = width[i] - display_width(v);
      if (right) b.append(pad, ' ');
      b += v;
      if (!right && i + 1 < columns_.size()) b.append(pad, ' ');
    };
    if (opts_.header) {
      if (opts_.color) b += "\033[1m";
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (i > 0) b += "  ";
        cell(columns_[i].name, i, right_aligned(columns_[i].kind));
      }
      if (opts_.color) b += "\033[0m";
      b += '\n';
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (i > 0) b += "  ";
        b.append(width[i], '-');
      }
      b += '\n';
    }
    for (const auto& r : rows_) {
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (i > 0) b += "  ";
        cell(r[i], i, right_aligned(columns_[i].kind));
      }
      b += '\n';
      w_.maybe_flush();
    }
    if (opts_.header) b += "(" + std::to_string(rows_.size()) + (rows_.size() == 1 ? " row)\n" : " rows)\n");
    rows_.clear();
    w_.maybe_flush();
  }
  void finish() override { w_.flush(); }

 private:
  RenderOptions opts_;
  Writer w_;
  bool sectioned_ = false;
  int tables_ = 0;
  std::string name_;
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

std::unique_ptr<ResultSink> make_table_renderer(const RenderOptions& o, std::FILE* out) {
  return std::make_unique<TableRenderer>(o, out);
}

}  // namespace pgdba
