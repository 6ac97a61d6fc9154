#include "agent/host/logparse/clock.h"

#include <sys/stat.h>

#include <cstdlib>
#include <ctime>

namespace picket::host {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool parse_offset(std::string_view s, int32_t* seconds, size_t* used) {
  if (s.empty()) return false;
  if (s[0] == 'Z' || s[0] == 'z') {
    *seconds = 0;
    *used = 1;
    return true;
  }
  if (s[0] != '+' && s[0] != '-') return false;
  int h = 0;
  int m = 0;
  if (!digits(s, 1, 2, &h)) return false;
  size_t p = 3;
  if (p < s.size() && s[p] == ':') ++p;
  if (!digits(s, p, 2, &m)) return false;
  if (h > 23 || m > 59) return false;
  *seconds = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
  *used = p + 2;
  return true;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

LocalClock LocalClock::fixed(int32_t offset_seconds) {
  LocalClock c;
  c.fixed_ = true;
  c.fixed_offset_ = offset_seconds;
  return c;
}

int64_t LocalClock::to_utc_us(int year, int mon, int day, int hour, int min, int sec, int64_t usec) const {
  if (mon < 1 || mon > 12) mon = 1;
  if (day < 1 || day > 31) day = 1;
  const int64_t local_secs =
      days_from_civil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day)) * 86400 + hour * 3600 +
      min * 60 + sec;
  int64_t offset = fixed_offset_;
  if (!fixed_) {
    const int64_t key = local_secs / 3600;
    if (key != cache_key_) {
      std::tm tm{};
      tm.tm_year = year - 1900;
      tm.tm_mon = mon - 1;
      tm.tm_mday = day;
      tm.tm_hour = hour;
      tm.tm_isdst = -1;
      const time_t t = std::mktime(&tm);
      cache_offset_ = t == static_cast<time_t>(-1) ? 0 : tm.tm_gmtoff;
      cache_key_ = key;
    }
    offset = cache_offset_;
  }
  return (local_secs - offset) * 1000000 + usec;
}

int64_t LocalClock::year_less_to_utc_us(int mon, int day, int hour, int min, int sec, int64_t usec,
                                        int64_t now_us) const {
  const time_t now = static_cast<time_t>(now_us / 1000000);
  std::tm tm{};
  gmtime_r(&now, &tm);
  int year = tm.tm_year + 1900;
  int64_t t = to_utc_us(year, mon, day, hour, min, sec, usec);
  if (t > now_us + int64_t{86400} * 1000000) t = to_utc_us(year - 1, mon, day, hour, min, sec, usec);
  return t;
}

bool configure_zone(std::string_view zone, LocalClock* clock, std::string* error) {
  if (zone.empty() || zone == "local") {
    *clock = LocalClock();
    return true;
  }
  if (zone == "UTC" || zone == "utc" || zone == "Z") {
    *clock = LocalClock::fixed(0);
    return true;
  }
  int32_t off = 0;
  size_t used = 0;
  if (parse_offset(zone, &off, &used)) {
    if (used != zone.size()) {
      *error = "bad UTC offset '" + std::string(zone) + "' (expected +HH:MM)";
      return false;
    }
    *clock = LocalClock::fixed(off);
    return true;
  }
  const std::string name(zone);
  if (name.find("..") != std::string::npos || name[0] == '/') {
    *error = "bad time zone name '" + name + "'";
    return false;
  }
  struct stat st {};
  if (::stat(("/usr/share/zoneinfo/" + name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    *error = "unknown time zone '" + name + "' (no /usr/share/zoneinfo/" + name + ")";
    return false;
  }
  ::setenv("TZ", name.c_str(), 1);
  ::tzset();
  *clock = LocalClock();
  return true;
}

bool parse_iso8601(std::string_view s, const LocalClock& clock, int64_t* utc_us, size_t* used) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, &y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, &mo) || s[7] != '-' ||
      !digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, &h) || s[13] != ':' ||
      !digits(s, 14, 2, &mi) || s[16] != ':' || !digits(s, 17, 2, &se)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  size_t p = 19;
  int64_t usec = 0;
  if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
    ++p;
    int64_t scale = 100000;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      usec += (s[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
  }
  int32_t off = 0;
  size_t oused = 0;
  if (parse_offset(s.substr(p), &off, &oused)) {
    p += oused;
    const int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                         h * 3600 + mi * 60 + se - off;
    *utc_us = secs * 1000000 + usec;
  } else {
    *utc_us = clock.to_utc_us(y, mo, d, h, mi, se, usec);
  }
  *used = p;
  return true;
}

int month_from_abbrev(std::string_view s) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() < 3) return 0;
  for (int i = 0; i < 12; ++i) {
    const auto& m = kMonths[i];
    if ((s[0] | 0x20) == (m[0] | 0x20) && (s[1] | 0x20) == m[1] && (s[2] | 0x20) == m[2]) return i + 1;
  }
  return 0;
}

}  // namespace picket::host
