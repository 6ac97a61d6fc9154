#pragma once
// Turns the calendar times written in log lines into UTC microseconds.
//
//   picket::host::LocalClock clock;                       // the process's zone (the host's, or TZ)
//   auto c = picket::host::LocalClock::fixed(3 * 3600);    // a fixed offset (UTC+3)
//   int64_t t = clock.year_less_to_utc_us(12, 31, 23, 59, 59, 0, now_us);   // "Dec 31 23:59:59"
//
// RFC 3164 and auth.log stamps carry neither year nor zone: the zone is the configured one (host.timezone,
// default the host's) and the year is the one that puts the stamp nearest before `now` (a "Dec 31" line read
// on Jan 1 belongs to last year; a stamp more than a day in the future is taken as last year's).
// Named zones apply to the whole process (set_process_zone, called once at start-up before any thread).
// A LocalClock caches offsets per hour, so give each parser its own copy.
#include <cstdint>
#include <string>
#include <string_view>

namespace picket::host {

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

class LocalClock {
 public:
  LocalClock() = default;  // the process's local zone
  static LocalClock fixed(int32_t offset_seconds);

  // Seconds east of UTC in effect at that local time.
  int64_t to_utc_us(int year, int mon, int day, int hour, int min, int sec, int64_t usec) const;
  int64_t year_less_to_utc_us(int mon, int day, int hour, int min, int sec, int64_t usec, int64_t now_us) const;

 private:
  bool fixed_ = false;
  int32_t fixed_offset_ = 0;
  mutable int64_t cache_key_ = -1;  // local hours since the epoch
  mutable int64_t cache_offset_ = 0;
};

// Validates a zone setting: "" (the host's), "UTC", "+HH:MM"/"-HHMM", or an IANA name present under
// /usr/share/zoneinfo. On success fills `clock` and, for names, sets TZ for the process (start-up only).
bool configure_zone(std::string_view zone, LocalClock* clock, std::string* error);

// Parses "2026-11-30T10:00:00[.ffffff](Z|+hh:mm|+hhmm)" or with a space instead of T; a stamp without zone
// uses `clock`. Returns false when `s` does not start with such a stamp; *used gets the characters eaten.
bool parse_iso8601(std::string_view s, const LocalClock& clock, int64_t* utc_us, size_t* used);

// "Jan".."Dec" -> 1..12, else 0.
int month_from_abbrev(std::string_view s);

}  // namespace picket::host
