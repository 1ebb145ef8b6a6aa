// The audit's control table against its SQL: every control is found by the
// query it names, and every id a query returns is a control of that query,
// so a typo in either cannot make a control silently never fire.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

#include "commands/audit/controls.hpp"
#include "src/sql_catalog.hpp"

using namespace pgdba;

TEST_CASE("audit controls: ids are well formed, unique, in order, and at least 60", "[audit]") {
  const auto& all = audit_controls();
  CHECK(all.size() >= 60);
  std::string last;
  for (const auto& c : all) {
    INFO(c.id);
    CHECK(is_audit_id(c.id));
    CHECK(std::string(c.id) > last);
    last = c.id;
    CHECK(severity_rank(c.severity) < 5);
    CHECK(std::string(c.title).size() > 0);
    CHECK(std::string(c.recommendation).size() > 0);
    CHECK(find_audit_control(c.id) == &c);
  }
  CHECK(find_audit_control("PGDBA-SEC-999") == nullptr);
  CHECK(is_audit_id("PGDBA-SEC-123"));
  for (const char* bad : {"PGDBA-SEC-12", "PGDBA-SEC-1234", "pgdba-sec-123", "PGDBA-SEC-12a", "", "PGDBA-SEC-"})
    CHECK_FALSE(is_audit_id(bad));
  CHECK(audit_controls_text().find("PGDBA-SEC-001") != std::string::npos);
}

TEST_CASE("audit controls: each control's id is in its query, and each query's ids are its controls", "[audit]") {
  std::set<std::string> queries;
  for (const auto& c : audit_controls()) {
    INFO(c.id << " in sql/" << c.query << ".sql");
    const auto variants = sql_variants(c.query);
    REQUIRE(!variants.empty());
    queries.insert(c.query);
    for (const SqlFile* f : variants)
      CHECK(std::string(f->text).find(std::string("'") + c.id + "'") != std::string::npos);
  }
  const std::regex id("PGDBA-SEC-[0-9]{3}");
  for (const auto& q : queries) {
    for (const SqlFile* f : sql_variants(q)) {
      const std::string text = f->text;
      for (auto m = std::sregex_iterator(text.begin(), text.end(), id); m != std::sregex_iterator(); ++m) {
        INFO(m->str() << " in sql/" << f->name << ".sql");
        const AuditControl* c = find_audit_control(m->str());
        REQUIRE(c != nullptr);
        CHECK(std::string(c->query) == q);
      }
    }
  }
}
