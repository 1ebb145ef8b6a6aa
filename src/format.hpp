// Pure value formatting shared by the renderers; no I/O, no server.
#pragma once

#include <chrono>
#include <cstddef>
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
// A moment in local time with its UTC offset: "2026-01-02T03:04:05.678+01:00"
// with `separator` 'T' and 3 `fraction_digits` (1 to 6).
std::string local_time_text(std::chrono::system_clock::time_point t, char separator, int fraction_digits);
// Appends s to out as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view s);
// Appends PostgreSQL array text ("{1,2,NULL}", "{{a,\"b c\"}}") to out as a
// JSON array whose scalars are written by `element` (text in, JSON out).
// Returns false if the text is not a well-formed array literal.
bool append_json_array(std::string& out, std::string_view text,
                       void (*element)(std::string& out, std::string_view value, int kind), int kind);
// True if text is a JSON-compatible number literal (no NaN, no Infinity).
bool is_json_number(std::string_view text);
// Appends JSON text (json/jsonb output) to out with the whitespace outside
// strings dropped, so a value never spans lines. Tokens are copied byte for
// byte, never parsed: 1e400 and 12345678901234567890.5 stay exactly as they
// are. A raw control character inside a string (which PostgreSQL's json
// parser rejects anyway) is written as \u00XX so the line cannot break.
void append_compact_json(std::string& out, std::string_view json);
// Text that can be printed on a terminal without being obeyed, on one line:
// \n, \r and \t as those escapes; the other C0 controls and DEL as \xNN;
// the C1 controls U+0080..U+009F (which terminals may act on like ESC) as
// \u0080..\u009f; and every byte that is not part of well-formed UTF-8 as
// \xNN. The result is always valid UTF-8, so its display width is exact.
std::string terminal_text(std::string_view text);
// Terminal columns that UTF-8 text takes: East Asian wide characters count
// two, everything else one. A byte of ill-formed UTF-8 counts one.
std::size_t display_width(std::string_view text);
// `text` cut to at most `width` terminal columns, ending in "…" when cut.
std::string fit_width(std::string_view text, std::size_t width);

}  // namespace pgdba
