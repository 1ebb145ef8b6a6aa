// What a query returned, in pgdba's own types: commands read rows and
// values through these and never see libpqxx, so the driver stays inside
// the session layer (session.cpp, rows.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace pqxx {
class result;
}

namespace pgdba {

class Rows;

// One value of a row. Valid as long as the Rows it came from.
class Field {
 public:
  bool is_null() const;
  // The value as the server sent it in text form; "" for NULL.
  const char* c_str() const;
  std::size_t size() const;
  std::string str() const { return std::string(c_str(), size()); }
  // Converted: bool, int, long, long long, unsigned, std::uint32_t (OIDs),
  // double and std::string. NULL or a value that does not convert throws an
  // internal error naming the column.
  template <class T>
  T as() const;

 private:
  friend class RowRef;
  Field(const Rows* rows, std::size_t row, std::size_t col) : rows_(rows), row_(row), col_(col) {}
  const Rows* rows_;
  std::size_t row_;
  std::size_t col_;
};

// One row of a result.
class RowRef {
 public:
  Field operator[](std::size_t col) const { return Field(rows_, row_, col); }
  // (So that row[0] is a column number, not a null column name.)
  Field operator[](int col) const { return Field(rows_, row_, static_cast<std::size_t>(col)); }
  // By column name; an unknown name is an internal error.
  Field operator[](const std::string& name) const;
  Field operator[](const char* name) const { return (*this)[std::string(name)]; }
  std::size_t size() const;

  // For range-for over the fields of a row.
  class iterator {
   public:
    iterator(const RowRef* row, std::size_t col) : row_(row), col_(col) {}
    Field operator*() const { return (*row_)[col_]; }
    iterator& operator++() {
      ++col_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return col_ != o.col_; }

   private:
    const RowRef* row_;
    std::size_t col_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

 private:
  friend class Rows;
  RowRef(const Rows* rows, std::size_t row) : rows_(rows), row_(row) {}
  const Rows* rows_;
  std::size_t row_;
};

// The rows of one statement's result (cheap to copy: shared, immutable).
class Rows {
 public:
  Rows();
  explicit Rows(const pqxx::result& r);
  ~Rows();
  Rows(const Rows&);
  Rows& operator=(const Rows&);

  std::size_t size() const;
  bool empty() const { return size() == 0; }
  RowRef operator[](std::size_t row) const { return RowRef(this, row); }
  // Columns: a statement without a result set (INSERT, CREATE) has none.
  std::size_t columns() const;
  std::string column_name(std::size_t col) const;
  std::uint32_t column_type(std::size_t col) const;
  std::size_t column_number(const std::string& name) const;
  // Rows an INSERT, UPDATE, DELETE, ... touched.
  std::size_t affected_rows() const;

  class iterator {
   public:
    iterator(const Rows* rows, std::size_t row) : rows_(rows), row_(row) {}
    RowRef operator*() const { return (*rows_)[row_]; }
    iterator& operator++() {
      ++row_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return row_ != o.row_; }

   private:
    const Rows* rows_;
    std::size_t row_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

  // The driver's result, for the session layer only.
  const pqxx::result& driver_result() const { return *r_; }

 private:
  std::shared_ptr<const pqxx::result> r_;
};

}  // namespace pgdba
