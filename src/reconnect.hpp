// Getting a streaming verb (listen, logs tail --follow) its connection back
// after the server went away: restarted, or the session terminated.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "src/context.hpp"
#include "src/session.hpp"

namespace pgdba {

// A new session of `kind` on the connection's own database, `prepare`d
// (LISTEN again, ...; may be empty), tried every second until it works,
// Ctrl-C, or `deadline` passes (null then). Errors other than a lost or
// refused connection are thrown.
std::unique_ptr<Session> reconnect(Context& ctx, SessionKind kind, const std::function<void(Session&)>& prepare,
                                   std::optional<std::chrono::steady_clock::time_point> deadline);

}  // namespace pgdba
