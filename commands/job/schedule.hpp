// A plan's schedule, as the scheduler lines `job cron` and `job systemd`
// print it. Pure.
//
//   minutely | hourly | daily [HH:MM] | weekly [mon..sun] [HH:MM] | monthly
//   every N min | every N h          (N divides an hour or a day)
//
// One grammar for both schedulers, small enough that each form means the
// same to cron and to systemd's OnCalendar.
#pragma once

#include <string>

namespace pgdba {

struct JobSchedule {
  std::string cron;         // "30 2 * * *"
  std::string on_calendar;  // "*-*-* 02:30:00"
  double period = 0;        // seconds between runs, for the randomized delay
};

// Throws a usage Error naming the schedule for anything else.
JobSchedule parse_schedule(const std::string& text);

}  // namespace pgdba
