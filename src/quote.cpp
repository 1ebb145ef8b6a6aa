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
    // PostgreSQL keeps the whole characters within the first 63 bytes.
    std::string cut(name.substr(0, kMaxIdentifierBytes));
    std::size_t lead = cut.size();
    while (lead > 0 && (static_cast<unsigned char>(cut[lead - 1]) & 0xC0) == 0x80)
      --lead;
    if (lead > 0) {
      const auto b = static_cast<unsigned char>(cut[lead - 1]);
      const std::size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
      if (cut.size() - (lead - 1) < need) cut.resize(lead - 1);
    }
    throw usage_error(std::string(what) + " name is " + std::to_string(name.size()) +
                      " bytes long; PostgreSQL keeps only " + std::to_string(kMaxIdentifierBytes) +
                      " bytes and would act on \"" + cut + "\" instead; refusing");
  }
}

std::string text_array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += i == 0 ? "\"" : ",\"";
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string quote_qualified(std::string_view schema, std::string_view name) {
  return quote_ident(schema) + "." + quote_ident(name);
}

}  // namespace pgdba
