#include "commands/job/schedule.hpp"

#include <cstdio>
#include <sstream>
#include <vector>

#include "src/errors.hpp"

namespace pgdba {

namespace {

Error bad(const std::string& text) {
  return usage_error("schedule \"" + text +
                     "\": use minutely, hourly, daily [HH:MM], weekly [mon..sun] [HH:MM], monthly, every N min "
                     "or every N h (N dividing an hour or a day)");
}

// "HH:MM" -> hour and minute.
bool clock(const std::string& s, int& h, int& m) {
  char rest = 0;
  return std::sscanf(s.c_str(), "%d:%d%c", &h, &m, &rest) == 2 && h >= 0 && h < 24 && m >= 0 && m < 60;
}

std::string two(int n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

}  // namespace

JobSchedule parse_schedule(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> w;
  for (std::string word; in >> word;)
    w.push_back(word);
  if (w.empty()) throw bad(text);
  JobSchedule s;
  int h = 0, m = 0;
  if (w.size() == 1 && w[0] == "minutely") return {"* * * * *", "*-*-* *:*:00", 60};
  if (w.size() == 1 && w[0] == "hourly") return {"0 * * * *", "*-*-* *:00:00", 3600};
  if (w.size() == 1 && w[0] == "monthly") return {"0 0 1 * *", "*-*-01 00:00:00", 30 * 86400.0};
  if (w[0] == "daily" && w.size() <= 2) {
    if (w.size() == 2 && !clock(w[1], h, m)) throw bad(text);
    return {std::to_string(m) + " " + std::to_string(h) + " * * *", "*-*-* " + two(h) + ":" + two(m) + ":00", 86400};
  }
  if (w[0] == "weekly" && w.size() <= 3) {
    static const char* days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    static const char* names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    int day = 1;  // Monday, as systemd's "weekly"
    std::size_t i = 1;
    if (i < w.size() && w[i].find(':') == std::string::npos) {
      day = -1;
      for (int d = 0; d < 7; ++d)
        if (w[i] == days[d]) day = d;
      if (day < 0) throw bad(text);
      ++i;
    }
    if (i < w.size() && !clock(w[i++], h, m)) throw bad(text);
    if (i != w.size()) throw bad(text);
    return {std::to_string(m) + " " + std::to_string(h) + " * * " + std::to_string(day),
            std::string(names[day]) + " *-*-* " + two(h) + ":" + two(m) + ":00", 7 * 86400.0};
  }
  if (w[0] == "every" && w.size() == 3) {
    int n = 0;
    char rest = 0;
    if (std::sscanf(w[1].c_str(), "%d%c", &n, &rest) != 1 || n < 1) throw bad(text);
    if ((w[2] == "min" || w[2] == "minutes") && 60 % n == 0) {
      if (n == 1) return {"* * * * *", "*-*-* *:*:00", 60};
      return {"*/" + std::to_string(n) + " * * * *", "*-*-* *:00/" + std::to_string(n) + ":00", n * 60.0};
    }
    if ((w[2] == "h" || w[2] == "hours") && 24 % n == 0) {
      return {"0 */" + std::to_string(n) + " * * *", "*-*-* 00/" + std::to_string(n) + ":00:00", n * 3600.0};
    }
  }
  throw bad(text);
}

}  // namespace pgdba
