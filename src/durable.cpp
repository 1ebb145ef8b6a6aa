#include "src/durable.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "src/errors.hpp"

namespace pgdba {

namespace fs = std::filesystem;

void fsync_path(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw failure("cannot open \"" + path + "\" to sync it: " + std::strerror(errno));
  if (fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    close(fd);
    throw failure("cannot sync \"" + path + "\" to disk: " + why);
  }
  close(fd);
}

void fsync_tree(const std::string& path) {
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(path, ec)) {
    if (e.is_regular_file()) fsync_path(e.path().string());
  }
  if (ec) throw failure("cannot list \"" + path + "\": " + ec.message());
  fsync_path(path);
}

void write_stream_atomic(const std::string& path, const std::function<void(int fd)>& write) {
  std::string tmp = path + ".pgdba-XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) throw failure("cannot create a file beside \"" + path + "\": " + std::strerror(errno));
  try {
    write(fd);
    if (fsync(fd) != 0) throw failure("cannot sync \"" + path + "\" to disk: " + std::strerror(errno));
    // mkstemp makes it 0600; the file is as readable as any other.
    const mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
      throw failure("cannot set the mode of \"" + path + "\": " + std::strerror(errno));
    }
    const int closed = close(fd);
    fd = -1;
    if (closed != 0) throw failure("cannot write \"" + path + "\": " + std::strerror(errno));
    rename_durable(tmp, path);
  } catch (...) {
    if (fd >= 0) close(fd);
    remove_quietly(tmp);
    throw;
  }
}

void rename_durable(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    throw failure("cannot rename \"" + from + "\" to \"" + to + "\": " + std::strerror(errno));
  }
  const std::string parent = fs::path(to).parent_path().string();
  fsync_path(parent.empty() ? "." : parent);
}

bool rename_new_durable(const std::string& from, const std::string& to) {
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) return false;
    if (errno != EINVAL && errno != ENOSYS) {
      throw failure("cannot rename \"" + from + "\" to \"" + to + "\": " + std::strerror(errno));
    }
    std::error_code ec;
    if (fs::exists(to, ec)) return false;
    if (std::rename(from.c_str(), to.c_str()) != 0) {
      throw failure("cannot rename \"" + from + "\" to \"" + to + "\": " + std::strerror(errno));
    }
  }
  const std::string parent = fs::path(to).parent_path().string();
  fsync_path(parent.empty() ? "." : parent);
  return true;
}

void write_file_atomic(const std::string& path, const std::string& text, bool replace) {
  const fs::path p(path);
  const std::string tmp =
      (p.parent_path() / ("." + p.filename().string() + ".tmp-" + std::to_string(getpid()))).string();
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw failure("cannot write \"" + path + "\": " + std::strerror(errno));
  std::size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      close(fd);
      remove_quietly(tmp);
      throw failure("cannot write \"" + path + "\": " + why);
    }
    off += static_cast<std::size_t>(n);
  }
  const bool synced = fsync(fd) == 0;
  const int sync_errno = errno;
  if (close(fd) != 0 || !synced) {
    const std::string why = std::strerror(synced ? errno : sync_errno);
    remove_quietly(tmp);
    throw failure("cannot write \"" + path + "\": " + why);
  }
  try {
    if (replace) {
      rename_durable(tmp, path);
    } else if (!rename_new_durable(tmp, path)) {
      throw failure("cannot write \"" + path + "\": it exists");
    }
  } catch (...) {
    remove_quietly(tmp);
    throw;
  }
}

void remove_quietly(const std::string& path) noexcept {
  std::error_code ec;
  fs::remove_all(path, ec);
}

std::string state_home() {
  // The XDG spec ignores a relative XDG_STATE_HOME.
  if (const char* s = std::getenv("XDG_STATE_HOME"); s != nullptr && *s == '/') return std::string(s) + "/pgdba";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.local/state/pgdba";
  }
  return "./pgdba";
}

}  // namespace pgdba
