#include "src/errors.hpp"
#include "src/text.hpp"

#include <pqxx/except>

#include <sstream>

namespace pgdba {

Error usage_error(const std::string& message) {
  return Error(ErrorKind::Usage, message);
}
Error failure(const std::string& message) {
  return Error(ErrorKind::Failed, message);
}

Error with_prefix(const Error& e, const std::string& prefix, const std::string& suffix) {
  Error out(e.kind, prefix + ": " + e.what() + suffix);
  out.sqlstate = e.sqlstate;
  out.severity = e.severity;
  out.detail = e.detail;
  out.hint = e.hint;
  out.target = e.target;
  return out;
}

namespace {

// libpq's error text is "SEVERITY:  message\nDETAIL:  ...\nHINT:  ...\n".
// libpqxx 6.4 keeps only that text, so the fields are read back from it.
void split_server_message(const std::string& text, Error& err, std::string& message) {
  std::istringstream in(text);
  std::string line;
  std::string* field = &message;
  bool first = true;
  while (std::getline(in, line)) {
    auto colon = line.find(":  ");
    std::string label = colon == std::string::npos ? std::string() : line.substr(0, colon);
    if (first && colon != std::string::npos && (label == "ERROR" || label == "FATAL" || label == "PANIC")) {
      err.severity = label;
      message = line.substr(colon + 3);
      // Verbose messages start with the SQLSTATE: "42501: must be owner ...".
      if (message.size() > 7 && message[5] == ':' && message[6] == ' ' &&
          message.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 5) {
        err.sqlstate = message.substr(0, 5);
        message = message.substr(7);
      }
    } else if (label == "DETAIL") {
      err.detail = line.substr(colon + 3);
      field = &err.detail;
    } else if (label == "HINT") {
      err.hint = line.substr(colon + 3);
      field = &err.hint;
    } else if (line.rfind("LINE ", 0) == 0 ||
               (!label.empty() && label.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ ") == std::string::npos)) {
      // QUERY, CONTEXT, LOCATION, SCHEMA NAME, ...: noise on one line
      field = nullptr;  // position markers and context are noise on one line
    } else if (first) {
      message = line;
    } else if (field != nullptr && !trim(line).empty() && line.find_first_not_of(' ') != std::string::npos &&
               line.find('^') == std::string::npos) {
      *field += " " + trim(line);
    }
    first = false;
  }
  message = trim(message);
  err.detail = trim(err.detail);
  err.hint = trim(err.hint);
}

Error make(ErrorKind kind, const std::string& context, const std::string& server_text) {
  Error probe(kind, "");
  std::string message;
  split_server_message(server_text, probe, message);
  Error err(kind, context.empty() ? message : context + ": " + message);
  err.severity = probe.severity.empty() ? "ERROR" : probe.severity;
  err.sqlstate = probe.sqlstate;
  err.detail = probe.detail;
  err.hint = probe.hint;
  return err;
}

}  // namespace

bool is_connection_loss(const std::string& sqlstate) {
  // 08P01 is a protocol violation (a bind with too many values): the
  // connection is fine and a retry would fail the same way.
  if (sqlstate == "08P01") return false;
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
}

void rethrow_as_error(const std::string& context) {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const pqxx::broken_connection&) {
    // libpqxx's words here ("Could not obtain client encoding") mislead.
    Error err(ErrorKind::Connect, (context.empty() ? "" : context + ": ") + "the connection to the server was lost");
    err.sqlstate = "08006";
    err.severity = "FATAL";
    throw err;
  } catch (const pqxx::sql_error& e) {
    Error err = make(ErrorKind::Failed, context, e.what());
    if (!e.sqlstate().empty()) err.sqlstate = e.sqlstate();
    if (is_connection_loss(err.sqlstate)) err.kind = ErrorKind::Connect;
    throw err;
  } catch (const pqxx::in_doubt_error& e) {
    throw make(ErrorKind::Connect, context, e.what());
  } catch (const pqxx::failure& e) {
    throw make(ErrorKind::Failed, context, e.what());
  } catch (const pqxx::usage_error& e) {
    throw make(ErrorKind::Failed, context, e.what());
  } catch (const std::exception& e) {
    throw make(ErrorKind::Failed, context, e.what());
  }
}

}  // namespace pgdba
