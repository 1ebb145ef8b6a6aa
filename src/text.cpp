#include "src/text.hpp"

namespace pgdba {

namespace {

bool c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

std::string upper(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && c_space(s[b]))
    ++b;
  while (e > b && c_space(s[e - 1]))
    --e;
  return std::string(s.substr(b, e - b));
}

std::string shell_quote(const std::string& v) {
  std::string out = "'";
  for (char c : v)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string shell_command_line(const std::vector<std::string>& argv) {
  static const std::string plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%";
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += !a.empty() && a.find_first_not_of(plain) == std::string::npos ? a : shell_quote(a);
  }
  return out;
}

}  // namespace pgdba
