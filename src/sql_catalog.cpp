#include "src/sql_catalog.hpp"

#include <stdexcept>
#include <unordered_map>

namespace pgdba {

const std::string& sql_text(const std::string& name) {
  static const auto by_name = [] {
    std::unordered_map<std::string, std::string> m;
    for (const auto& f : embedded_sql())
      m.emplace(f.name, f.text);
    return m;
  }();
  const auto it = by_name.find(name);
  if (it == by_name.end()) throw std::logic_error("no embedded SQL named " + name);
  return it->second;
}

}  // namespace pgdba
