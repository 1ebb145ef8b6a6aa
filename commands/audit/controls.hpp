// The security audit's controls as data: one entry per stable finding id
// (PGDBA-SEC-NNN) with its severity, category, what it judges, what the
// role needs to judge it, and what to do about a finding. The SQL that
// finds them is in sql/audit/*.sql, one query per group of controls; each
// query returns rows (id, object, finding).
#pragma once

#include <string>
#include <vector>

namespace pgdba {

// Where a control is judged: once per server, or in every database audited.
enum class AuditScope { Server, Database };

struct AuditControl {
  const char* id;        // "PGDBA-SEC-012"
  const char* severity;  // critical, high, medium, low, info
  const char* category;
  AuditScope scope;
  const char* query;     // "audit/hba": the sql/audit file that finds it
  const char* settings;  // parameters it reads, comma-separated ("" none)
  const char* title;     // what it flags, for the documentation
  const char* recommendation;
};

// Every control, in id order.
const std::vector<AuditControl>& audit_controls();
// The control with this id, or nullptr.
const AuditControl* find_audit_control(const std::string& id);
// Whether `id` is spelled PGDBA-SEC-NNN (three digits).
bool is_audit_id(const std::string& id);
// 0 for critical .. 4 for info, for sorting.
int severity_rank(const std::string& severity);
// "PGDBA-SEC-001  high  title" lines, for the verb's long help.
std::string audit_controls_text();

}  // namespace pgdba
