#include "src/rows.hpp"

#include <pqxx/result>

#include "src/errors.hpp"

namespace pgdba {

namespace {

pqxx::field field_at(const Rows& rows, std::size_t row, std::size_t col) {
  const pqxx::result& r = rows.driver_result();
  return r[static_cast<pqxx::result::size_type>(row)][static_cast<pqxx::row::size_type>(col)];
}

}  // namespace

bool Field::is_null() const {
  return field_at(*rows_, row_, col_).is_null();
}

const char* Field::c_str() const {
  return field_at(*rows_, row_, col_).c_str();
}

std::size_t Field::size() const {
  return field_at(*rows_, row_, col_).size();
}

template <class T>
T Field::as() const {
  const pqxx::field f = field_at(*rows_, row_, col_);
  try {
    return f.as<T>();
  } catch (const std::exception& e) {
    // A query and the code reading it disagree: pgdba's bug, not the user's.
    throw failure(std::string("internal error: column \"") + f.name() + "\": " + e.what());
  }
}

template bool Field::as<bool>() const;
template int Field::as<int>() const;
template long Field::as<long>() const;
template long long Field::as<long long>() const;
template unsigned Field::as<unsigned>() const;
template unsigned long Field::as<unsigned long>() const;
template double Field::as<double>() const;
template std::string Field::as<std::string>() const;

Field RowRef::operator[](const std::string& name) const {
  return Field(rows_, row_, rows_->column_number(name));
}

std::size_t RowRef::size() const {
  return rows_->columns();
}

Rows::Rows() : r_(std::make_shared<const pqxx::result>()) {}
Rows::Rows(const pqxx::result& r) : r_(std::make_shared<const pqxx::result>(r)) {}
Rows::~Rows() = default;
Rows::Rows(const Rows&) = default;
Rows& Rows::operator=(const Rows&) = default;

std::size_t Rows::size() const {
  return static_cast<std::size_t>(r_->size());
}

std::size_t Rows::columns() const {
  return static_cast<std::size_t>(r_->columns());
}

std::string Rows::column_name(std::size_t col) const {
  return r_->column_name(static_cast<pqxx::row::size_type>(col));
}

std::uint32_t Rows::column_type(std::size_t col) const {
  return static_cast<std::uint32_t>(r_->column_type(static_cast<pqxx::row::size_type>(col)));
}

std::size_t Rows::column_number(const std::string& name) const {
  try {
    return static_cast<std::size_t>(r_->column_number(name));
  } catch (const std::exception&) {
    throw failure("internal error: the query has no column \"" + name + "\"");
  }
}

std::size_t Rows::affected_rows() const {
  return static_cast<std::size_t>(r_->affected_rows());
}

}  // namespace pgdba
