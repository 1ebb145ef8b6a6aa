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

// The statement with secrets replaced by ***, for logs and the audit trail:
// a literal after the word PASSWORD (ALTER ROLE ... PASSWORD '...', USER
// MAPPING ... OPTIONS (password '...')), password=... inside a conninfo
// literal and the password of a postgresql:// URI literal.
std::string redact_secrets(std::string_view sql);

// The names (lower case, without schema) of what the statement calls like a
// function: a word followed by '(' that is not a SQL keyword.
std::vector<std::string> called_functions(std::string_view sql);

// Whether the statement provably changes nothing: SHOW, EXPLAIN without
// ANALYZE, or a plain query that locks no rows and calls only functions
// known to be free of side effects. False means "may change state": it is
// audited.
bool is_read_only(const Statement& s);

}  // namespace pgdba
