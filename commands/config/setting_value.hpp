// A server parameter's value checked the way PostgreSQL's GUC code would
// check it (guc.c: parse_bool, parse_int, parse_real, the enum lookup and
// the unit conversion table), from what pg_settings says about the
// parameter, so `config set` refuses a bad value before ALTER SYSTEM writes
// it. Pure: no server.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pgdba {

// What pg_settings says about one parameter, as the checks need it.
struct SettingSpec {
  std::string name;
  std::string vartype;             // bool, integer, real, enum, string
  std::string unit;                // pg_settings.unit: "", "B", "kB", "8kB", "MB", "ms", "s", "min"
  std::optional<double> min, max;  // min_val, max_val, in `unit`
  std::vector<std::string> enumvals;
};

// A value that passed: `amount` is the number in the parameter's unit
// (integer and real parameters), as PostgreSQL would store it.
struct CheckedSetting {
  std::optional<double> amount;
};

// Checks `value` for the parameter `spec` describes: a boolean as
// parse_bool takes it (on/off, true/false, yes/no, 1/0 and their unique
// prefixes, any case); an integer or real with an optional unit
// (memory B, kB, MB, GB, TB; time us, ms, s, min, h, d; case-sensitive,
// converted to the parameter's unit, integers rounded) within min_val ..
// max_val; an enum value among enumvals (any case). Strings pass as they
// are. Throws a usage Error that names the parameter and what it accepts
// (the range in its unit and in readable units, the enum values, the units).
CheckedSetting check_setting_value(const SettingSpec& spec, const std::string& value);

// PostgreSQL's boolean spellings (parse_bool); nullopt for anything else.
std::optional<bool> parse_setting_bool(const std::string& value);

// `amount` of `unit` as SHOW would write it: the largest unit that divides
// it exactly ("128MB" for 16384 of "8kB", "5min" for 300 of "s"); a bare
// number when `unit` is "" or not one PostgreSQL uses.
std::string format_setting_amount(double amount, const std::string& unit);

// Up to `max` names of `names` close to `name` (it is a part of them, or a
// few edits away), the closest first: for "did you mean".
std::vector<std::string> similar_setting_names(const std::string& name, const std::vector<std::string>& names,
                                               std::size_t max = 3);

// The value as SQL for ALTER SYSTEM SET ... TO: one quoted literal, or for
// the parameters whose value is a quoted list (search_path,
// shared_preload_libraries, ...: GUC_LIST_QUOTE) one literal per element,
// or "a, b" would become one element. Throws a usage Error for an empty
// element of such a list.
std::string setting_value_sql(const std::string& name, const std::string& value);

}  // namespace pgdba
