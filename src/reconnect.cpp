#include "src/reconnect.hpp"

#include <string>
#include <thread>

#include "src/cancel.hpp"
#include "src/errors.hpp"
#include "src/log.hpp"

namespace pgdba {

std::unique_ptr<Session> reconnect(Context& ctx, SessionKind kind, const std::function<void(Session&)>& prepare,
                                   std::optional<std::chrono::steady_clock::time_point> deadline) {
  for (;;) {
    try {
      auto fresh = ctx.open_session("", kind, "");
      if (prepare) prepare(*fresh);
      return fresh;
    } catch (const Error& e) {
      if (e.kind != ErrorKind::Connect) throw;
      log::warn(std::string(e.what()) + "; trying again in 1s");
    }
    for (int i = 0; i < 10; ++i) {
      cancel::check();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (deadline && std::chrono::steady_clock::now() >= *deadline) return nullptr;
  }
}

}  // namespace pgdba
