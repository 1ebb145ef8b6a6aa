#include "commands/backup/restore_exec.hpp"

#include <cstdlib>
#include <sstream>

#include "commands/backup/pg_tools.hpp"
#include "src/text.hpp"

namespace pgdba::backup {

std::string restore_program(const Manifest& m) {
  return m.format == "plain" ? "psql" : "pg_restore";
}

int archive_major(const Manifest& m) {
  return std::atoi(m.pg_dump_version.c_str());
}

std::vector<std::string> restore_argv(const Manifest& m, const PgProgram& tool, const std::string& conninfo,
                                      const RestoreArgs& a) {
  std::vector<std::string> argv = {tool.path};
  if (m.format == "plain") {
    // -X: no ~/.psqlrc; --echo-errors: the failing statement reaches stderr.
    argv.insert(argv.end(), {"-X", "-q", "-v", "ON_ERROR_STOP=1", "--echo-errors", "--no-password",
                             "--single-transaction", "--dbname=" + conninfo, "--file=" + m.backup_path()});
    return argv;
  }
  argv.insert(argv.end(), {"--no-password", "--exit-on-error", "--dbname=" + conninfo});
  if (a.jobs > 1) {
    argv.push_back("--jobs=" + std::to_string(a.jobs));
  } else {
    argv.push_back("--single-transaction");
  }
  if (a.clean) argv.insert(argv.end(), {"--clean", "--if-exists"});
  if (a.schema_only) argv.push_back("--schema-only");
  if (a.data_only) argv.push_back("--data-only");
  for (const auto& t : a.tables)
    argv.push_back("--table=" + t);
  argv.push_back(m.backup_path());
  return argv;
}

Error restore_failure(const std::string& program, const std::string& what, const ChildResult& r) {
  if (r.interrupted) return failure(what + " was interrupted: " + program + " was stopped");
  std::string error, statement;
  std::istringstream in(r.err);
  std::string line;
  bool in_command = false;
  while (std::getline(in, line)) {
    if (error.empty() && (line.find("ERROR:") != std::string::npos || line.find("error:") != std::string::npos ||
                          line.find("FATAL:") != std::string::npos)) {
      const auto pos = line.find("ERROR:") != std::string::npos   ? line.find("ERROR:")
                       : line.find("FATAL:") != std::string::npos ? line.find("FATAL:")
                                                                  : line.find("error:");
      error = trim(line.substr(pos + 6));
      // pg_restore: "could not execute query: ERROR:  ..." on one line.
      continue;
    }
    if (statement.empty() && line.rfind("Command was: ", 0) == 0) {
      statement = line.substr(13);
      in_command = true;
      continue;
    }
    if (statement.empty() && line.find("STATEMENT:") != std::string::npos) {
      statement = trim(line.substr(line.find("STATEMENT:") + 10));
      continue;
    }
    if (in_command && !line.empty() && line.rfind(program, 0) != 0) {
      statement += " " + trim(line);
    } else {
      in_command = false;
    }
  }
  if (statement.empty() && program == "psql") {
    // --echo-errors: the statement follows the error lines.
    std::istringstream again(r.err);
    std::string last;
    while (std::getline(again, line))
      if (!line.empty() && line.rfind("psql:", 0) != 0 && line.find("ERROR:") == std::string::npos) last = line;
    statement = trim(last);
  }
  if (error.empty()) error = child_error_summary(r.err);
  if (error.empty()) error = r.signal != 0 ? "killed by signal " + std::to_string(r.signal) : "no message";
  if (statement.size() > 300) statement = statement.substr(0, 300) + "...";
  std::string msg = program + " failed " + what + ": " + error;
  if (!statement.empty()) msg += "; failing statement: " + statement;
  Error e(lost_connection(r.err) ? ErrorKind::Connect : ErrorKind::Failed, msg);
  e.detail = trim(r.err);
  return e;
}

}  // namespace pgdba::backup
