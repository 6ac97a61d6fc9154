#include "agent/detect/threshold.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "agent/detect/keywords/threshold_opts.h"
#include "agent/detect/util.h"

namespace picket::detect {
namespace {

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

uint64_t addr_hash(const IpAddr& a) { return static_cast<uint64_t>(a.v) ^ static_cast<uint64_t>(a.v >> 64); }

bool parse_ids(const std::vector<std::string_view>& parts, uint32_t* gid, uint32_t* sid, std::string* err) {
  bool g = false, s = false;
  for (auto p : parts) {
    uint64_t v = 0;
    if (p.starts_with("gen_id") && parse_uint(p.substr(6), &v) && v <= UINT32_MAX) {
      *gid = static_cast<uint32_t>(v);
      g = true;
    } else if (p.starts_with("sig_id") && parse_uint(p.substr(6), &v) && v <= UINT32_MAX) {
      *sid = static_cast<uint32_t>(v);
      s = true;
    }
  }
  if (!g || !s) *err = "needs gen_id and sig_id";
  return g && s;
}

}  // namespace

ThresholdConfig ThresholdConfig::parse(std::string_view text, const std::string& file, const Vars& vars,
                                       Diagnostics* diag) {
  ThresholdConfig cfg;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    auto line = trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    auto sp = line.find_first_of(" \t");
    auto kind = line.substr(0, sp);
    auto rest = sp == std::string_view::npos ? std::string_view{} : trim(line.substr(sp + 1));
    std::string err;
    auto bad = [&](const std::string& msg) {
      if (diag != nullptr) {
        diag->add(Error{.file = file, .line = line_no, .message = std::string(kind) + ": " + msg, .reason = "threshold.config"});
      }
    };
    auto parts = split_top(rest, ',');
    if (kind == "suppress") {
      SuppressEntry e;
      if (!parse_ids(parts, &e.gid, &e.sid, &err)) {
        bad(err);
        continue;
      }
      bool ok = true;
      for (auto p : parts) {
        if (p.starts_with("track")) {
          auto v = trim(p.substr(5));
          e.track = v == "by_src" ? 1 : v == "by_dst" ? 2 : v == "by_either" ? 3 : -1;
          if (e.track < 0) ok = false, err = "unknown track '" + std::string(v) + "'";
        } else if (p.starts_with("ip")) {
          if (!parse_addr(trim(p.substr(2)), vars, &e.ips, &err)) ok = false;
        } else if (!p.starts_with("gen_id") && !p.starts_with("sig_id")) {
          ok = false, err = "unknown option '" + std::string(p) + "'";
        }
      }
      if (ok && e.track != 0 && e.ips.empty()) ok = false, err = "track needs ip";
      if (!ok) {
        bad(err);
        continue;
      }
      cfg.suppress.push_back(std::move(e));
    } else if (kind == "threshold" || kind == "event_filter" || kind == "rate_filter") {
      ThresholdEntry e;
      if (!parse_ids(parts, &e.gid, &e.sid, &err)) {
        bad(err);
        continue;
      }
      std::string opts;
      bool ok = true;
      for (auto p : parts) {
        if (p.starts_with("gen_id") || p.starts_with("sig_id")) continue;
        if (kind == "rate_filter" && p.starts_with("new_action")) {
          e.new_action = std::string(trim(p.substr(10)));
          if (e.new_action != "alert" && e.new_action != "drop" && e.new_action != "pass" && e.new_action != "reject") {
            ok = false, err = "unknown new_action";
          }
          continue;
        }
        uint64_t v = 0;
        if (kind == "rate_filter" && p.starts_with("timeout")) {
          if (!parse_uint(p.substr(7), &v) || v > UINT32_MAX) ok = false, err = "bad timeout";
          e.timeout = static_cast<uint32_t>(v);
          continue;
        }
        if (!opts.empty()) opts += ",";
        opts += std::string(p);
      }
      if (!ok) {
        bad(err);
        continue;
      }
      e.rate_filter = kind == "rate_filter";
      if (e.rate_filter) {
        if (!parse_threshold_opts(opts, false, &e.t, &err)) {
          bad(err);
          continue;
        }
        if (e.new_action.empty()) {
          bad("needs new_action");
          continue;
        }
      } else if (!parse_threshold_opts(opts, true, &e.t, &err)) {
        bad(err);
        continue;
      }
      cfg.thresholds.push_back(std::move(e));
    } else {
      bad("unknown directive");
    }
  }
  return cfg;
}

ThresholdConfig ThresholdConfig::load(const std::string& path, const Vars& vars, Diagnostics* diag) {
  if (path.empty()) return {};
  std::ifstream in(path);
  if (!in) {
    if (diag != nullptr) diag->add(Error{.file = path, .message = "cannot open threshold file", .reason = "unreadable"});
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path, vars, diag);
}

bool Thresholds::apply(const Threshold& t, uint64_t key, int64_t ts) {
  auto& s = states_[key];
  const int64_t window = static_cast<int64_t>(t.seconds) * 1000000;
  bool fresh = s.count == 0 || ts - s.first_us >= window;
  switch (t.type) {
    case Threshold::kLimit:
      if (fresh) {
        s.first_us = ts;
        s.count = 1;
      } else {
        s.count++;
      }
      return s.count <= t.count;
    case Threshold::kThreshold:
      if (fresh) {
        s.first_us = ts;
        s.count = 1;
      } else {
        s.count++;
      }
      if (s.count >= t.count) {
        s.count = 0;
        return true;
      }
      return false;
    case Threshold::kBoth:
      if (fresh) {
        s.first_us = ts;
        s.count = 1;
      } else {
        s.count++;
      }
      return s.count == t.count;
    case Threshold::kDetectionFilter:
      if (fresh) {
        s.first_us = ts;
        s.count = 1;
      } else {
        s.count++;
      }
      return s.count > t.count;
    case Threshold::kNone:
      return true;
  }
  return true;
}

bool Thresholds::apply_distinct(const Threshold& t, uint64_t key, int64_t ts, uint16_t port) {
  auto& d = distinct_[key];
  const int64_t window = static_cast<int64_t>(t.seconds) * 1000000;
  if (d.ports.empty() || ts - d.first_us >= window) {
    // A new window starts with this packet's port as its first distinct one.
    d.first_us = ts;
    d.ports.assign(1, port);
  } else if (d.ports.size() <= t.count) {
    auto it = std::lower_bound(d.ports.begin(), d.ports.end(), port);
    if (it == d.ports.end() || *it != port) d.ports.insert(it, port);
  }
  // As detection_filter: alerts once the distinct count exceeds `count`, for the rest of the window.
  return d.ports.size() > t.count;
}

bool Thresholds::apply_rate(const ThresholdEntry& e, uint64_t key, int64_t ts) {
  auto& s = states_[key];
  if (s.blocked_until_us > ts) return e.new_action != "pass";
  const int64_t window = static_cast<int64_t>(e.t.seconds) * 1000000;
  if (s.count == 0 || ts - s.first_us >= window) {
    s.first_us = ts;
    s.count = 1;
  } else {
    s.count++;
  }
  if (s.count > e.t.count) {
    s.blocked_until_us = ts + static_cast<int64_t>(e.timeout) * 1000000;
    // The agent only watches: drop/reject still alert; pass silences.
    return e.new_action != "pass";
  }
  return true;
}

bool Thresholds::decide(const Rule& rule, const IpAddr& src, const IpAddr& dst, uint64_t flow_id, int64_t ts,
                        uint16_t sp, uint16_t dp) {
  for (const auto& s : cfg_.suppress) {
    if ((s.sid != 0 && s.sid != rule.sid) || (s.gid != 0 && s.gid != rule.gid)) continue;
    if (s.track == 0) return false;
    if ((s.track == 1 || s.track == 3) && s.ips.contains(src)) return false;
    if ((s.track == 2 || s.track == 3) && s.ips.contains(dst)) return false;
  }
  auto key_for = [&](const Threshold& t, uint64_t salt) {
    uint64_t h = mix(mix(salt, rule.sid), rule.gid);
    switch (t.track) {
      case Threshold::kBySrc: return mix(h, addr_hash(src));
      case Threshold::kByDst: return mix(h, addr_hash(dst));
      case Threshold::kByBoth: return mix(mix(h, addr_hash(src)), addr_hash(dst));
      case Threshold::kByFlow: return mix(h, flow_id);
      case Threshold::kByRule: return h;
    }
    return h;
  };
  std::lock_guard lock(mu_);
  // A threshold.config entry for the sid replaces the rule's own threshold keyword.
  const ThresholdEntry* cfg_t = nullptr;
  for (const auto& e : cfg_.thresholds) {
    if (e.rate_filter) continue;
    if ((e.sid == rule.sid || e.sid == 0) && (e.gid == rule.gid || e.gid == 0)) {
      if (cfg_t == nullptr || e.sid != 0) cfg_t = &e;
    }
  }
  if (rule.detection_filter.type != Threshold::kNone) {
    const auto& df = rule.detection_filter;
    const bool pass = df.unique_on == Threshold::kUniqueNone
                          ? apply(df, key_for(df, 1), ts)
                          : apply_distinct(df, key_for(df, 1), ts, df.unique_on == Threshold::kUniqueSrcPort ? sp : dp);
    if (!pass) return false;
  }
  if (cfg_t != nullptr) {
    if (!apply(cfg_t->t, key_for(cfg_t->t, 2), ts)) return false;
  } else if (rule.threshold.type != Threshold::kNone && !apply(rule.threshold, key_for(rule.threshold, 3), ts)) {
    return false;
  }
  for (const auto& e : cfg_.thresholds) {
    if (!e.rate_filter) continue;
    if ((e.sid == rule.sid || e.sid == 0) && (e.gid == rule.gid || e.gid == 0)) {
      if (!apply_rate(e, key_for(e.t, 4), ts)) return false;
    }
  }
  return true;
}

}  // namespace picket::detect
