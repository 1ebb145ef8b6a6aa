#include "commands/objects/relation.hpp"

#include "src/errors.hpp"
#include "src/quote.hpp"
#include "src/sql_catalog.hpp"

namespace pgdba {

std::string RelationRef::qualified() const {
  return quote_qualified(schema, name);
}

std::optional<RelationRef> find_relation(Unit& u, const std::string& name) {
  // The user's session: names resolve on their search_path, as in psql.
  Session& user = u.session(SessionKind::User);
  const Rows r = user.exec(sql_text("objects/resolve_relation"), {name.c_str()}, "resolving " + name);
  if (r.empty()) return std::nullopt;
  RelationRef rel;
  rel.oid = r[0]["oid"].str();
  rel.schema = r[0]["schema"].str();
  rel.name = r[0]["name"].str();
  const std::string kind = r[0]["kind"].str();
  rel.kind = kind.empty() ? '?' : kind[0];
  return rel;
}

RelationRef require_relation(Unit& u, const std::string& name, const std::string& kinds, const std::string& what) {
  const auto rel = find_relation(u, name);
  if (!rel || kinds.find(rel->kind) == std::string::npos) {
    std::string db = u.session(SessionKind::User).dbname();
    Error e = failure(what + " \"" + name + "\" does not exist in database \"" + db + "\"" +
                      (rel ? " (it is " + with_article(relkind_name(rel->kind)) + ")" : ""));
    e.sqlstate = rel ? "42809" : "42P01";
    std::string folded = name;
    for (char& c : folded)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!rel && name.find('"') == std::string::npos && folded != name)
      e.hint = "names are read as SQL spells them: write \"" + name + "\" in double quotes to keep upper case";
    throw e;
  }
  return *rel;
}

std::vector<std::string> split_names(const std::vector<std::string>& lists, const std::string& what) {
  std::vector<std::string> out;
  for (const auto& list : lists) {
    std::size_t i = 0;
    const std::size_t n = list.size();
    while (i <= n) {
      while (i < n && list[i] == ' ')
        ++i;
      std::string name;
      if (i < n && list[i] == '"') {
        ++i;
        bool closed = false;
        while (i < n) {
          if (list[i] == '"') {
            if (i + 1 < n && list[i + 1] == '"') {
              name += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          name += list[i++];
        }
        if (!closed) throw usage_error("unterminated double quote in " + what + " list: " + list);
        while (i < n && list[i] == ' ')
          ++i;
        if (i < n && list[i] != ',') throw usage_error("expected a comma after \"" + name + "\" in " + what + " list");
      } else {
        const std::size_t comma = list.find(',', i);
        const std::size_t end = comma == std::string::npos ? n : comma;
        name = list.substr(i, end - i);
        while (!name.empty() && name.back() == ' ')
          name.pop_back();
        i = end;
      }
      check_identifier(what, name);
      out.push_back(name);
      ++i;  // past the comma (or the end)
    }
  }
  return out;
}

std::string user_sql(const std::string& text) {
  return "(" + text + ")";
}
std::string user_sql_text(const std::string& text) {
  return text;
}

ColumnSpec parse_column_spec(const std::string& spec) {
  std::size_t i = spec.find_first_not_of(" \t\n");
  if (i == std::string::npos) throw usage_error("--column is empty: give \"name type [constraints]\"");
  ColumnSpec c;
  if (spec[i] == '"') {
    ++i;
    bool closed = false;
    while (i < spec.size()) {
      if (spec[i] == '"') {
        if (i + 1 < spec.size() && spec[i + 1] == '"') {
          c.name += '"';
          i += 2;
          continue;
        }
        ++i;
        closed = true;
        break;
      }
      c.name += spec[i++];
    }
    if (!closed) throw usage_error("unterminated double quote in --column " + spec);
  } else {
    const std::size_t end = spec.find_first_of(" \t\n", i);
    c.name = spec.substr(i, end == std::string::npos ? std::string::npos : end - i);
    i = end == std::string::npos ? spec.size() : end;
  }
  check_identifier("column", c.name);
  const std::size_t rest = spec.find_first_not_of(" \t\n", i);
  if (rest == std::string::npos || rest == i) {
    if (rest == std::string::npos) throw usage_error("--column \"" + c.name + "\" has no type: give \"name type\"");
    throw usage_error("expected a space after the column name in --column " + spec);
  }
  c.definition = spec.substr(rest);
  return c;
}

std::string with_article(const std::string& noun) {
  const bool vowel = !noun.empty() && std::string("aeiou").find(noun[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + noun;
}

std::string relkind_name(char kind) {
  switch (kind) {
    case 'r':
      return "table";
    case 'p':
      return "partitioned table";
    case 'v':
      return "view";
    case 'm':
      return "materialized view";
    case 'f':
      return "foreign table";
    case 'i':
      return "index";
    case 'I':
      return "partitioned index";
    case 'S':
      return "sequence";
    case 'c':
      return "composite type";
    case 't':
      return "TOAST table";
    default:
      return "relation";
  }
}

}  // namespace pgdba
