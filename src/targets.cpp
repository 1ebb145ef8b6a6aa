#include "src/targets.hpp"

#include <set>

#include "src/errors.hpp"
#include "src/text.hpp"

namespace pgdba {

namespace {

// A long fleet would turn an error line into a wall of names.
constexpr std::size_t kMaxNamesShown = 30;

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < kMaxNamesShown; ++i)
    out += (i == 0 ? "" : ", ") + quoted(names[i]);
  if (names.size() > kMaxNamesShown) out += " and " + std::to_string(names.size() - kMaxNamesShown) + " more";
  return out;
}

// "a or b": the service files that were read, for "not a service in ...".
std::string files_read(const Inventory& inv) {
  std::vector<std::string> paths;
  for (const auto& f : inv.files)
    if (f.state == ServiceFile::State::Read) paths.push_back(f.path);
  if (paths.empty()) return "any service file";
  std::string out;
  for (std::size_t i = 0; i < paths.size(); ++i)
    out += (i == 0 ? "" : i + 1 == paths.size() ? " or " : ", ") + paths[i];
  return out;
}

// Every file looked at and what became of it, for "no services at all".
std::string files_looked_at(const Inventory& inv) {
  std::string out;
  for (const auto& f : inv.files) {
    std::string what;
    if (f.path.empty()) {
      what = "no user service file (no home directory)";
    } else if (f.state == ServiceFile::State::Missing) {
      what = f.path + ": not found";
    } else if (f.state == ServiceFile::State::Unreadable) {
      what = f.path + ": unreadable";
    } else {
      what = f.path + ": no services";
    }
    out += (out.empty() ? "" : "; ") + what;
  }
  return out;
}

Error no_services(const std::string& what, const Inventory& inv) {
  Error e = usage_error(what + ": no services are defined (" + files_looked_at(inv) + ")");
  e.hint = "a target is a [name] section of pg_service.conf; PGSERVICEFILE and PGSYSCONFDIR choose the files";
  return e;
}

std::vector<std::string> service_names(const Inventory& inv) {
  std::vector<std::string> names;
  for (const auto& t : inv.services)
    names.push_back(t.name);
  return names;
}

std::string config_name(const Config& cfg) {
  return cfg.path.empty() ? "the config file" : cfg.path;
}

}  // namespace

std::vector<std::string> resolve_targets(const TargetRequest& req, const Inventory& services, const Config& cfg) {
  std::vector<std::string> out;
  if (req.all_targets) {
    // Refused rather than merged: "--all-targets --group prod" reads like a
    // filter, and guessing wrong would run on the whole fleet.
    if (!req.targets.empty() || !req.groups.empty())
      throw usage_error("--all-targets cannot be combined with --target or --group");
    if (services.services.empty()) throw no_services("--all-targets", services);
    return service_names(services);
  }

  std::set<std::string> seen;
  const auto add = [&](const std::string& name) {
    if (seen.insert(name).second) out.push_back(name);
  };

  for (const auto& value : req.targets) {
    if (trim(value).empty()) throw usage_error("--target needs a service name");
    std::size_t start = 0;
    for (;;) {
      const auto comma = value.find(',', start);
      const std::string name =
          trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (name.empty()) throw usage_error("--target " + quoted(value) + ": empty service name");
      if (services.find(name) == nullptr) {
        if (services.services.empty()) throw no_services("unknown target " + quoted(name), services);
        throw usage_error("unknown target " + quoted(name) + ": not a service in " + files_read(services) +
                          " (known: " + quoted_list(service_names(services)) + ")");
      }
      add(name);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }

  for (const auto& group : req.groups) {
    const auto it = cfg.groups.find(group);
    if (it == cfg.groups.end()) {
      if (!cfg.found) {
        Error e = usage_error("unknown group " + quoted(group) + ": there is no config file (" +
                              (cfg.path.empty() ? "no home directory" : cfg.path + " not found") + ")");
        e.hint = "groups are defined in the config file's [groups] table; PGDBA_CONFIG chooses the file";
        throw e;
      }
      if (cfg.groups.empty())
        throw usage_error("unknown group " + quoted(group) + ": " + cfg.path + " defines no groups");
      std::vector<std::string> known;
      for (const auto& [name, members] : cfg.groups) {
        (void)members;
        known.push_back(name);
      }
      throw usage_error("unknown group " + quoted(group) + " (known groups: " + quoted_list(known) + ")");
    }
    if (it->second.empty()) throw usage_error("group " + quoted(group) + " in " + config_name(cfg) + " is empty");
    for (const auto& name : it->second) {
      if (services.find(name) == nullptr) {
        throw usage_error("group " + quoted(group) + " in " + config_name(cfg) + " names " + quoted(name) +
                          ", which is not a service in " + files_read(services));
      }
      add(name);
    }
  }
  return out;
}

}  // namespace pgdba
