// Connection options (contract section 2) turned into one libpq conninfo
// string. libpq does the rest: PG* environment, service file, .pgpass.
#pragma once

#include <map>
#include <string>

namespace pgdba {

struct ConnOptions {
  std::string host;
  std::string port;
  std::string user;
  std::string dbname;
  std::string dsn;           // conninfo string or postgresql:// URI
  int connect_timeout = 10;  // seconds
  bool prompt_password = false;
};

// Server settings applied at connection start-up (no extra round trip).
struct SessionSettings {
  bool fixed_search_path = true;  // canned queries: search_path is hostile
  std::string lock_timeout;       // "" leaves the server's default
  std::string statement_timeout;
};

// Builds the conninfo string. `dbname_override` (if not empty) replaces the
// database, for commands that must not sit in the database they change.
// Throws a usage Error for a malformed DSN or a bad timeout value.
std::string build_conninfo(const ConnOptions& options, const SessionSettings& settings, const std::string& password,
                           const std::string& dbname_override = "");

// "host=/tmp port=5433 user=alice dbname=app": every set keyword except the
// password and the start-up options, for messages and logs.
std::string redact_conninfo(const std::string& conninfo);

// Accepts "5s", "500ms", "1.5s", "2min", "1h", "0" (PostgreSQL's own units,
// a bare number is milliseconds) from 1ms to 2147483647ms, or 0; throws a
// usage Error otherwise, naming `option`.
void check_timeout_value(const std::string& option, const std::string& value);
// A value quoted for a conninfo string: 'it\'s'.
std::string quote_conninfo_value(const std::string& v);
// Accepts a port (1-65535) or libpq's comma-separated list; "" is the default.
void check_port_value(const std::string& port);
// Whether a -d value is a conninfo string or URI that libpq would expand.
bool is_connection_string(const std::string& dbname);
// The keywords a conninfo string or postgresql:// URI sets, as libpq reads
// it (no defaults filled in); a usage Error naming `option` when libpq
// cannot read it, with nothing of the string quoted (it may hold a password).
std::map<std::string, std::string> parse_dsn(const std::string& dsn, const std::string& option = "--dsn");
// The database -d or --dsn names ("" when neither does: libpq's default).
std::string chosen_dbname(const ConnOptions& options);
// Everything about the connection options that can be wrong before
// connecting; throws a usage Error.
void validate_conn_options(const ConnOptions& options);
// Text (a command line, a DSN, a SQL literal) with the password of any
// conninfo (password=...) or URI (postgresql://user:password@) replaced by ***.
std::string redact_password_text(const std::string& text);

// The settings pgdba's renderers rely on (ISO dates, seconds in intervals, hex
// bytea, exact floats), as start-up options and as SET statements.
constexpr const char* kOutputSettingsOptions =
    "-c DateStyle=ISO -c IntervalStyle=postgres -c bytea_output=hex -c extra_float_digits=1";
constexpr const char* kOutputSettingsSql =
    "SET DateStyle = ISO; SET IntervalStyle = postgres; SET bytea_output = hex; SET extra_float_digits = 1";

// Reads a password from the terminal without echo. Throws a usage Error when
// there is no terminal.
std::string prompt_password(const std::string& prompt);

}  // namespace pgdba
