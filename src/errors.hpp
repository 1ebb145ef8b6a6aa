// The one error catalog: every failure pgdba reports is an Error whose kind
// maps to the contract's exit codes (cli-contract.md section 4). Only main()
// turns an Error into an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace pgdba {

enum class ErrorKind {
  Failed = 1,   // SQL error, external tool failed, verification failed
  Usage = 2,    // bad option or value, destructive command refused
  Connect = 3,  // could not connect, authenticate, or the connection was lost
  Partial = 4,  // some of several items failed
};

struct Error : std::runtime_error {
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind(kind) {}

  ErrorKind kind;
  std::string sqlstate;
  std::string severity;
  std::string detail;
  std::string hint;
  std::string target;
};

Error usage_error(const std::string& message);
// The same error with "prefix: " in front of its message (and `suffix`
// after it), every other field kept.
Error with_prefix(const Error& e, const std::string& prefix, const std::string& suffix = "");
Error failure(const std::string& message);

// Class 08 (connection exceptions, except 08P01 protocol_violation) and
// 57P01..57P03 (the server going away): exit 3, retry later.
bool is_connection_loss(const std::string& sqlstate);

// Converts whatever a libpqxx call threw into an Error, with `context`
// ("dropping database "x"") put in front of the server's message. The server's
// DETAIL and HINT lines go into their own fields. Call inside a catch block.
[[noreturn]] void rethrow_as_error(const std::string& context);

}  // namespace pgdba
