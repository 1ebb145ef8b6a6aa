// listen, notify: LISTEN on channels and print each notification as it
// arrives (a stream: every row written and flushed at once, so a pipe sees
// it; a lost connection is opened again, with a warning), NOTIFY with an
// optional payload.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "src/cancel.hpp"
#include "src/command.hpp"
#include "src/duration.hpp"
#include "src/errors.hpp"
#include "src/format.hpp"
#include "src/log.hpp"
#include "src/quote.hpp"
#include "src/reconnect.hpp"
#include "src/runner.hpp"

namespace pgdba {

namespace {

struct ListenOptions {
  std::vector<std::string> channels;
  std::string timeout;  // "" = no limit
  int count = 0;        // 0 = no limit

  void validate() const {
    if (channels.empty()) throw usage_error("listen needs at least one CHANNEL");
    for (const auto& c : channels)
      check_identifier("channel", c);
    if (count < 0) throw usage_error("--count must be at least 1");
  }
  // Milliseconds; -1 without --timeout.
  long timeout_ms() const {
    if (timeout.empty()) return -1;
    double secs = 0;
    if (timeout.find_first_not_of("0123456789.") == std::string::npos) {
      try {
        secs = std::stod(timeout);
      } catch (const std::exception&) {
        throw usage_error("--timeout takes seconds (5, 0.5) or a duration (30s, 2min): \"" + timeout + "\"");
      }
    } else {
      secs = parse_duration("--timeout", timeout);
    }
    return static_cast<long>(secs * 1000);
  }
};

struct NotifyOptions {
  std::string channel, payload;
};

std::string now_iso() {
  return local_time_text(std::chrono::system_clock::now(), ' ', 6);
}

void run_listen(Context& ctx, const VerbRecord& rec, const ListenOptions& o) {
  o.validate();
  const long timeout = o.timeout_ms();
  if (!ctx.targets().empty()) throw usage_error("listen runs on one database; it cannot be combined with targets");
  Unit u(ctx, rec, "", "", nullptr);
  Session* s = &u.session();
  std::unique_ptr<Session> reopened;  // after a lost connection
  const auto listen_all = [&](Session& on) {
    for (const auto& c : o.channels)
      on.exec("LISTEN " + quote_ident(c), "listening on channel \"" + c + "\"");
    log::info("listening on " + std::to_string(o.channels.size()) + " channel(s) as backend " +
              std::to_string(on.backend_pid()));
  };
  listen_all(*s);
  // -o json is a stream too: one object per line, as jsonl.
  RenderOptions ro = ctx.render_options();
  if (ro.format == Format::Json) ro.format = Format::Jsonl;
  auto sink = make_renderer(ro, stdout);
  sink->start(false);
  sink->begin_table("notifications",
                    {Column{"time", Kind::Timestamp, Kind::Text}, Column{"channel", Kind::Text, Kind::Text},
                     Column{"payload", Kind::Text, Kind::Text}, Column{"pid", Kind::Integer, Kind::Text}});
  sink->flush();
  const auto t0 = std::chrono::steady_clock::now();
  int got = 0;
  for (;;) {
    long left = -1;
    if (timeout >= 0) {
      const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
      left = std::max(0L, timeout - static_cast<long>(spent.count()));
    }
    std::optional<Session::Notification> n;
    try {
      n = s->wait_notification(left);
    } catch (const Error& e) {
      if (e.kind != ErrorKind::Connect) throw;
      log::warn(std::string(e.what()) + "; reconnecting: notifications sent until LISTEN runs again are missed");
      const auto deadline = timeout >= 0 ? std::optional(t0 + std::chrono::milliseconds(timeout)) : std::nullopt;
      reopened = reconnect(ctx, SessionKind::User, listen_all, deadline);
      if (!reopened) break;
      s = reopened.get();
      log::warn("reconnected: listening again");
      continue;
    }
    if (!n) break;
    const std::string time = now_iso();
    const std::string pid = std::to_string(n->pid);
    const CellView cells[] = {{time.data(), time.size(), false},
                              {n->channel.data(), n->channel.size(), false},
                              {n->payload.data(), n->payload.size(), false},
                              {pid.data(), pid.size(), false}};
    sink->row(cells);
    sink->flush();
    if (o.count > 0 && ++got >= o.count) break;
  }
  sink->end_table();
  sink->finish();
}

Result notify(Unit& u, const NotifyOptions& o) {
  Session& s = u.session();
  u.ctx().mutate(s, "SELECT pg_catalog.pg_notify($1, $2)", "notifying channel \"" + o.channel + "\"",
                 {o.channel.c_str(), o.payload.c_str()});
  Table t = action_table();
  add_action(t, "notify", o.channel, u.ctx().dry_run() ? "dry-run" : "sent");
  return {t};
}

}  // namespace

void register_listen(CommandTable& table) {
  auto o = std::make_shared<ListenOptions>();
  Verb listen = table.raw_command("listen",
                                  "LISTEN on channels and print each notification as it arrives (time, channel, "
                                  "payload, sender pid); -o json writes one object per line",
                                  {Need::User, Effect::Read});
  const VerbRecord* rec = &listen.record();
  listen.args("channel", &o->channels, "channels to listen on (as named: no case folding)")
      .option("--timeout", &o->timeout, "stop after this long: seconds (5, 0.5) or a duration (30s, 2min)")
      .option("--count", &o->count, "stop after this many notifications")
      .run([o, rec](Context& ctx) { run_listen(ctx, *rec, *o); });

  table
      .command<NotifyOptions>("notify", "NOTIFY a channel, with an optional payload (pg_notify)",
                              {Need::User, Effect::Change})
      .name_arg("channel", &NotifyOptions::channel, "channel", "channel to notify (as named: no case folding)")
      .arg("payload", &NotifyOptions::payload, "payload text (up to 8000 bytes)", false)
      .run(notify);
}

}  // namespace pgdba
