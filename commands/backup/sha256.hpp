// SHA-256 of backup files, for the manifest and `backup verify`. Pure,
// no dependency beyond the standard library (FIPS 180-4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pgdba::backup {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  // The digest as 64 lowercase hex digits; the object is spent afterwards.
  std::string hex();

 private:
  // `n` 64-byte blocks: SHA-NI instructions where the CPU has them.
  void blocks(const unsigned char* p, std::size_t n);
  void block(const unsigned char* p);
  std::uint32_t h_[8];
  unsigned char buf_[64];
  std::size_t used_ = 0;
  std::uint64_t total_ = 0;
};

// The SHA-256 of a file's contents. Throws a failure naming the file when
// it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace pgdba::backup
