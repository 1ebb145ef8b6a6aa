#include "src/quote.hpp"

#include "src/errors.hpp"

namespace pgdba {

std::string quote_ident(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string quote_literal(std::string_view value) {
  const bool backslash = value.find('\\') != std::string_view::npos;
  std::string out;
  out.reserve(value.size() + 3);
  if (backslash) out += 'E';
  out += '\'';
  for (char c : value) {
    if (c == '\'' || (backslash && c == '\\')) out += c;
    out += c;
  }
  out += '\'';
  return out;
}

void check_identifier(std::string_view what, std::string_view name) {
  if (name.empty()) throw usage_error(std::string(what) + " name must not be empty");
  if (name.find('\0') != std::string_view::npos) {
    throw usage_error(std::string(what) + " name must not contain a NUL byte");
  }
  if (name.size() > kMaxIdentifierBytes) {
    std::string cut(name.substr(0, kMaxIdentifierBytes));
    // Do not cut a UTF-8 sequence in half in the message.
    while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80) cut.pop_back();
    if (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0xC0) cut.pop_back();
    throw usage_error(std::string(what) + " name is " + std::to_string(name.size()) +
                      " bytes long; PostgreSQL keeps only " + std::to_string(kMaxIdentifierBytes) +
                      " bytes and would act on \"" + cut + "\" instead; refusing");
  }
}

}  // namespace pgdba
