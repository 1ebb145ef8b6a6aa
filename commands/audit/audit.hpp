// The audit noun: report and controls in audit.cpp, logging in logging.cpp.
#pragma once

#include "src/command.hpp"

namespace pgdba {

void add_audit_logging_verb(Noun& audit);

}  // namespace pgdba
