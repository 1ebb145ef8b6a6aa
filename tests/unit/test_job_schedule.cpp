// A plan's schedule as cron and systemd read it.
#include <catch2/catch.hpp>

#include "commands/job/schedule.hpp"
#include "src/errors.hpp"

using pgdba::parse_schedule;

TEST_CASE("job schedule: each form means the same to cron and to OnCalendar", "[job]") {
  auto s = parse_schedule("daily 02:30");
  CHECK(s.cron == "30 2 * * *");
  CHECK(s.on_calendar == "*-*-* 02:30:00");
  CHECK(s.period == 86400);
  s = parse_schedule("daily");
  CHECK(s.cron == "0 0 * * *");
  s = parse_schedule("weekly sun 03:05");
  CHECK(s.cron == "5 3 * * 0");
  CHECK(s.on_calendar == "Sun *-*-* 03:05:00");
  CHECK(parse_schedule("weekly").cron == "0 0 * * 1");
  CHECK(parse_schedule("minutely").cron == "* * * * *");
  CHECK(parse_schedule("hourly").on_calendar == "*-*-* *:00:00");
  s = parse_schedule("every 15 min");
  CHECK(s.cron == "*/15 * * * *");
  CHECK(s.on_calendar == "*-*-* *:00/15:00");
  CHECK(s.period == 900);
  s = parse_schedule("every 6 h");
  CHECK(s.cron == "0 */6 * * *");
  CHECK(s.on_calendar == "*-*-* 00/6:00:00");
  CHECK(parse_schedule("monthly").cron == "0 0 1 * *");
}

TEST_CASE("job schedule: anything else is refused, naming the forms", "[job]") {
  for (const char* bad : {"", "daily 25:00", "daily 2:30pm", "weekly funday", "every 7 min", "every 5 h", "every x min",
                          "0 2 * * *", "yearly"}) {
    INFO(bad);
    try {
      parse_schedule(bad);
      FAIL("accepted");
    } catch (const pgdba::Error& e) {
      CHECK(e.kind == pgdba::ErrorKind::Usage);
      CHECK(std::string(e.what()).find("daily [HH:MM]") != std::string::npos);
    }
  }
}
