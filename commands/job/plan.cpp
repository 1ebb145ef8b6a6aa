#include "commands/job/plan.hpp"
#include "commands/job/schedule.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

// Kept out of plan.hpp: toml++ is a large header.
#include <toml++/toml.h>

#include "src/duration.hpp"
#include "src/errors.hpp"

namespace pgdba {

namespace {

class PlanReader {
 public:
  explicit PlanReader(std::string path) : path_(std::move(path)) {}

  Error error(const toml::node& at, const std::string& message) const {
    const auto& where = at.source().begin;
    return usage_error(path_ + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " + message);
  }

  void only_keys(const toml::table& t, const std::set<std::string>& known, const std::string& where) const {
    for (auto&& [key, node] : t) {
      if (known.count(std::string(key.str())) != 0) continue;
      std::string list;
      for (const auto& k : known)
        list += (list.empty() ? "" : ", ") + k;
      throw error(node, "unknown key \"" + std::string(key.str()) + "\"" + where + " (known: " + list + ")");
    }
  }

  std::string text(const toml::node& n, const std::string& name) const {
    if (!n.is_string()) throw error(n, name + " must be a string");
    return n.as_string()->get();
  }

  std::vector<std::string> texts(const toml::node& n, const std::string& name) const {
    const toml::array* a = n.as_array();
    if (a == nullptr) throw error(n, name + " must be an array of strings");
    std::vector<std::string> out;
    for (const auto& item : *a)
      out.push_back(text(item, name + "'s elements"));
    return out;
  }

  JobStep step(const toml::node& n, std::size_t index) const {
    const toml::table* t = n.as_table();
    if (t == nullptr) throw error(n, "each step must be a table ([[step]])");
    const std::string where = " in step " + std::to_string(index + 1);
    only_keys(*t, {"command", "name", "on_failure", "targets", "timeout"}, where);
    JobStep s;
    s.name = "step" + std::to_string(index + 1);
    if (const toml::node* v = t->get("name")) s.name = text(*v, "name");
    if (s.name.empty()) throw error(n, "the name" + where + " is empty");
    const toml::node* cmd = t->get("command");
    if (cmd == nullptr) throw error(n, "step \"" + s.name + "\" has no command");
    s.command = texts(*cmd, "command");
    if (s.command.empty()) throw error(*cmd, "the command of step \"" + s.name + "\" is empty");
    // A plan that runs plans would hold its own lock, or another plan's.
    if (s.command[0] == "job") throw error(*cmd, "step \"" + s.name + "\" runs job: plans do not nest");
    if (const toml::node* v = t->get("timeout")) {
      try {
        s.timeout = parse_duration("timeout", text(*v, "timeout"));
      } catch (const Error& e) {
        throw error(*v, "step \"" + s.name + "\": " + e.what());
      }
      if (*s.timeout <= 0) throw error(*v, "the timeout of step \"" + s.name + "\" must be more than 0");
    }
    if (const toml::node* v = t->get("on_failure")) {
      const std::string policy = text(*v, "on_failure");
      if (policy != "stop" && policy != "continue")
        throw error(*v, "on_failure of step \"" + s.name + "\" must be stop or continue, not \"" + policy + "\"");
      s.continue_on_failure = policy == "continue";
    }
    if (const toml::node* v = t->get("targets")) s.targets = texts(*v, "targets");
    return s;
  }

 private:
  std::string path_;
};

std::string stem(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  const std::size_t dot = base.rfind(".toml");
  if (dot != std::string::npos && dot + 5 == base.size() && dot > 0) base.resize(dot);
  return base;
}

}  // namespace

JobPlan parse_job_plan(const std::string& text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw usage_error(path + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                      std::string(e.description()));
  }
  const PlanReader r(path);
  r.only_keys(root, {"lock_file", "name", "report", "schedule", "step", "textfile"}, "");
  JobPlan plan;
  plan.path = path;
  plan.name = stem(path);
  if (const toml::node* v = root.get("name")) plan.name = r.text(*v, "name");
  if (plan.name.empty()) throw usage_error(path + ": the plan's name is empty");
  if (const toml::node* v = root.get("schedule")) {
    plan.schedule = r.text(*v, "schedule");
    try {
      parse_schedule(plan.schedule);  // a typo is found by job run too, not first by cron
    } catch (const Error& e) {
      throw usage_error(path + ": " + e.what());
    }
  }
  if (const toml::node* v = root.get("lock_file")) plan.lock_file = r.text(*v, "lock_file");
  if (const toml::node* v = root.get("report")) plan.report = r.text(*v, "report");
  if (const toml::node* v = root.get("textfile")) plan.textfile = r.text(*v, "textfile");
  const toml::node* steps = root.get("step");
  if (steps == nullptr) throw usage_error(path + ": the plan has no steps ([[step]] tables)");
  const toml::array* list = steps->as_array();
  if (list == nullptr) throw r.error(*steps, "step must be an array of tables ([[step]])");
  std::set<std::string> names;
  for (std::size_t i = 0; i < list->size(); ++i) {
    JobStep s = r.step(*list->get(i), i);
    if (!names.insert(s.name).second) throw r.error(*list->get(i), "two steps are named \"" + s.name + "\"");
    plan.steps.push_back(std::move(s));
  }
  if (plan.steps.empty()) throw usage_error(path + ": the plan has no steps ([[step]] tables)");
  return plan;
}

JobPlan read_job_plan(const std::string& path) {
  // A missing plan is a missing object (exit 1), like a missing table.
  std::ifstream in(path, std::ios::binary);
  if (!in) throw failure("cannot read plan " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw failure("cannot read plan " + path + ": " + std::strerror(errno));
  return parse_job_plan(text.str(), path);
}

std::string default_lock_file(const JobPlan& plan) {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  const std::string dir = runtime != nullptr && runtime[0] == '/' ? runtime : "/tmp";
  std::string where = plan.path;
  if (char* real = realpath(plan.path.c_str(), nullptr)) {
    where = real;
    std::free(real);
  }
  std::string safe;
  for (char c : plan.name)
    safe += std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ? c : '_';
  // FNV-1a: the same name from every build, unlike std::hash.
  unsigned long long h = 14695981039346656037ULL;
  for (char c : where)
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", h);
  return dir + "/pgdba-job-" + safe + "-" + hash + ".lock";
}

}  // namespace pgdba
