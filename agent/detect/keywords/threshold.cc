// Keyword 'threshold': threshold:type limit|threshold|both, track by_src|by_dst|by_rule|by_both,
// count N, seconds T. limit: at most N alerts per T seconds; threshold: every Nth match; both: once
// per T seconds after N matches.
#include "agent/detect/keywords/threshold_opts.h"

#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_threshold_opts(std::string_view value, bool need_type, Threshold* out, std::string* err) {
  Threshold t;
  bool have_type = false, have_track = false, have_count = false, have_seconds = false;
  for (auto item : split_top(value, ',')) {
    auto sp = item.find_first_of(" \t");
    if (sp == std::string_view::npos) {
      *err = "expected 'name value', got '" + std::string(item) + "'";
      return false;
    }
    auto k = trim(item.substr(0, sp));
    auto v = trim(item.substr(sp + 1));
    uint64_t n = 0;
    if (k == "type" && need_type) {
      have_type = true;
      if (v == "limit") {
        t.type = Threshold::kLimit;
      } else if (v == "threshold") {
        t.type = Threshold::kThreshold;
      } else if (v == "both") {
        t.type = Threshold::kBoth;
      } else {
        *err = "unknown type '" + std::string(v) + "'";
        return false;
      }
    } else if (k == "track") {
      have_track = true;
      if (v == "by_src") {
        t.track = Threshold::kBySrc;
      } else if (v == "by_dst") {
        t.track = Threshold::kByDst;
      } else if (v == "by_rule") {
        t.track = Threshold::kByRule;
      } else if (v == "by_both") {
        t.track = Threshold::kByBoth;
      } else if (v == "by_flow") {
        t.track = Threshold::kByFlow;
      } else {
        *err = "unknown track '" + std::string(v) + "'";
        return false;
      }
    } else if (k == "count" && parse_uint(v, &n) && n <= UINT32_MAX) {
      have_count = true;
      t.count = static_cast<uint32_t>(n);
    } else if (k == "seconds" && parse_uint(v, &n) && n <= UINT32_MAX) {
      have_seconds = true;
      t.seconds = static_cast<uint32_t>(n);
    } else {
      *err = "bad option '" + std::string(item) + "'";
      return false;
    }
  }
  if ((need_type && !have_type) || !have_track || !have_count || !have_seconds) {
    *err = need_type ? "needs type, track, count and seconds" : "needs track, count and seconds";
    return false;
  }
  if (!need_type) t.type = Threshold::kDetectionFilter;
  if (t.count == 0 && t.type != Threshold::kLimit) {
    *err = "count must be at least 1";
    return false;
  }
  *out = t;
  return true;
}

bool parse_threshold(ParseCtx& ctx, std::string_view value) {
  if (ctx.rule.threshold.type != Threshold::kNone) return ctx.fail("threshold given twice");
  std::string err;
  if (!parse_threshold_opts(value, true, &ctx.rule.threshold, &err)) return ctx.fail("threshold: " + err);
  if (ctx.rule.threshold.track == Threshold::kByFlow) return ctx.fail("threshold: track by_flow is not valid here");
  return true;
}

}  // namespace picket::detect
