// Lexing of SQL text without a server: where statements end, which
// characters are code (not strings or comments), which $n it uses.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgdba {

// The same text with the insides of string literals, quoted identifiers,
// dollar-quoted bodies and comments replaced by spaces (newlines kept), so
// searches for keywords, ';' and $n only see code. Same length as `sql`.
// With standard_strings false (standard_conforming_strings = off), a
// backslash escapes the next character in every '...' literal, not only E'...'.
std::string code_mask(std::string_view sql, bool standard_strings = true);

// A psql meta-command: a backslash outside strings and comments, its name,
// and the raw text of its arguments up to the end of the line (or an
// unquoted backslash). Nothing is interpolated yet.
struct MetaCommand {
  std::string name;  // without the backslash: "set", "gset", "echo", "if"
  std::string args;  // raw, trimmed
  int line = 1;
};

struct Statement {
  std::string text;              // as written, without the terminating ';' and trailing blanks
  std::string sql;               // what psql sends: from the first code character through the ';'
  int line = 1;                  // 1-based line of its first code character
  std::string keyword;           // its first word, upper case ("SELECT", "WITH", ...)
  bool standard_strings = true;  // standard_conforming_strings in force where it was read
  bool combined = false;         // holds psql's \; : several statements sent as one
  // \g or \gset that sent it (name empty when a ';' ended it).
  MetaCommand sent_by;
  // COPY ... FROM STDIN: the inline data that followed it in the script,
  // [data_begin, data_end) of the script text, without the closing "\.".
  bool copy_in = false;
  std::size_t data_begin = 0;
  std::size_t data_end = 0;
  // psql's \copy: the file on the client the COPY reads (copy_in) or writes;
  // empty otherwise (and for \copy ... to stdout).
  std::string client_file;
};

// One step of a psql script: a statement to send, or a meta-command.
struct ScriptItem {
  bool is_meta = false;
  Statement statement;  // when !is_meta
  MetaCommand meta;     // when is_meta
};

// Reads a script as psql's lexer does (src/fe_utils/psqlscan.l): a ';'
// ends a statement only outside strings, comments, dollar quotes,
// parentheses and BEGIN ... END bodies of CREATE FUNCTION/PROCEDURE; '\;'
// and '\:' stay in the text (see prepare_sql); standard_conforming_strings
// follows the script's own SET; a meta-command between statements or inside
// one is an item of its own, in the order psql would run it; \g and \gset
// send the statement before them (or, on an empty buffer, the previous one
// again); COPY ... FROM STDIN takes the lines after it up to "\." as data.
// Empty and comment-only statements are dropped. Never throws.
std::vector<ScriptItem> lex_script(std::string_view script);

// Splits a script into statements (lex_script); throws a usage Error for
// any psql meta-command, naming its line.
std::vector<Statement> split_statements(std::string_view script);

// The statement as the server gets it: :name, :'name' and :"name" replaced
// by the variable's value, as a literal, as an identifier (in code only,
// as psql does; unknown names stay as written); :{?name} as TRUE/FALSE;
// '\;' sent as ';' and '\:' as ':'. `lookup` returns nullptr for unset.
std::string prepare_sql(std::string_view sql, bool standard_strings,
                        const std::function<const std::string*(const std::string&)>& lookup);

// The arguments of a meta-command as psql reads them: split at blanks;
// '...' with '' and backslash escapes (\n, \t, \\, \'), "..." kept with
// its quotes, :name / :'name' / :"name" interpolated. Throws a usage Error
// for a `backquoted` shell command.
std::vector<std::string> meta_args(std::string_view raw,
                                   const std::function<const std::string*(const std::string&)>& lookup);

// psql's \copy as the statement it stands for (src/bin/psql/copy.c):
// `\copy what from 'file' [options]` is COPY what FROM STDIN [options] with
// the file's contents as data, `to 'file'` COPY ... TO STDOUT into the file,
// `to stdout|pstdout` COPY ... TO STDOUT. File names are relative to the
// working directory. Throws a usage Error (naming the line) for what pgdba
// does not run: from stdin|pstdin, program '...', no from/to.
Statement slash_copy_statement(const MetaCommand& m);

// psql's boolean values (ParseVariableBool): true/false, yes/no and their
// unique prefixes, on/off, 1/0, any case. nullopt for anything else.
std::optional<bool> parse_psql_bool(std::string_view value);

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
