#include "src/sql_catalog.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "src/errors.hpp"
#include "src/quote.hpp"

namespace pgdba {

namespace {

struct Catalog {
  struct Entry {
    // A std::string copy, so that sql_text() can hand out a reference that
    // lives as long as the program.
    std::string text;
    const SqlFile* file;
  };
  std::unordered_map<std::string, Entry> by_name;
  std::unordered_map<std::string, std::vector<const SqlFile*>> by_base;  // newest first
};

const Catalog& catalog() {
  static const Catalog c = [] {
    Catalog built;
    for (const auto& f : embedded_sql()) {
      built.by_name.emplace(f.name, Catalog::Entry{f.text, &f});
      built.by_base[f.base].push_back(&f);
    }
    for (auto& entry : built.by_base) {
      std::sort(entry.second.begin(), entry.second.end(),
                [](const SqlFile* a, const SqlFile* b) { return a->min_server > b->min_server; });
    }
    return built;
  }();
  return c;
}

// "14", "14.2", "9.6", "9.6.3": how PostgreSQL names a server_version_num.
std::string version_name(int v) {
  if (v >= 100000) return std::to_string(v / 10000) + (v % 10000 == 0 ? "" : "." + std::to_string(v % 10000));
  const int patch = v % 100;
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) +
         (patch == 0 ? "" : "." + std::to_string(patch));
}

// The newest server a max-server admits: 139999 is "every 13.x", so "13".
std::string newest_name(int max_server) {
  if (max_server >= 100000 && max_server % 10000 == 9999) return std::to_string(max_server / 10000);
  return version_name(max_server);
}

// A running server's version always with its minor ("13.4", "13.0").
std::string server_name(int v) {
  if (v >= 100000) return std::to_string(v / 10000) + "." + std::to_string(v % 10000);
  return version_name(v);
}

}  // namespace

std::vector<const SqlFile*> sql_variants(const std::string& name) {
  const auto& by_base = catalog().by_base;
  const auto it = by_base.find(name);
  return it == by_base.end() ? std::vector<const SqlFile*>{} : it->second;
}

const SqlFile& choose_sql_variant(const std::string& name, const std::vector<const SqlFile*>& variants,
                                  int server_version) {
  if (variants.empty()) throw std::logic_error("no embedded SQL named " + name);
  const SqlFile* best = nullptr;
  int lowest = kNoMaxServer;
  int highest = kNoMinServer;
  for (const SqlFile* f : variants) {
    if (f->min_server <= server_version && server_version <= f->max_server &&
        (best == nullptr || f->min_server > best->min_server))
      best = f;
    lowest = std::min(lowest, f->min_server);
    highest = std::max(highest, f->max_server);
  }
  if (best != nullptr) return *best;

  const std::string what = "the query \"" + name + "\"";
  if (server_version < lowest || server_version > highest) {
    Error e = failure(what + " is not supported on server versions " +
                      (server_version < lowest ? "older than PostgreSQL " + version_name(lowest)
                                               : "newer than PostgreSQL " + newest_name(highest)));
    // The user may not know which server they reached; vacuumdb leaves that
    // out, but it is what they need to see to believe the message.
    e.detail = "the server is PostgreSQL " + server_name(server_version) + " (server_version_num " +
               std::to_string(server_version) + ")";
    throw e;
  }
  // Between the ranges of two variants: a hole in the catalog, which the
  // unit tests forbid, but the user still deserves to know what failed.
  throw failure(what + " is not supported on PostgreSQL " + server_name(server_version));
}

const std::string& sql_text(const std::string& name, int server_version) {
  const auto& c = catalog();
  const auto it = c.by_base.find(name);
  if (it == c.by_base.end()) throw std::logic_error("no embedded SQL named " + name);
  return c.by_name.at(choose_sql_variant(name, it->second, server_version).name).text;
}

const std::string& sql_text(const std::string& name) {
  const auto& c = catalog();
  const auto it = c.by_name.find(name);
  if (it == c.by_name.end()) throw std::logic_error("no embedded SQL named " + name);
  // A name that is one of several variants would run the same text on every
  // server; the two-argument form is the one that chooses.
  const char* base = it->second.file->base;
  if (c.by_base.at(base).size() > 1)
    throw std::logic_error("embedded SQL " + name + " has server version variants; use sql_text(\"" + base +
                           "\", server_version)");
  return it->second.text;
}

std::string with_extension_schema(std::string sql, const std::string& schema) {
  static const std::string placeholder = "@extschema@";
  const std::string quoted = quote_ident(schema);
  for (auto at = sql.find(placeholder); at != std::string::npos; at = sql.find(placeholder, at + quoted.size()))
    sql.replace(at, placeholder.size(), quoted);
  return sql;
}

}  // namespace pgdba
