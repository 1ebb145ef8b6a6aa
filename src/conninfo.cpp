#include "src/conninfo.hpp"

#include <libpq-fe.h>
#include <termios.h>
#include <unistd.h>

#include <fcntl.h>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <regex>

#include "src/errors.hpp"

namespace pgdba {

namespace {

std::string quote_conninfo_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += "'";
  return out;
}

std::map<std::string, std::string> parse_dsn(const std::string& dsn) {
  std::map<std::string, std::string> values;
  if (dsn.empty()) return values;
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(dsn.c_str(), &err);
  if (opts == nullptr) {
    std::string msg = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
      msg.pop_back();
    // libpq quotes the token it could not parse, which may be a password:
    // keep only the words before the quote.
    const auto quote = msg.find('"');
    if (quote != std::string::npos) msg = msg.substr(0, quote);
    while (!msg.empty() && (msg.back() == ' ' || msg.back() == ':'))
      msg.pop_back();
    throw usage_error("invalid --dsn: " + msg);
  }
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && o->val[0] != '\0') values[o->keyword] = o->val;
  }
  PQconninfoFree(opts);
  return values;
}

}  // namespace

void check_timeout_value(const std::string& option, const std::string& value) {
  static const std::regex pattern(R"(^[0-9]+(us|ms|s|min|h|d)?$)");
  if (!std::regex_match(value, pattern)) {
    throw usage_error("invalid value \"" + value + "\" for " + option +
                      ": use a number with a unit, such as 500ms, 5s, 2min or 0 for none");
  }
}

std::string build_conninfo(const ConnOptions& o, const SessionSettings& s, const std::string& password,
                           const std::string& dbname_override) {
  auto values = parse_dsn(o.dsn);
  if (!o.host.empty()) values["host"] = o.host;
  if (!o.port.empty()) values["port"] = o.port;
  if (!o.user.empty()) values["user"] = o.user;
  if (!o.dbname.empty()) values["dbname"] = o.dbname;
  if (!dbname_override.empty()) values["dbname"] = dbname_override;
  if (!password.empty()) values["password"] = password;
  values["application_name"] = "pgdba";
  values["client_encoding"] = "UTF8";
  if (o.connect_timeout < 0) throw usage_error("--connect-timeout must not be negative");
  values["connect_timeout"] = std::to_string(o.connect_timeout);

  // Start-up options keep whatever the user set (DSN or PGOPTIONS) first.
  std::string options;
  if (auto it = values.find("options"); it != values.end()) {
    options = it->second;
  } else if (const char* env = std::getenv("PGOPTIONS")) {
    options = env;
  }
  // Renderers rely on these output formats.
  options += " -c DateStyle=ISO -c IntervalStyle=postgres -c bytea_output=hex";
  if (s.fixed_search_path) options += " -c search_path=pg_catalog,pg_temp";
  if (!s.lock_timeout.empty()) {
    check_timeout_value("--lock-timeout", s.lock_timeout);
    options += " -c lock_timeout=" + s.lock_timeout;
  }
  if (!s.statement_timeout.empty()) {
    check_timeout_value("--statement-timeout", s.statement_timeout);
    options += " -c statement_timeout=" + s.statement_timeout;
  }
  values["options"] = options;

  std::string out;
  for (const auto& [k, v] : values) {
    if (!out.empty()) out += ' ';
    out += k + "=" + quote_conninfo_value(v);
  }
  return out;
}

std::string redact_conninfo(const std::string& conninfo) {
  std::map<std::string, std::string> values;
  try {
    values = parse_dsn(conninfo);
  } catch (const Error&) {
    return "(unparsable connection string)";
  }
  // What the string leaves out, libpq takes from PG* variables and its
  // compiled-in defaults; show those too so the message names the target.
  if (PQconninfoOption* defaults = PQconndefaults()) {
    for (PQconninfoOption* o = defaults; o->keyword != nullptr; ++o) {
      if (o->val != nullptr && o->val[0] != '\0') values.emplace(o->keyword, o->val);
    }
    PQconninfoFree(defaults);
  }
  std::string out;
  for (const char* key : {"service", "host", "hostaddr", "port", "user", "dbname"}) {
    if (auto it = values.find(key); it != values.end()) {
      if (!out.empty()) out += ' ';
      out += std::string(key) + "=" + it->second;
    }
  }
  return out.empty() ? "(libpq defaults)" : out;
}

std::string prompt_password(const std::string& prompt) {
  const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw usage_error("-W/--password needs a terminal to prompt on; use PGPASSWORD or ~/.pgpass");
  termios old{};
  const bool tty = tcgetattr(fd, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSANOW, &quiet);  // keep what was typed ahead
  }
  if (::write(fd, prompt.data(), prompt.size()) < 0) { /* the prompt is a courtesy */
  }
  std::string password;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
    password += c;
  if (tty) tcsetattr(fd, TCSANOW, &old);
  if (::write(fd, "\n", 1) < 0) { /* as above */
  }
  ::close(fd);
  return password;
}

}  // namespace pgdba
