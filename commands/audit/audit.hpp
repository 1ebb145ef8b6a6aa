// The audit noun: report and controls in audit.cpp, logging in logging.cpp.
#pragma once

#include <string>
#include <vector>

#include "src/command.hpp"

namespace pgdba {

class Session;

struct AuditFinding {
  std::string id, severity, database, object, finding;  // database "" for a server-wide one
};
// What audit report finds on the server and in the session's own database,
// the config file's [audit] skip waivers left out: for `check security`.
std::vector<AuditFinding> audit_findings(Session& s);

void add_audit_logging_verb(Noun& audit);

}  // namespace pgdba
