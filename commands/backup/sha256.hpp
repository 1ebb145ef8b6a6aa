// SHA-256 of backup files, for the manifest and `backup verify`, through
// OpenSSL's libcrypto (already linked by libpq; it uses the CPU's SHA
// instructions where there are any).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace pgdba::backup {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size);
  // The digest as 64 lowercase hex digits; the object is spent afterwards.
  std::string hex();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// The SHA-256 of a file's contents. Throws a failure naming the file when
// it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace pgdba::backup
