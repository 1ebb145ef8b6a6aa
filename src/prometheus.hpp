// The Prometheus text exposition format's escaping rules, shared by every
// writer of metrics (check, job run's textfile).
#pragma once

#include <string>

namespace pgdba {

// A label value: backslash, double quote and newline escaped.
std::string prometheus_label_value(const std::string& value);
// HELP text: backslash and newline escaped.
std::string prometheus_help(const std::string& text);

}  // namespace pgdba
