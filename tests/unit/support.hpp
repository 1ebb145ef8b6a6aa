// Helpers the unit tests share: a temporary directory and scoped
// environment variables.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace unit {

namespace fs = std::filesystem;

// A directory for one test's files, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/pgdba_unit_test_XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path_ = name;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, ec);
    fs::remove_all(path_, ec);
  }
  // Writes `content` byte for byte to `name` in the directory; returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    fs::create_directories(fs::path(p).parent_path());
    std::ofstream out(p, std::ios::binary);
    out << content;
    REQUIRE(out.good());
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Sets (or with nullopt unsets) environment variables for one scope and puts
// the caller's values back afterwards, so tests do not leak into each other.
class EnvGuard {
 public:
  EnvGuard& set(const std::string& name, const std::optional<std::string>& value) {
    if (saved_.end() == std::find_if(saved_.begin(), saved_.end(), [&](const auto& s) { return s.first == name; })) {
      const char* old = std::getenv(name.c_str());
      saved_.emplace_back(name, old == nullptr ? std::nullopt : std::optional<std::string>(old));
    }
    if (value) {
      setenv(name.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
    return *this;
  }
  ~EnvGuard() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) {
        setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        unsetenv(it->first.c_str());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace unit
