// Sizes the user types for options such as --min-size: pg_size_bytes'
// syntax. Pure, no server.
#pragma once

#include <string>

namespace pgdba {

// "8192", "10MB", "1.5 GB", "512kB", "2TB" (bytes, kB, MB, GB, TB, PB,
// 1024-based, units case-insensitive as in pg_size_bytes). Throws a usage
// Error naming `option` for anything else or a negative size.
double parse_size(const std::string& option, const std::string& value);

// "0.1" or "10%": a fraction between 0 and 1. Throws a usage Error naming
// `option` otherwise.
double parse_ratio(const std::string& option, const std::string& value);

}  // namespace pgdba
