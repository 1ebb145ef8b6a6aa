#include "src/result.hpp"

#include <stdexcept>
#include <utility>

namespace pgdba {

namespace {

// OIDs from PostgreSQL's pg_type.dat; they are stable across versions.
Kind scalar_kind(std::uint32_t oid) {
  switch (oid) {
    case 20:
    case 21:
    case 23:
    case 26:
    case 28:
    case 29:  // int8 int2 int4 oid xid cid
      return Kind::Integer;
    case 700:
    case 701:
      return Kind::Float;
    case 1700:
      return Kind::Numeric;
    case 16:
      return Kind::Boolean;
    case 114:
    case 3802:
      return Kind::Json;
    case 1184:
    case 1114:
      return Kind::Timestamp;
    case 1186:
      return Kind::Interval;
    case 17:
      return Kind::Bytea;
    default:
      return Kind::Text;
  }
}

// Array type OID -> element type OID, for the arrays a DBA meets in catalogs.
std::uint32_t array_element(std::uint32_t oid) {
  switch (oid) {
    case 1000:
      return 16;  // _bool
    case 1001:
      return 17;  // _bytea
    case 1002:
      return 18;  // _char
    case 1003:
      return 19;  // _name
    case 1005:
      return 21;  // _int2
    case 1006:
      return 22;  // _int2vector
    case 1007:
      return 23;  // _int4
    case 1009:
      return 25;  // _text
    case 1014:
      return 1042;  // _bpchar
    case 1015:
      return 1043;  // _varchar
    case 1016:
      return 20;  // _int8
    case 1021:
      return 700;  // _float4
    case 1022:
      return 701;  // _float8
    case 1028:
      return 26;  // _oid
    case 1034:
      return 1033;  // _aclitem
    case 1115:
      return 1114;  // _timestamp
    case 1182:
      return 1082;  // _date
    case 1185:
      return 1184;  // _timestamptz
    case 1187:
      return 1186;  // _interval
    case 1231:
      return 1700;  // _numeric
    case 199:
      return 114;  // _json
    case 3807:
      return 3802;  // _jsonb
    case 2951:
      return 2950;  // _uuid
    case 1041:
      return 869;  // _inet
    case 651:
      return 650;  // _cidr
    case 2211:
      return 2205;  // _regclass
    case 2210:
      return 2206;  // _regtype
    case 1040:
      return 829;  // _macaddr
    default:
      return 0;
  }
}

}  // namespace

Column column_for_type(std::string name, std::uint32_t type_oid) {
  Column c;
  c.name = std::move(name);
  if (const auto elem = array_element(type_oid); elem != 0) {
    c.kind = Kind::Array;
    c.element = scalar_kind(elem);
  } else {
    c.kind = scalar_kind(type_oid);
  }
  return c;
}

Table::Table(std::string name, std::vector<Column> columns) : name_(std::move(name)), columns_(std::move(columns)) {}

void Table::add_row(std::vector<std::optional<std::string>> cells) {
  if (cells.size() != columns_.size()) throw std::logic_error("row width does not match table " + name_);
  rows_.push_back(std::move(cells));
}

Column& Table::column(const std::string& name) {
  for (auto& c : columns_)
    if (c.name == name) return c;
  throw std::logic_error("table " + name_ + " has no column " + name);
}

void Table::set_kind(const std::string& column, Kind kind) {
  this->column(column).kind = kind;
}

void Table::set_max_width(const std::string& column, std::size_t width) {
  this->column(column).max_width = width;
}

void Table::emit(ResultSink& sink) const {
  sink.begin_table(name_, columns_);
  std::vector<CellView> cells(columns_.size());
  for (const auto& r : rows_) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      cells[i] = r[i] ? CellView{r[i]->data(), r[i]->size(), false} : CellView{};
    }
    sink.row(cells.data());
  }
  sink.end_table();
}

void emit_result(const Result& result, ResultSink& sink) {
  sink.start(result.size() > 1);
  for (const auto& t : result)
    t.emit(sink);
  sink.finish();
}

}  // namespace pgdba
