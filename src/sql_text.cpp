#include "src/sql_text.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include "src/errors.hpp"

namespace pgdba {

namespace {

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80);
}

void blank(std::string& m, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to && i < m.size(); ++i) {
    if (m[i] != '\n') m[i] = ' ';
  }
}

}  // namespace

std::string code_mask(std::string_view sql) {
  std::string m(sql);
  const std::size_t n = sql.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      std::size_t e = sql.find('\n', i);
      if (e == std::string_view::npos) e = n;
      blank(m, i, e);
      i = e;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      int depth = 1;
      std::size_t j = i + 2;
      while (j < n && depth > 0) {
        if (sql[j] == '/' && j + 1 < n && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < n && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
      blank(m, i, j);
      i = j;
    } else if (c == '\'') {
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !ident_char(sql[i - 2]));
      std::size_t j = i + 1;
      while (j < n) {
        if (escapes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == '\'') {
          if (j + 1 < n && sql[j + 1] == '\'') {
            j += 2;
          } else {
            break;
          }
        } else {
          ++j;
        }
      }
      blank(m, i + 1, j);  // keep the quotes themselves as code
      i = j + 1;
    } else if (c == '"') {
      std::size_t j = i + 1;
      while (j < n) {
        if (sql[j] == '"') {
          if (j + 1 < n && sql[j + 1] == '"') {
            j += 2;
          } else {
            break;
          }
        } else {
          ++j;
        }
      }
      blank(m, i + 1, j);
      i = j + 1;
    } else if (c == '$' && (i == 0 || !ident_char(sql[i - 1])) && i + 1 < n &&
               !std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      // $tag$ ... $tag$
      std::size_t j = i + 1;
      while (j < n && ident_char(sql[j]) && sql[j] != '$')
        ++j;
      if (j < n && sql[j] == '$') {
        const std::string tag(sql.substr(i, j - i + 1));
        const std::size_t end = sql.find(tag, j + 1);
        const std::size_t stop = end == std::string_view::npos ? n : end;
        blank(m, j + 1, stop);
        i = end == std::string_view::npos ? n : end + tag.size();
      } else {
        ++i;
      }
    } else {
      ++i;
    }
  }
  return m;
}

std::vector<Statement> split_statements(std::string_view script) {
  const std::string mask = code_mask(script);
  std::vector<Statement> out;
  std::size_t start = 0;
  int line = 1;  // line at `start`
  const auto flush = [&](std::size_t end) {
    std::size_t b = start;
    int l = line;
    while (b < end && std::isspace(static_cast<unsigned char>(mask[b]))) {
      if (mask[b] == '\n') ++l;
      ++b;
    }
    if (b < end) {
      if (mask[b] == '\\') {
        std::size_t e = b;
        while (e < end && !std::isspace(static_cast<unsigned char>(mask[e])))
          ++e;
        throw usage_error("line " + std::to_string(l) + ": psql meta-command " + std::string(script.substr(b, e - b)) +
                          " is not supported; pgdba sql runs SQL statements only");
      }
      Statement s;
      std::size_t e = end;
      while (e > b && std::isspace(static_cast<unsigned char>(script[e - 1])))
        --e;
      s.text = std::string(script.substr(b, e - b));
      s.line = l;
      std::size_t k = b;
      while (k < end && (std::isalpha(static_cast<unsigned char>(mask[k])) || mask[k] == '_')) {
        s.keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(mask[k])));
        ++k;
      }
      if (s.keyword.empty() && mask[b] == '(') s.keyword = "SELECT";
      out.push_back(std::move(s));
    }
    for (std::size_t i = start; i < end && i < script.size(); ++i) {
      if (script[i] == '\n') ++line;
    }
  };
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (mask[i] == ';') {
      flush(i);
      if (script[i] == '\n') ++line;
      start = i + 1;
    }
  }
  flush(mask.size());
  return out;
}

int max_parameter(std::string_view sql) {
  const std::string mask = code_mask(sql);
  int best = 0;
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (mask[i] != '$' || (i > 0 && ident_char(mask[i - 1]))) continue;
    std::size_t j = i + 1;
    int v = 0;
    while (j < mask.size() && std::isdigit(static_cast<unsigned char>(mask[j])) && v < 100000) {
      v = v * 10 + (mask[j] - '0');
      ++j;
    }
    if (j > i + 1) best = std::max(best, v);
  }
  return best;
}

bool is_plain_query(const Statement& s) {
  if (s.keyword != "SELECT" && s.keyword != "VALUES" && s.keyword != "TABLE" && s.keyword != "WITH") return false;
  static const std::regex writes(R"(\b(into|insert|update|delete|merge)\b)", std::regex::icase);
  return !std::regex_search(code_mask(s.text), writes);
}

}  // namespace pgdba
