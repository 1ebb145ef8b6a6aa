// json and jsonl renderers, and the typing rules they share.
#include <cmath>
#include <cstdlib>

#include "src/format.hpp"
#include "src/render.hpp"
#include "src/render_writer.hpp"

namespace pgdba {

namespace {

void append_scalar(std::string& out, std::string_view v, int kind_int, bool numeric_as_number) {
  switch (static_cast<Kind>(kind_int)) {
    case Kind::Integer:
    case Kind::Bytes:
    case Kind::Float:
    case Kind::Seconds:
      // NaN and Infinity have no JSON number; they stay strings.
      if (is_json_number(v)) {
        out.append(v);
      } else {
        append_json_string(out, v);
      }
      return;
    case Kind::Numeric:
      if (numeric_as_number && is_json_number(v)) {
        out.append(v);
      } else {
        append_json_string(out, v);
      }
      return;
    case Kind::Boolean:
      out += (v == "t" || v == "true") ? "true" : "false";
      return;
    case Kind::Json:
      out.append(v);
      return;
    case Kind::Timestamp:
      append_json_string(out, iso_timestamp(v));
      return;
    case Kind::Interval: {
      const auto secs = interval_seconds(v);
      if (secs && std::isfinite(*secs)) {
        // The shortest form that reads back as the same double.
        char buf[64];
        for (int precision = 15; precision <= 17; ++precision) {
          std::snprintf(buf, sizeof buf, "%.*g", precision, *secs);
          if (std::strtod(buf, nullptr) == *secs) break;
        }
        out += buf;
      } else {
        append_json_string(out, v);
      }
      return;
    }
    default:
      append_json_string(out, v);
  }
}

void append_element(std::string& out, std::string_view v, int kind) {
  append_scalar(out, v, kind, false);
}

void append_element_numeric(std::string& out, std::string_view v, int kind) {
  append_scalar(out, v, kind, true);
}

class JsonRenderer : public ResultSink {
 public:
  JsonRenderer(const RenderOptions& o, std::FILE* out, bool lines) : opts_(o), w_(out), lines_(lines) {}

  void start(bool sectioned) override {
    sectioned_ = sectioned;
    if (!lines_ && sectioned_) w_.buf() += "{";
  }
  void begin_table(const std::string& name, const std::vector<Column>& columns) override {
    columns_ = columns;
    keys_.clear();
    for (const auto& c : columns_) {
      std::string k;
      append_json_string(k, c.name);
      k += ':';
      keys_.push_back(k);
    }
    section_prefix_.clear();
    if (lines_ && sectioned_) {
      section_prefix_ = "\"section\":";
      append_json_string(section_prefix_, name);
    }
    if (!lines_) {
      if (sectioned_) {
        if (tables_ > 0) w_.buf() += ",";
        w_.buf() += "\n";
        append_json_string(w_.buf(), name);
        w_.buf() += ": ";
      }
      w_.buf() += "[";
    }
    rows_ = 0;
    ++tables_;
  }
  void row(const CellView* cells) override {
    std::string& b = w_.buf();
    if (!lines_) b += rows_ == 0 ? "\n  " : ",\n  ";
    b += '{';
    bool first = true;
    if (!section_prefix_.empty()) {
      b += section_prefix_;
      first = false;
    }
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (!first) b += ',';
      first = false;
      b += keys_[i];
      append_json_value(b, columns_[i], cells[i], opts_.numeric_as_number);
    }
    b += '}';
    if (lines_) b += '\n';
    ++rows_;
    w_.maybe_flush();
  }
  void end_table() override {
    if (!lines_) w_.buf() += rows_ == 0 ? "]" : "\n]";
    w_.maybe_flush();
  }
  void finish() override {
    if (!lines_) {
      if (sectioned_) w_.buf() += "\n}";
      if (!sectioned_ && tables_ == 0) w_.buf() += "[]";
      w_.buf() += "\n";
    }
    w_.flush();
  }

 private:
  RenderOptions opts_;
  Writer w_;
  bool lines_;
  bool sectioned_ = false;
  std::vector<Column> columns_;
  std::vector<std::string> keys_;
  std::string section_prefix_;
  std::size_t rows_ = 0;
  std::size_t tables_ = 0;
};

}  // namespace

void append_json_value(std::string& out, const Column& column, CellView cell, bool numeric_as_number) {
  if (cell.null) {
    out += "null";
    return;
  }
  if (column.kind == Kind::Array) {
    if (append_json_array(out, cell.text(), numeric_as_number ? append_element_numeric : append_element,
                          static_cast<int>(column.element))) {
      return;
    }
    append_json_string(out, cell.text());
    return;
  }
  append_scalar(out, cell.text(), static_cast<int>(column.kind), numeric_as_number);
}

std::unique_ptr<ResultSink> make_json_renderer(const RenderOptions& o, std::FILE* out, bool lines) {
  return std::make_unique<JsonRenderer>(o, out, lines);
}

}  // namespace pgdba
