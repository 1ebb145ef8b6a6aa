#include <catch2/catch.hpp>

#include "src/errors.hpp"

using namespace pgdba;

TEST_CASE("is_connection_loss: class 08 and the server going away, not a protocol violation", "[errors]") {
  CHECK(is_connection_loss("08006"));
  CHECK(is_connection_loss("08001"));
  CHECK(is_connection_loss("57P01"));
  CHECK(is_connection_loss("57P03"));
  CHECK_FALSE(is_connection_loss("08P01"));  // e.g. a bind with too many values: retrying cannot help
  CHECK_FALSE(is_connection_loss("22012"));
  CHECK_FALSE(is_connection_loss(""));
}
