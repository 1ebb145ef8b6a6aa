#include "commands/audit/controls.hpp"

#include <cctype>

namespace pgdba {

namespace {

constexpr AuditScope S = AuditScope::Server;
constexpr AuditScope D = AuditScope::Database;

// Ids are stable: a control that goes away leaves its number unused, a new
// one takes the next free number.
const std::vector<AuditControl> kControls = {
    // authentication: stored passwords and their expiry
    {"PGDBA-SEC-001", "high", "authentication", S, "audit/passwords", "",
     "superuser that can log in without a password", "give it a SCRAM password or make it NOLOGIN"},
    {"PGDBA-SEC-002", "medium", "authentication", S, "audit/passwords", "", "login role without a password",
     "set a password (pgdba role alter NAME --password-prompt) or rely on certificate/GSSAPI authentication only"},
    {"PGDBA-SEC-003", "high", "authentication", S, "audit/passwords", "",
     "role whose password is an MD5 hash while SCRAM-SHA-256 is available",
     "set password_encryption = scram-sha-256 and set the password again"},
    {"PGDBA-SEC-004", "high", "authentication", S, "audit/settings", "password_encryption",
     "password_encryption is not scram-sha-256", "ALTER SYSTEM SET password_encryption = 'scram-sha-256'"},
    {"PGDBA-SEC-005", "medium", "authentication", S, "audit/roles", "",
     "login role whose password never expires (with --max-password-age)",
     "set VALID UNTIL within the password age policy"},
    {"PGDBA-SEC-006", "medium", "authentication", S, "audit/roles", "",
     "login role valid beyond the password age policy (with --max-password-age)",
     "set VALID UNTIL within the password age policy"},
    {"PGDBA-SEC-007", "low", "authentication", S, "audit/roles", "", "expired login role still present",
     "drop the role (pgdba role drop NAME --reassign-to OTHER) or make it NOLOGIN"},
    // pg_hba.conf
    {"PGDBA-SEC-008", "critical", "pg_hba", S, "audit/hba", "", "pg_hba.conf trust rule for TCP connections",
     "use scram-sha-256, cert or gss instead of trust"},
    {"PGDBA-SEC-009", "medium", "pg_hba", S, "audit/hba", "", "pg_hba.conf trust rule for local socket connections",
     "use peer or scram-sha-256 for local connections"},
    {"PGDBA-SEC-010", "high", "pg_hba", S, "audit/hba", "", "pg_hba.conf rule with password (clear text)",
     "use scram-sha-256"},
    {"PGDBA-SEC-011", "medium", "pg_hba", S, "audit/hba", "",
     "pg_hba.conf rule open to every address (0.0.0.0/0, ::/0, all)",
     "restrict the rule to the networks clients connect from"},
    {"PGDBA-SEC-012", "medium", "pg_hba", S, "audit/hba", "",
     "pg_hba.conf host/hostnossl rule allowing TCP connections without SSL", "use hostssl rules"},
    {"PGDBA-SEC-013", "medium", "pg_hba", S, "audit/hba", "", "pg_hba.conf rule with md5 authentication",
     "use scram-sha-256 once every password is stored as SCRAM"},
    {"PGDBA-SEC-014", "medium", "pg_hba", S, "audit/hba", "", "pg_hba.conf line the server cannot parse",
     "fix the line: the next reload keeps the old rules and logs an error"},
    {"PGDBA-SEC-015", "medium", "pg_hba", S, "audit/hba", "", "pg_hba.conf ident rule over TCP",
     "use scram-sha-256, cert or gss: ident believes the client host"},
    // connections and TLS
    {"PGDBA-SEC-016", "high", "connection", S, "audit/settings", "ssl", "ssl is off",
     "configure a certificate and set ssl = on"},
    {"PGDBA-SEC-017", "medium", "connection", S, "audit/settings", "ssl_min_protocol_version",
     "ssl_min_protocol_version accepts TLS older than 1.2", "ALTER SYSTEM SET ssl_min_protocol_version = 'TLSv1.2'"},
    {"PGDBA-SEC-018", "low", "connection", S, "audit/settings", "ssl_prefer_server_ciphers",
     "ssl_prefer_server_ciphers is off", "ALTER SYSTEM SET ssl_prefer_server_ciphers = on"},
    {"PGDBA-SEC-019", "low", "connection", S, "audit/settings", "listen_addresses",
     "listen_addresses binds every interface", "listen on the addresses clients use only"},
    {"PGDBA-SEC-020", "low", "connection", S, "audit/settings", "authentication_timeout",
     "authentication_timeout longer than one minute", "ALTER SYSTEM SET authentication_timeout = '1min' or less"},
    {"PGDBA-SEC-021", "low", "connection", S, "audit/settings", "superuser_reserved_connections",
     "superuser_reserved_connections is 0", "keep a few connections for superusers (the default is 3)"},
    {"PGDBA-SEC-022", "low", "connection", S, "audit/settings", "db_user_namespace", "db_user_namespace is on",
     "turn it off (removed in PostgreSQL 17)"},
    // roles
    {"PGDBA-SEC-023", "medium", "roles", S, "audit/roles", "", "superuser other than the bootstrap superuser",
     "keep superusers to a minimum: grant what the role needs instead"},
    {"PGDBA-SEC-024", "medium", "roles", S, "audit/roles", "", "non-superuser with CREATEROLE",
     "grant CREATEROLE to administrators only"},
    {"PGDBA-SEC-025", "high", "roles", S, "audit/roles", "", "non-superuser with BYPASSRLS",
     "ALTER ROLE ... NOBYPASSRLS unless it must read past every policy"},
    {"PGDBA-SEC-026", "medium", "roles", S, "audit/roles", "", "login role with REPLICATION (not a superuser)",
     "keep REPLICATION for the standbys' and backup tools' own roles"},
    {"PGDBA-SEC-027", "low", "roles", S, "audit/roles", "", "non-superuser with CREATEDB",
     "ALTER ROLE ... NOCREATEDB unless it creates databases"},
    {"PGDBA-SEC-028", "low", "roles", S, "audit/roles", "", "login role without a connection limit",
     "ALTER ROLE ... CONNECTION LIMIT N"},
    {"PGDBA-SEC-029", "high", "roles", S, "audit/roles", "", "member of pg_read_all_data",
     "revoke the membership; grant SELECT on what it needs"},
    {"PGDBA-SEC-030", "high", "roles", S, "audit/roles", "", "member of pg_write_all_data",
     "revoke the membership; grant what it needs"},
    {"PGDBA-SEC-031", "high", "roles", S, "audit/roles", "", "member of pg_read_server_files", "revoke the membership"},
    {"PGDBA-SEC-032", "high", "roles", S, "audit/roles", "", "member of pg_write_server_files",
     "revoke the membership"},
    {"PGDBA-SEC-033", "critical", "roles", S, "audit/roles", "", "member of pg_execute_server_program",
     "revoke the membership: it runs programs as the server's OS user"},
    {"PGDBA-SEC-034", "low", "roles", S, "audit/roles", "", "member of pg_signal_backend",
     "revoke the membership unless it must cancel other sessions"},
    {"PGDBA-SEC-035", "low", "logging", S, "audit/roles", "",
     "per-role or per-database setting that overrides logging (ALTER ROLE/DATABASE ... SET log_...)",
     "ALTER ROLE/DATABASE ... RESET the parameter so the server's logging applies"},
    {"PGDBA-SEC-036", "medium", "databases", S, "audit/databases", "", "template0 accepts connections",
     "ALTER DATABASE template0 ALLOW_CONNECTIONS false"},
    {"PGDBA-SEC-037", "medium", "databases", S, "audit/databases", "", "PUBLIC may create schemas in a database",
     "REVOKE CREATE ON DATABASE ... FROM PUBLIC"},
    // settings that endanger the data
    {"PGDBA-SEC-038", "critical", "settings", S, "audit/settings", "fsync", "fsync is off", "ALTER SYSTEM RESET fsync"},
    {"PGDBA-SEC-039", "high", "settings", S, "audit/settings", "full_page_writes", "full_page_writes is off",
     "ALTER SYSTEM RESET full_page_writes"},
    {"PGDBA-SEC-040", "high", "settings", S, "audit/settings", "allow_system_table_mods",
     "allow_system_table_mods is on", "ALTER SYSTEM RESET allow_system_table_mods"},
    {"PGDBA-SEC-041", "high", "settings", S, "audit/settings", "zero_damaged_pages", "zero_damaged_pages is on",
     "ALTER SYSTEM RESET zero_damaged_pages"},
    {"PGDBA-SEC-042", "medium", "settings", S, "audit/settings", "ignore_checksum_failure",
     "ignore_checksum_failure is on", "ALTER SYSTEM RESET ignore_checksum_failure"},
    {"PGDBA-SEC-043", "medium", "settings", S, "audit/settings", "ignore_system_indexes", "ignore_system_indexes is on",
     "remove it from the server's options"},
    {"PGDBA-SEC-044", "low", "settings", S, "audit/settings", "data_checksums", "data checksums are off",
     "enable them (pg_checksums --enable on the stopped cluster)"},
    {"PGDBA-SEC-045", "medium", "settings", S, "audit/settings", "wal_level", "wal_level is minimal",
     "ALTER SYSTEM SET wal_level = replica (restart)"},
    {"PGDBA-SEC-046", "low", "settings", S, "audit/settings", "archive_mode", "archive_mode is off",
     "archive WAL for point-in-time recovery (archive_mode, archive_command or archive_library)"},
    {"PGDBA-SEC-047", "low", "settings", S, "audit/settings", "synchronous_commit",
     "synchronous_commit is off server-wide", "ALTER SYSTEM RESET synchronous_commit; turn it off per session"},
    {"PGDBA-SEC-048", "medium", "settings", S, "audit/settings", "dynamic_library_path",
     "dynamic_library_path is not $libdir", "load libraries from $libdir only"},
    {"PGDBA-SEC-049", "medium", "settings", S, "audit/settings", "lo_compat_privileges", "lo_compat_privileges is on",
     "ALTER SYSTEM RESET lo_compat_privileges"},
    {"PGDBA-SEC-050", "low", "settings", S, "audit/settings", "standard_conforming_strings",
     "standard_conforming_strings is off", "ALTER SYSTEM RESET standard_conforming_strings"},
    {"PGDBA-SEC-051", "low", "settings", S, "audit/settings", "idle_in_transaction_session_timeout",
     "idle_in_transaction_session_timeout is unset", "ALTER SYSTEM SET idle_in_transaction_session_timeout = '10min'"},
    {"PGDBA-SEC-052", "low", "settings", S, "audit/settings", "track_counts", "track_counts is off",
     "ALTER SYSTEM RESET track_counts (autovacuum needs it)"},
    {"PGDBA-SEC-053", "low", "settings", S, "audit/settings", "track_activities", "track_activities is off",
     "ALTER SYSTEM RESET track_activities"},
    // logging an auditor needs
    {"PGDBA-SEC-054", "low", "logging", S, "audit/settings", "logging_collector", "logging_collector is off",
     "turn it on, or make sure stderr is collected (systemd, syslog)"},
    {"PGDBA-SEC-055", "medium", "logging", S, "audit/settings", "log_connections", "log_connections is off",
     "pgdba audit logging --connections on"},
    {"PGDBA-SEC-056", "medium", "logging", S, "audit/settings", "log_disconnections", "log_disconnections is off",
     "pgdba audit logging --connections on"},
    {"PGDBA-SEC-057", "medium", "logging", S, "audit/settings", "log_statement", "log_statement is none",
     "pgdba audit logging --statements ddl"},
    {"PGDBA-SEC-058", "low", "logging", S, "audit/settings", "log_line_prefix", "log_line_prefix lacks the user (%u)",
     "ALTER SYSTEM SET log_line_prefix = '%m [%p] %q%u@%d '"},
    {"PGDBA-SEC-059", "low", "logging", S, "audit/settings", "log_line_prefix",
     "log_line_prefix lacks the database (%d)", "ALTER SYSTEM SET log_line_prefix = '%m [%p] %q%u@%d '"},
    {"PGDBA-SEC-060", "low", "logging", S, "audit/settings", "log_file_mode",
     "log_file_mode lets others than the server's OS user read the log", "ALTER SYSTEM SET log_file_mode = '0600'"},
    {"PGDBA-SEC-061", "low", "logging", S, "audit/settings", "log_temp_files", "log_temp_files is -1",
     "ALTER SYSTEM SET log_temp_files = 0"},
    {"PGDBA-SEC-062", "info", "logging", S, "audit/settings", "log_checkpoints", "log_checkpoints is off",
     "ALTER SYSTEM SET log_checkpoints = on"},
    {"PGDBA-SEC-063", "low", "logging", S, "audit/settings", "log_lock_waits", "log_lock_waits is off",
     "ALTER SYSTEM SET log_lock_waits = on"},
    {"PGDBA-SEC-064", "low", "logging", S, "audit/settings", "log_min_messages", "log_min_messages is above warning",
     "ALTER SYSTEM SET log_min_messages = warning"},
    {"PGDBA-SEC-065", "low", "logging", S, "audit/settings", "log_min_error_statement",
     "log_min_error_statement is above error", "ALTER SYSTEM SET log_min_error_statement = error"},
    {"PGDBA-SEC-066", "low", "logging", S, "audit/settings", "log_replication_commands",
     "log_replication_commands is off", "ALTER SYSTEM SET log_replication_commands = on"},
    {"PGDBA-SEC-067", "low", "logging", S, "audit/settings", "debug_print_parse,debug_print_rewritten,debug_print_plan",
     "debug_print_parse/rewritten/plan is on", "ALTER SYSTEM RESET the debug_print parameters"},
    {"PGDBA-SEC-068", "low", "logging", S, "audit/settings", "shared_preload_libraries",
     "pgaudit is not in shared_preload_libraries", "install pgaudit and preload it (restart)"},
    {"PGDBA-SEC-069", "medium", "logging", S, "audit/settings", "shared_preload_libraries",
     "pgaudit is loaded but pgaudit.log is none", "pgdba audit logging --statements ddl"},
    // privileges, in every database audited
    {"PGDBA-SEC-070", "high", "privileges", D, "audit/privileges", "", "PUBLIC may CREATE in schema public",
     "REVOKE CREATE ON SCHEMA public FROM PUBLIC"},
    {"PGDBA-SEC-071", "high", "privileges", D, "audit/privileges", "", "PUBLIC may CREATE in another schema",
     "REVOKE CREATE ON SCHEMA ... FROM PUBLIC"},
    {"PGDBA-SEC-072", "medium", "privileges", D, "audit/privileges", "", "PUBLIC may SELECT from a table or view",
     "REVOKE SELECT ... FROM PUBLIC; grant to the roles that need it"},
    {"PGDBA-SEC-073", "high", "privileges", D, "audit/privileges", "",
     "PUBLIC may INSERT, UPDATE, DELETE or TRUNCATE a table", "REVOKE ... FROM PUBLIC"},
    {"PGDBA-SEC-074", "medium", "privileges", D, "audit/privileges", "",
     "default privileges grant future tables, sequences or schemas to PUBLIC",
     "ALTER DEFAULT PRIVILEGES ... REVOKE ... FROM PUBLIC"},
    {"PGDBA-SEC-075", "high", "functions", D, "audit/functions", "", "SECURITY DEFINER function executable by PUBLIC",
     "REVOKE EXECUTE ON FUNCTION ... FROM PUBLIC; grant it to the roles that need it"},
    {"PGDBA-SEC-076", "low", "functions", D, "audit/functions", "",
     "schema whose functions PUBLIC may execute (the built-in default)",
     "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC, and revoke it on existing ones"},
    {"PGDBA-SEC-077", "high", "functions", D, "audit/functions", "",
     "SECURITY DEFINER function without a fixed search_path",
     "ALTER FUNCTION ... SET search_path = pg_catalog, pg_temp (and qualify names)"},
    {"PGDBA-SEC-078", "medium", "functions", D, "audit/functions", "", "SECURITY DEFINER function owned by a superuser",
     "make a role with only the privileges it needs own it"},
    {"PGDBA-SEC-079", "high", "functions", D, "audit/functions", "",
     "SECURITY DEFINER function whose search_path has a schema PUBLIC may create in",
     "set its search_path to trusted schemas only, pg_temp last"},
    {"PGDBA-SEC-080", "high", "functions", D, "audit/functions", "",
     "server-file function (pg_read_file, lo_import, ...) executable beyond superusers",
     "REVOKE EXECUTE ... ; use pg_read_server_files where really needed"},
    // languages and extensions, in every database audited
    {"PGDBA-SEC-081", "medium", "extensions", D, "audit/extensions", "", "untrusted procedural language installed",
     "DROP EXTENSION the language unless it is needed"},
    {"PGDBA-SEC-082", "high", "extensions", D, "audit/extensions", "", "adminpack installed",
     "DROP EXTENSION adminpack"},
    {"PGDBA-SEC-083", "medium", "extensions", D, "audit/extensions", "", "dblink executable by every role",
     "REVOKE EXECUTE ON the dblink functions FROM PUBLIC"},
    {"PGDBA-SEC-084", "medium", "extensions", D, "audit/extensions", "",
     "foreign data wrapper (postgres_fdw, dblink_fdw, ...) usable by non-superusers",
     "REVOKE USAGE ON FOREIGN DATA WRAPPER ... ; grant USAGE on chosen servers instead"},
    {"PGDBA-SEC-085", "low", "extensions", D, "audit/extensions", "",
     "extension installed in a schema PUBLIC may create in", "REVOKE CREATE ON SCHEMA ... FROM PUBLIC"},
    // row-level security, in every database audited
    {"PGDBA-SEC-086", "medium", "rls", D, "audit/rls", "", "row-level security enabled with no policy",
     "CREATE POLICY, or DISABLE ROW LEVEL SECURITY"},
    {"PGDBA-SEC-087", "medium", "rls", D, "audit/rls", "", "policies on a table whose row-level security is disabled",
     "ALTER TABLE ... ENABLE ROW LEVEL SECURITY"},
    {"PGDBA-SEC-088", "info", "rls", D, "audit/rls", "", "row-level security not forced on the table's owner",
     "ALTER TABLE ... FORCE ROW LEVEL SECURITY when the owner must obey the policies"},
    {"PGDBA-SEC-089", "low", "rls", D, "audit/rls", "", "permissive policy for PUBLIC with USING (true)",
     "give the policy a real condition, or name the roles it is for"},
};

}  // namespace

const std::vector<AuditControl>& audit_controls() {
  return kControls;
}

const AuditControl* find_audit_control(const std::string& id) {
  for (const auto& c : kControls)
    if (id == c.id) return &c;
  return nullptr;
}

bool is_audit_id(const std::string& id) {
  const std::string prefix = "PGDBA-SEC-";
  if (id.size() != prefix.size() + 3 || id.compare(0, prefix.size(), prefix) != 0) return false;
  for (std::size_t i = prefix.size(); i < id.size(); ++i)
    if (std::isdigit(static_cast<unsigned char>(id[i])) == 0) return false;
  return true;
}

int severity_rank(const std::string& severity) {
  static const char* order[] = {"critical", "high", "medium", "low", "info"};
  for (int i = 0; i < 5; ++i)
    if (severity == order[i]) return i;
  return 5;
}

std::string audit_controls_text() {
  std::string out;
  for (const auto& c : kControls)
    out += std::string("\n  ") + c.id + " (" + c.severity + ") " + c.title;
  return out;
}

}  // namespace pgdba
