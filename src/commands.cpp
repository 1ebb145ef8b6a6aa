// The command table: every noun pgdba has, in the order --help lists them.
// Adding a command is one module under commands/, one line here.
#include "src/command.hpp"

namespace pgdba {

void register_all(CommandTable& t) {
  register_db(t);
  register_schema(t);
  register_table(t);
  register_column(t);
  register_constraint(t);
  register_index(t);
  register_extension(t);
  register_sql(t);
  register_copy(t);
  register_function(t);
  register_lo(t);
  register_listen(t);
  register_role(t);
  register_grant(t);
  register_privileges(t);
  register_config(t);
  register_audit(t);
  register_activity(t);
  register_locks(t);
  register_signal(t);
  register_logs(t);
  register_stats(t);
  register_maintenance(t);
  register_replication(t);
  register_backup(t);
  register_check(t);
  register_job(t);
  register_target(t);
  register_sandbox(t);
  register_completion(t);
}

}  // namespace pgdba
