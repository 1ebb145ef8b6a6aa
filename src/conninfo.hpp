// Connection options (contract section 2) turned into one libpq conninfo
// string. libpq does the rest: PG* environment, service file, .pgpass.
#pragma once

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

// Accepts "5s", "500ms", "2min", "1h", "0" (PostgreSQL's own units); throws a
// usage Error otherwise, naming `option`.
void check_timeout_value(const std::string& option, const std::string& value);

// Reads a password from the terminal without echo. Throws a usage Error when
// there is no terminal.
std::string prompt_password(const std::string& prompt);

}  // namespace pgdba
