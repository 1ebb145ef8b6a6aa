#include "src/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "src/errors.hpp"
#include "src/format.hpp"

namespace pgdba::log {

namespace {

// %J: the message as a JSON string, for --log-format json.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string s;
    append_json_string(s, std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(s.data(), s.data() + s.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

std::shared_ptr<spdlog::logger>& logger() {
  static std::shared_ptr<spdlog::logger> l = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto lg = std::make_shared<spdlog::logger>("pgdba", sink);
    lg->set_pattern("pgdba: %l: %v");
    lg->set_level(spdlog::level::warn);
    return lg;
  }();
  return l;
}

std::string& write_failed() {
  static std::string why;
  return why;
}

spdlog::level::level_enum to_spd(Level l) {
  switch (l) {
    case Level::Error:
      return spdlog::level::err;
    case Level::Warn:
      return spdlog::level::warn;
    case Level::Info:
      return spdlog::level::info;
    case Level::Debug:
      return spdlog::level::debug;
  }
  return spdlog::level::warn;
}

}  // namespace

void configure(const Settings& s) {
  std::vector<spdlog::sink_ptr> sinks{std::make_shared<spdlog::sinks::stderr_sink_mt>()};
  sinks[0]->set_level(to_spd(s.level));
  if (!s.file.empty()) {
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(s.file));
    } catch (const spdlog::spdlog_ex& e) {
      throw usage_error("cannot open log file \"" + s.file + "\": " + e.what());
    }
  }
  auto lg = std::make_shared<spdlog::logger>("pgdba", sinks.begin(), sinks.end());
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<JsonMessageFlag>('J');
  formatter->set_pattern(s.json ? R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","message":%J})"
                                : (s.file.empty() ? "pgdba: %l: %v" : "%Y-%m-%d %H:%M:%S.%e pgdba: %l: %v"));
  lg->set_formatter(std::move(formatter));
  lg->flush_on(spdlog::level::debug);
  write_failed().clear();
  // spdlog's default handler prints "[*** LOG ERROR ***]" and carries on.
  lg->set_error_handler([](const std::string& msg) {
    if (write_failed().empty()) write_failed() = msg.empty() ? "write error" : msg;
  });
  logger() = lg;
  if (!s.file.empty()) {
    // One line per run, so a log file that cannot be written (a full disk,
    // /dev/full) is refused before the command does anything.
    lg->set_level(spdlog::level::info);
    lg->info(s.start_line.empty() ? std::string("started") : s.start_line);
    if (!write_failed().empty()) {
      const std::string why = write_failed();
      logger() = std::make_shared<spdlog::logger>("pgdba", std::make_shared<spdlog::sinks::stderr_sink_mt>());
      throw usage_error("cannot write log file \"" + s.file + "\": " + why + "; nothing was run");
    }
  }
  lg->set_level(to_spd(s.level));
}

std::string failure() {
  return write_failed();
}

bool enabled(Level level) {
  return logger()->should_log(to_spd(level));
}
void error(const std::string& m) {
  logger()->error(m);
}
void warn(const std::string& m) {
  logger()->warn(m);
}
void info(const std::string& m) {
  logger()->info(m);
}
void debug(const std::string& m) {
  logger()->debug(m);
}

}  // namespace pgdba::log
