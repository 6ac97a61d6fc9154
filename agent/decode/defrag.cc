#include "agent/decode/defrag.h"

#include <algorithm>
#include <cstring>

#include "agent/decode/checksum.h"

namespace picket::decode {

size_t Defragmenter::KeyHash::operator()(const Key& k) const {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      h ^= p[i];
      h *= 1099511628211ull;
    }
  };
  mix(k.src.bytes, 16);
  mix(k.dst.bytes, 16);
  h ^= (uint64_t{k.id} << 8) | k.proto;
  h *= 1099511628211ull;
  return static_cast<size_t>(h);
}

void Defragmenter::release(Tracker& t) {
  mem_ -= t.data.capacity() + t.header.capacity();
}

Defragmenter::Result Defragmenter::add(const IpAddr& src, const IpAddr& dst, uint32_t id, uint8_t next_proto,
                                       bool more, uint32_t offset, std::span<const uint8_t> unfrag_header,
                                       std::span<const uint8_t> data, int64_t ts_us, Anomaly* why,
                                       bool* overlap) {
  *overlap = false;
  const uint32_t end = offset + static_cast<uint32_t>(data.size());
  const uint32_t max_payload = 65535 - (src.family == 4 ? 20 : 0);
  if (end > max_payload) {
    *why = Anomaly::kFragTooLarge;
    return Result::kDropped;
  }
  Key key{src, dst, id, next_proto};
  auto it = trackers_.find(key);
  if (it == trackers_.end()) {
    if (trackers_.size() >= limits_.max_trackers) {
      *why = Anomaly::kFragMemcap;
      return Result::kDropped;
    }
    it = trackers_.emplace(key, Tracker{}).first;
    it->second.family = src.family;
  }
  Tracker& t = it->second;
  t.last_us = ts_us;
  if (++t.frags > limits_.max_frags) {
    release(t);
    trackers_.erase(it);
    *why = Anomaly::kFragTooMany;
    return Result::kDropped;
  }
  if (!more) {
    if (t.seen_last && t.total != end) *overlap = true;  // two different ends: keep the first
    if (!t.seen_last) {
      t.seen_last = true;
      t.total = end;
    }
  }
  if (offset == 0 && t.header.empty()) {
    mem_ += unfrag_header.size();
    t.header.assign(unfrag_header.begin(), unfrag_header.end());
  }
  // Grow the data buffer, within the memory cap.
  if (end > t.data.size()) {
    uint64_t grow = end - t.data.size();
    if (mem_ + grow > limits_.memcap) {
      release(t);
      trackers_.erase(it);
      *why = Anomaly::kFragMemcap;
      return Result::kDropped;
    }
    size_t before = t.data.capacity();
    t.data.resize(end);
    mem_ += t.data.capacity() - before;
  }
  // First wins: copy only into holes; compare the overlapping parts.
  uint32_t pos = offset;
  std::vector<std::pair<uint32_t, uint32_t>> merged;
  merged.reserve(t.have.size() + 1);
  for (const auto& r : t.have) {
    if (r.second <= pos || r.first >= end) continue;
    if (r.first > pos) {
      std::memcpy(t.data.data() + pos, data.data() + (pos - offset), r.first - pos);
    }
    uint32_t ob = std::max(r.first, offset), oe = std::min(r.second, end);
    if (oe > ob && std::memcmp(t.data.data() + ob, data.data() + (ob - offset), oe - ob) != 0) *overlap = true;
    pos = std::max(pos, r.second);
    if (pos >= end) break;
  }
  if (pos < end) std::memcpy(t.data.data() + pos, data.data() + (pos - offset), end - pos);
  // Merge the new range into the sorted list.
  bool placed = false;
  for (const auto& r : t.have) {
    if (!placed && offset < r.first) {
      merged.emplace_back(offset, end);
      placed = true;
    }
    merged.push_back(r);
  }
  if (!placed) merged.emplace_back(offset, end);
  t.have.clear();
  for (const auto& r : merged) {
    if (!t.have.empty() && r.first <= t.have.back().second) {
      t.have.back().second = std::max(t.have.back().second, r.second);
    } else {
      t.have.push_back(r);
    }
  }
  if (t.seen_last && !t.header.empty() && t.have.size() == 1 && t.have[0].first == 0 &&
      t.have[0].second >= t.total) {
    bool ok = build(t, next_proto);
    release(t);
    trackers_.erase(it);
    if (!ok) {
      *why = Anomaly::kFragTooLarge;
      return Result::kDropped;
    }
    return Result::kComplete;
  }
  return Result::kHeld;
}

bool Defragmenter::build(const Tracker& t, uint8_t proto) {
  size_t hl = t.header.size();
  size_t total = hl + t.total;
  if (t.family == 4) {
    if (total > 65535 || hl < 20) return false;
    out_.assign(t.header.begin(), t.header.end());
    out_.insert(out_.end(), t.data.begin(), t.data.begin() + t.total);
    out_[2] = static_cast<uint8_t>(total >> 8);
    out_[3] = static_cast<uint8_t>(total);
    out_[6] = 0;  // clear MF and offset (keep nothing of DF: the datagram is whole)
    out_[7] = 0;
    out_[10] = out_[11] = 0;
    uint16_t c = csum_fold(csum_add(0, std::span<const uint8_t>(out_.data(), hl)));
    out_[10] = static_cast<uint8_t>(c >> 8);
    out_[11] = static_cast<uint8_t>(c);
    return true;
  }
  // IPv6: the 40-byte fixed header, next header = the fragment's upper protocol, payload length updated.
  if (hl < 40 || t.total > 65535) return false;
  out_.assign(t.header.begin(), t.header.begin() + 40);
  out_.insert(out_.end(), t.data.begin(), t.data.begin() + t.total);
  out_[4] = static_cast<uint8_t>(t.total >> 8);
  out_[5] = static_cast<uint8_t>(t.total);
  out_[6] = proto;
  return true;
}

unsigned Defragmenter::expire(int64_t now_us) {
  unsigned n = 0;
  for (auto it = trackers_.begin(); it != trackers_.end();) {
    if (now_us - it->second.last_us > limits_.timeout_us) {
      release(it->second);
      it = trackers_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

}  // namespace picket::decode
