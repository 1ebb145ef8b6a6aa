// Small text helpers shared across the core and the command modules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgdba {

// `s` without C-locale whitespace (space, \t, \n, \v, \f, \r) at either end,
// as libpq trims service-file lines.
std::string trim(std::string_view s);

// `s` with ASCII letters in upper case (SQL keywords, privilege names);
// other bytes, UTF-8 included, unchanged.
std::string upper(std::string s);

// `v` in single quotes for a POSIX shell ('it'\''s').
std::string shell_quote(const std::string& v);

// An argv as a shell command line: words quoted only where a shell needs
// it, so it reads as a DBA would type it and pastes back unchanged.
std::string shell_command_line(const std::vector<std::string>& argv);

}  // namespace pgdba
