#include "src/inventory.hpp"
#include "src/text.hpp"

#include <libpq-fe.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>

// libpq's compiled-in sysconfdir (see inventory.hpp): Debian's libpq5.
#ifndef PGDBA_PG_SYSCONFDIR
#define PGDBA_PG_SYSCONFDIR "/etc/postgresql-common"
#endif

namespace pgdba {

namespace {

// parseServiceFile reads with fgets into a 1024-byte buffer and rejects a
// line that fills it (1023 bytes, newline included).
constexpr std::size_t kLibpqLineLimit = 1023;

// The keywords libpq accepts in a service section. PQconninfoParse("") lists
// them without reading the environment or any file (PQconndefaults would).
const std::set<std::string>& conninfo_keywords() {
  static const std::set<std::string> keywords = [] {
    std::set<std::string> out;
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse("", &err);
    PQfreemem(err);
    for (PQconninfoOption* o = opts; o != nullptr && o->keyword != nullptr; ++o)
      out.insert(o->keyword);
    PQconninfoFree(opts);
    return out;
  }();
  return keywords;
}

// A key is quoted in a warning only when it looks like a keyword: the text
// before "=" on a mangled line could hold a password.
std::string describe_key(const std::string& key) {
  const bool plain = !key.empty() && key.size() <= 40 &&
                     key.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyz"
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos;
  return plain ? "unknown keyword \"" + key + "\"" : "a key that is not a libpq keyword";
}

struct Parser {
  const std::string& path;
  std::vector<Target>& services;
  std::vector<std::string>& warnings;

  void warn(int line, const std::string& text) { warnings.push_back(path + ":" + std::to_string(line) + ": " + text); }

  const Target* find(const std::string& name) const {
    for (const auto& t : services)
      if (t.name == name) return &t;
    return nullptr;
  }

  // Returns false when libpq would stop reading the file with an error for
  // every service not found above that point.
  bool parse(std::istream& in) {
    enum class Section { None, Active, Ignored } section = Section::None;
    std::set<std::string> seen;  // keys of the current section: libpq keeps the first
    std::string raw;
    int lineno = 0;
    while (std::getline(in, raw)) {
      ++lineno;
      const bool had_newline = !in.eof();
      if (raw.size() + (had_newline ? 1 : 0) >= kLibpqLineLimit) {
        warn(lineno, "line longer than " + std::to_string(kLibpqLineLimit - 2) +
                         " bytes: libpq stops reading the file here and refuses every service not defined above it");
        return false;
      }
      const std::string line = trim(raw);
      if (line.empty() || line[0] == '#') continue;

      if (line[0] == '[') {
        // libpq compares the bytes between "[" and "]" as they are: no
        // trimming, so "[ a ]" is the service " a ".
        const auto close = line.find(']', 1);
        if (close == std::string::npos) {
          warn(lineno, "section header without \"]\": libpq matches no service to it");
          section = Section::Ignored;
          continue;
        }
        const std::string name = line.substr(1, close - 1);
        if (name.empty()) {
          warn(lineno, "empty service name \"[]\": no service can be named so");
          section = Section::Ignored;
          continue;
        }
        if (close + 1 < line.size()) warn(lineno, "libpq ignores the text after \"]\"");
        if (const Target* first = find(name)) {
          warn(lineno, "service \"" + name + "\" is defined again; libpq uses the first definition, line " +
                           std::to_string(first->line));
          section = Section::Ignored;
          continue;
        }
        services.push_back(Target{name, path, lineno, {}, {}, {}, {}});
        seen.clear();
        section = Section::Active;
        continue;
      }

      if (section == Section::None) {
        warn(lineno, "line outside any [service] section: libpq ignores it");
        continue;
      }
      if (section == Section::Ignored) continue;

      Target& target = services.back();
      const std::string refused = " in service \"" + target.name + "\": libpq refuses to connect to it";
      // libpq built with LDAP (Debian's is) treats such a line as an LDAP URL
      // to look the parameters up in.
      if (line.compare(0, 4, "ldap") == 0) continue;
      const auto eq = line.find('=');
      if (eq == std::string::npos) {
        warn(lineno, "not a key=value line" + refused);
        continue;
      }
      const std::string key = line.substr(0, eq);
      if (key == "service") {
        warn(lineno, "nested \"service\" key" + refused);
        continue;
      }
      const auto& keywords = conninfo_keywords();
      if (keywords.count(key) == 0) {
        const std::string trimmed = trim(key);
        if (keywords.count(trimmed) != 0 && trimmed != "service") {
          std::string message = "space around \"=\" after \"" + trimmed + "\"";
          warn(lineno, message += refused);
        } else {
          warn(lineno, describe_key(key) + refused);
        }
        continue;
      }
      if (!seen.insert(key).second) continue;
      // Values are kept exactly as libpq reads them (leading spaces included)
      // so what is displayed is what libpq uses.
      const std::string value = line.substr(eq + 1);
      if (key == "host") target.host = value;
      if (key == "port") target.port = value;
      if (key == "dbname") target.dbname = value;
      if (key == "user") target.user = value;
    }
    return true;
  }
};

}  // namespace

const Target* Inventory::find(const std::string& name) const {
  for (const auto& t : services)
    if (t.name == name) return &t;
  return nullptr;
}

std::string home_directory() {
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0') return home;
  struct passwd pwd {};
  struct passwd* result = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(geteuid(), &pwd, buf.data(), buf.size(), &result) == 0 && result != nullptr &&
      result->pw_dir != nullptr)
    return result->pw_dir;
  return "";
}

std::vector<ServiceFile> service_files() {
  std::vector<ServiceFile> files(2);
  // libpq tests getenv() != NULL, so a set but empty variable still counts.
  if (const char* env = std::getenv("PGSERVICEFILE")) {
    files[0] = {env, "PGSERVICEFILE", ServiceFile::State::Missing};
  } else {
    const std::string home = home_directory();
    files[0] = {home.empty() ? "" : home + "/.pg_service.conf", "home", ServiceFile::State::Missing};
  }
  if (const char* env = std::getenv("PGSYSCONFDIR")) {
    files[1] = {std::string(env) + "/pg_service.conf", "PGSYSCONFDIR", ServiceFile::State::Missing};
  } else {
    files[1] = {PGDBA_PG_SYSCONFDIR "/pg_service.conf", "built-in", ServiceFile::State::Missing};
  }
  return files;
}

Inventory read_inventory(std::vector<ServiceFile> files) {
  Inventory inv;
  inv.files = std::move(files);
  bool earlier_failed = false;  // libpq gives up at the first file it cannot finish
  for (auto& file : inv.files) {
    file.state = ServiceFile::State::Missing;
    struct stat st {};
    // libpq skips a file it cannot stat, silently.
    if (file.path.empty() || stat(file.path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      // libpq's fopen succeeds on a directory and fgets reads nothing, so it
      // moves on to the next file.
      file.state = ServiceFile::State::Unreadable;
      inv.warnings.push_back(file.path + ": is a directory, not a service file");
      continue;
    }
    std::ifstream in(file.path, std::ios::binary);
    if (!in) {
      const std::string why = std::strerror(errno);
      file.state = ServiceFile::State::Unreadable;
      inv.warnings.push_back(file.path + ": cannot read it (" + why +
                             "): libpq refuses every service not defined in an earlier file");
      earlier_failed = true;
      continue;
    }
    file.state = ServiceFile::State::Read;
    std::vector<Target> found;
    Parser parser{file.path, found, inv.warnings};
    const bool complete = parser.parse(in);
    if (earlier_failed) {
      if (!found.empty())
        inv.warnings.push_back(file.path + ": its services are unreachable: libpq stops at the earlier file's error");
    } else {
      for (auto& t : found)
        if (inv.find(t.name) == nullptr) inv.services.push_back(std::move(t));
    }
    if (!complete) earlier_failed = true;
  }
  return inv;
}

Inventory list_services() {
  return read_inventory(service_files());
}

}  // namespace pgdba
