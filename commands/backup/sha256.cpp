#include "commands/backup/sha256.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "src/errors.hpp"

namespace pgdba::backup {

struct Sha256::State {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : s_(std::make_unique<State>()) {
  s_->ctx = EVP_MD_CTX_new();
  if (s_->ctx == nullptr || EVP_DigestInit_ex(s_->ctx, EVP_sha256(), nullptr) != 1)
    throw failure("cannot start a SHA-256 digest (OpenSSL)");
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(s_->ctx);
}

void Sha256::update(const void* data, std::size_t size) {
  if (EVP_DigestUpdate(s_->ctx, data, size) != 1) throw failure("SHA-256 digest failed (OpenSSL)");
}

std::string Sha256::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(s_->ctx, md, &len) != 1) throw failure("SHA-256 digest failed (OpenSSL)");
  static const char* const digits = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 15];
  }
  return out;
}

std::string sha256_file(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw failure("cannot read \"" + path + "\": " + std::strerror(errno));
  Sha256 h;
  std::vector<unsigned char> buf(1 << 20);
  for (;;) {
    const ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      close(fd);
      throw failure("cannot read \"" + path + "\": " + why);
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
  }
  close(fd);
  return h.hex();
}

}  // namespace pgdba::backup
