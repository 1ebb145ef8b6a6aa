// Files that survive a crash: fsync of files and directories, atomic
// replacement, and removal of what a failed backup left.
#pragma once

#include <functional>
#include <string>

namespace pgdba {

// fsync of a file or a directory; throws a failure naming it.
void fsync_path(const std::string& path);
// fsync of every file under a directory (a directory-format dump), then of
// the directory itself.
void fsync_tree(const std::string& path);
// Writes `text` to a temporary file beside `path`, fsyncs it, renames it
// over `path` and fsyncs the directory. On failure the temporary file is
// removed, `path` is untouched, and a failure naming `path` is thrown.
// With `replace` false, an existing `path` is never replaced: a failure.
void write_file_atomic(const std::string& path, const std::string& text, bool replace = true);
// Creates a temporary file beside `path` (mode 0666 less the umask), lets
// `write` fill it through its descriptor, fsyncs it and renames it over
// `path`. If `write` throws or anything fails, the temporary file is
// removed, `path` is untouched, and the error propagates: never a half
// file under the final name.
void write_stream_atomic(const std::string& path, const std::function<void(int fd)>& write);
// rename(2) then fsync of the directory; throws a failure naming both.
void rename_durable(const std::string& from, const std::string& to);
// Like rename_durable, but returns false, having done nothing, when `to`
// exists (renameat2 RENAME_NOREPLACE; where the file system lacks it, a
// check then rename).
bool rename_new_durable(const std::string& from, const std::string& to);
// Removes a file or a whole directory; never throws (cleanup paths).
void remove_quietly(const std::string& path) noexcept;

// Where pgdba keeps state between runs: $XDG_STATE_HOME/pgdba, else
// ~/.local/state/pgdba, else ./pgdba (no HOME). Not created here.
std::string state_home();

}  // namespace pgdba
