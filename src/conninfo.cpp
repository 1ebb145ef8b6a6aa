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

std::map<std::string, std::string> parse_dsn(const std::string& dsn, const std::string& option) {
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
    throw usage_error("invalid " + option + ": " + msg);
  }
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && o->val[0] != '\0') values[o->keyword] = o->val;
  }
  PQconninfoFree(opts);
  return values;
}

std::string quote_conninfo_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += "'";
  return out;
}

void check_timeout_value(const std::string& option, const std::string& value) {
  static const std::regex pattern(R"(^([0-9]+(\.[0-9]+)?)(us|ms|s|min|h|d)?$)");
  std::smatch m;
  const auto bad = [&](const std::string& why) {
    return usage_error("invalid value \"" + value + "\" for " + option + ": " + why);
  };
  if (!std::regex_match(value, m, pattern)) {
    throw bad("use a number with a unit, such as 500ms, 5s, 2min or 0 for none");
  }
  static const std::map<std::string, double> ms_per_unit = {{"us", 0.001},  {"ms", 1},      {"", 1},        {"s", 1000},
                                                            {"min", 60000}, {"h", 3600000}, {"d", 86400000}};
  const double ms = std::stod(m[1].str()) * ms_per_unit.at(m[3].str());
  // No space before the unit: the value travels in a -c start-up option.
  // The server rounds to whole milliseconds: 400us would become 0, which
  // means no timeout at all, the opposite of what was asked.
  if (ms != 0 && ms < 1) throw bad("the smallest timeout is 1ms (0 means none)");
  if (ms > 2147483647.0) throw bad("the largest timeout is 2147483647ms (about 24 days)");
}

void check_port_value(const std::string& port) {
  if (port.empty()) return;
  // libpq takes a comma-separated list, one port per host.
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = port.find(',', start);
    const std::string p = port.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const bool digits = !p.empty() && p.size() <= 5 && p.find_first_not_of("0123456789") == std::string::npos;
    if (!p.empty() && (!digits || std::stoi(p) < 1 || std::stoi(p) > 65535)) {
      throw usage_error("invalid port \"" + port + "\": a port is a number from 1 to 65535");
    }
    if (comma == std::string::npos) return;
    start = comma + 1;
  }
}

bool is_connection_string(const std::string& dbname) {
  return dbname.find('=') != std::string::npos || dbname.rfind("postgresql://", 0) == 0 ||
         dbname.rfind("postgres://", 0) == 0;
}

std::string chosen_dbname(const ConnOptions& o) {
  if (!o.dbname.empty()) {
    if (!is_connection_string(o.dbname)) return o.dbname;
    const auto values = parse_dsn(o.dbname, "-d/--dbname");
    if (auto it = values.find("dbname"); it != values.end()) return it->second;
  }
  const auto values = parse_dsn(o.dsn, "--dsn");
  if (auto it = values.find("dbname"); it != values.end()) return it->second;
  return "";
}

void validate_conn_options(const ConnOptions& o) {
  parse_dsn(o.dsn, "--dsn");
  if (is_connection_string(o.dbname)) parse_dsn(o.dbname, "-d/--dbname");
  check_port_value(o.port);
  if (o.connect_timeout < 0) throw usage_error("--connect-timeout must not be negative");
}

std::string redact_password_text(const std::string& text) {
  static const std::regex conninfo_password(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'&]+))", std::regex::icase);
  static const std::regex uri_password(R"((postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@)", std::regex::icase);
  return std::regex_replace(std::regex_replace(text, conninfo_password, "$1***"), uri_password, "$1***@");
}

std::string build_conninfo(const ConnOptions& o, const SessionSettings& s, const std::string& password,
                           const std::string& dbname_override) {
  auto values = parse_dsn(o.dsn);
  if (!o.host.empty()) values["host"] = o.host;
  if (!o.port.empty()) values["port"] = o.port;
  if (!o.user.empty()) values["user"] = o.user;
  // Like psql, a conninfo string or URI given as the database name is
  // expanded (libpq's expand_dbname) and overrides what came before it;
  // sent as a name, its password would land in the server log.
  if (is_connection_string(o.dbname)) {
    for (const auto& [k, v] : parse_dsn(o.dbname, "-d/--dbname"))
      values[k] = v;
  } else if (!o.dbname.empty()) {
    values["dbname"] = o.dbname;
  }
  if (!dbname_override.empty()) values["dbname"] = dbname_override;
  if (!password.empty()) values["password"] = password;
  values["application_name"] = "pgdba";
  values["client_encoding"] = "UTF8";
  check_port_value(values["port"]);
  if (values["port"].empty()) values.erase("port");
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
  options += " " + std::string(kOutputSettingsOptions);
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
  // A service supplies its own, which the defaults would misstate.
  PQconninfoOption* defaults = values.count("service") != 0 ? nullptr : PQconndefaults();
  if (defaults != nullptr) {
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
