// json and jsonl renderers, and the typing rules they share.
#include <cmath>
#include <cstdlib>
#include <unordered_set>

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
      append_compact_json(out, v);
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

void append_nullable_string(std::string& out, const std::string& s) {
  if (s.empty()) {
    out += "null";
  } else {
    append_json_string(out, s);
  }
}

// "error":{...} with the keys of the contract's stderr error object.
void append_error_element(std::string& out, const SinkError& e) {
  out += "\"error\":{\"message\":";
  append_nullable_string(out, e.message);
  out += ",\"sqlstate\":";
  append_nullable_string(out, e.sqlstate);
  out += ",\"severity\":";
  append_nullable_string(out, e.severity);
  out += ",\"detail\":";
  append_nullable_string(out, e.detail);
  out += ",\"hint\":";
  append_nullable_string(out, e.hint);
  out += ",\"target\":";
  append_nullable_string(out, e.target);
  out += '}';
}

// json: one array of row objects, or {"section": [...], ...} when sectioned.
// jsonl: one object per line. An array's closing bracket waits for whatever
// comes next, so an error that arrives after its table ended (a failed
// COMMIT) still lands inside it and the document always parses.
class JsonRenderer : public ResultSink {
 public:
  JsonRenderer(const RenderOptions& o, std::FILE* out, bool lines) : opts_(o), w_(out), lines_(lines) {}

  void start(bool sectioned) override {
    if (started_) return;
    started_ = true;
    sectioned_ = sectioned;
    if (!lines_ && sectioned_) w_.buf() += "{";
  }
  void begin_table(const std::string& name, const std::vector<Column>& columns) override {
    start(false);
    if (open_) end_table();
    columns_ = columns;
    keys_.clear();
    const bool section_field = lines_ && sectioned_;
    for (const auto& n : unique_column_names(
             columns_, section_field ? std::vector<std::string>{"section"} : std::vector<std::string>{})) {
      std::string k;
      append_json_string(k, n);
      k += ':';
      keys_.push_back(std::move(k));
    }
    section_prefix_.clear();
    if (section_field) {
      section_prefix_ = "\"section\":";
      append_json_string(section_prefix_, name);
    }
    if (!lines_) open_array(name);
    open_ = true;
  }
  void row(const CellView* cells) override {
    std::string& b = begin_element();
    b += section_prefix_;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0 || !section_prefix_.empty()) b += ',';
      b += keys_[i];
      append_json_value(b, columns_[i], cells[i], opts_.numeric_as_number);
    }
    end_element();
  }
  void end_table() override {
    if (!open_) return;
    open_ = false;
    if (!lines_) array_pending_ = true;
    w_.maybe_flush();
  }
  void fail(const SinkError& error, const std::string& name) override {
    if (finished_) return;  // the document is closed; stderr carries it
    start(false);
    if (open_) {
      write_error(error, section_prefix_);
      end_table();
      return;
    }
    const std::string table = name.empty() ? "error" : name;
    if (lines_) {
      std::string prefix;
      if (sectioned_) {
        prefix = "\"section\":";
        append_json_string(prefix, table);
      }
      write_error(error, prefix);
      return;
    }
    // A table that just ended under this name takes the error as its last row.
    if (!(array_pending_ && (!sectioned_ || array_name_ == table))) open_array(table);
    write_error(error, "");
    array_pending_ = true;
  }
  void finish() override {
    if (finished_) return;
    start(false);
    if (open_) end_table();
    finished_ = true;
    if (!lines_) {
      if (array_pending_) close_array();
      if (!sectioned_ && sections_.empty()) w_.buf() += "[]";
      if (sectioned_) w_.buf() += "\n}";
      w_.buf() += "\n";
    }
    w_.flush();
  }
  void flush() override { w_.flush(); }

 private:
  // Starts the array of table `name`; a non-sectioned document has one array,
  // so a second table carries on in it rather than break the JSON.
  void open_array(const std::string& name) {
    if (array_pending_ && !sectioned_) {
      array_pending_ = false;
      return;
    }
    if (array_pending_) close_array();
    std::string& b = w_.buf();
    if (sectioned_) {
      if (!sections_.empty()) b += ",";
      b += "\n";
      // Sections are object keys: a repeated name gets a suffix like a column.
      const std::string key = first_free_name(name, [&](const std::string& n) { return sections_.count(n) != 0; });
      append_json_string(b, key);
      b += ": ";
      sections_.insert(key);
    } else {
      sections_.insert(name);
    }
    b += "[";
    array_name_ = name;
    elements_ = 0;
  }
  void close_array() {
    w_.buf() += elements_ == 0 ? "]" : "\n]";
    array_pending_ = false;
  }
  std::string& begin_element() {
    std::string& b = w_.buf();
    if (!lines_) b += elements_ == 0 ? "\n  " : ",\n  ";
    b += '{';
    return b;
  }
  void end_element() {
    w_.buf() += lines_ ? "}\n" : "}";
    ++elements_;
    w_.maybe_flush();
  }
  void write_error(const SinkError& error, const std::string& prefix) {
    std::string& b = begin_element();
    if (!prefix.empty()) b += prefix + ",";
    append_error_element(b, error);
    end_element();
  }

  RenderOptions opts_;
  Writer w_;
  bool lines_;
  bool started_ = false;
  bool finished_ = false;
  bool sectioned_ = false;
  bool open_ = false;           // between begin_table and end_table
  bool array_pending_ = false;  // json: an array awaits its closing bracket
  std::string array_name_;
  std::unordered_set<std::string> sections_;  // json: the arrays written
  std::vector<Column> columns_;
  std::vector<std::string> keys_;
  std::string section_prefix_;
  std::size_t elements_ = 0;
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
