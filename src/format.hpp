// Pure value formatting shared by the renderers; no I/O, no server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pgdba {

// "0 B", "512 B", "8.0 kB", "1.2 GB": 1024-based like pg_size_pretty.
std::string format_size(double bytes);
// "0.25s", "12.0s", "3m12s", "2h05m", "3d04h"; negative durations keep a '-'.
std::string format_duration(double seconds);
// PostgreSQL interval text (IntervalStyle postgres, e.g. "1 day 02:03:04.5",
// "-00:00:01", "3 mons") as seconds; a month is 30 days and a year 365.25
// days, as extract(epoch from interval) counts them. nullopt if unparsable.
std::optional<double> interval_seconds(std::string_view text);
// "2026-01-02 03:04:05.6+00" -> "2026-01-02T03:04:05.6+00:00".
std::string iso_timestamp(std::string_view text);
// Appends s to out as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view s);
// Appends PostgreSQL array text ("{1,2,NULL}", "{{a,\"b c\"}}") to out as a
// JSON array whose scalars are written by `element` (text in, JSON out).
// Returns false if the text is not a well-formed array literal.
bool append_json_array(std::string& out, std::string_view text,
                       void (*element)(std::string& out, std::string_view value, int kind), int kind);
// True if text is a JSON-compatible number literal (no NaN, no Infinity).
bool is_json_number(std::string_view text);

}  // namespace pgdba
