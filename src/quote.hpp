// Quoting for the few places where SQL text must name an object or hold a
// value outside a bound parameter. Pure functions, no server needed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgdba {

// PostgreSQL keeps only the first 63 bytes of a name (NAMEDATALEN - 1).
constexpr std::size_t kMaxIdentifierBytes = 63;

// Always double-quotes, doubling embedded quotes: "a""b". Safe for any name
// that passed check_identifier.
std::string quote_ident(std::string_view name);
// Quotes a value as a string literal: 'it''s', or E'a\\b' when it holds a
// backslash, so the result means the same under any standard_conforming_strings.
std::string quote_literal(std::string_view value);
// A text[] value for a bound parameter: {"a","b \"c\""}, each item quoted
// as array input wants it (never SQL text).
std::string text_array_literal(const std::vector<std::string>& items);

// schema.name, each part quoted.
std::string quote_qualified(std::string_view schema, std::string_view name);
// Throws a usage Error if `name` is empty, holds a NUL byte, or is longer
// than 63 bytes: PostgreSQL would silently truncate it and act on another
// object than the one asked for. `what` names it in the message ("database").
void check_identifier(std::string_view what, std::string_view name);

}  // namespace pgdba
