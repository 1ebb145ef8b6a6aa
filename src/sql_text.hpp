// Lexing of SQL text without a server: where statements end, which
// characters are code (not strings or comments), which $n it uses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgdba {

// The same text with the insides of string literals, quoted identifiers,
// dollar-quoted bodies and comments replaced by spaces (newlines kept), so
// searches for keywords, ';' and $n only see code. Same length as `sql`.
std::string code_mask(std::string_view sql);

struct Statement {
  std::string text;     // without the terminating ';'
  int line = 1;         // 1-based line of its first code character
  std::string keyword;  // its first word, upper case ("SELECT", "WITH", ...)
};

// Splits a script into statements at top-level semicolons; empty and
// comment-only pieces are dropped. Throws a usage Error for a psql
// meta-command (a backslash at the start of a statement), naming its line.
std::vector<Statement> split_statements(std::string_view script);

// The highest $n the statement uses (0 if none).
int max_parameter(std::string_view sql);

// Whether a statement's rows can be read through a cursor: a plain query
// (SELECT, VALUES, TABLE, WITH) that writes nothing and has no INTO.
bool is_plain_query(const Statement& s);

}  // namespace pgdba
