// Snapshots of the correlation engine's state (collector/correlate/engine.h). Written in a compact binary
// format (state_binary.cc); restore() also reads the JSON snapshots (raw bytes in hex) of earlier versions.
#include <nlohmann/json.hpp>

#include "collector/correlate/engine_impl.h"

namespace picket::collector::correlate {

using nlohmann::json;

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto b = static_cast<uint8_t>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string unhex(std::string_view text) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

namespace {

constexpr int kVersion = 1;  // JSON

Member member_from(const json& j) {
  return {.agent_key = unhex(j.at(0).get<std::string>()), .epoch = unhex(j.at(1).get<std::string>()),
          .seq = j.at(2).get<uint64_t>()};
}

}  // namespace

Status Engine::restore(std::string_view blob) {
  if (blob.substr(0, kMagicPrefix.size()) == kMagicPrefix) {
    if (blob.size() <= kMagicPrefix.size()) return Error{.message = "correlation state: truncated"};
    const int version = static_cast<uint8_t>(blob[kMagicPrefix.size()]);
    if (version != 2 && version != 3) return Error{.message = "correlation state: unknown version"};
    return restore_binary(blob.substr(kMagicPrefix.size() + 1), version);
  }
  // Version 1: JSON with raw bytes in hex (collectors before the binary format).
  Impl& m = *impl_;
  json root = json::parse(blob, nullptr, false);
  if (root.is_discarded() || !root.is_object()) return Error{.message = "correlation state: not valid JSON"};
  try {
    if (root.value("version", 0) != kVersion) return Error{.message = "correlation state: unknown version"};
    m.max_seen = root.at("max_seen").get<int64_t>();
    m.order = root.at("order").get<uint64_t>();
    m.stream_seq.assign(m.stream_seq.size(), 0);
    if (root.contains("streams")) {
      for (auto it = root["streams"].begin(); it != root["streams"].end(); ++it) {
        Member mb;
        if (!parse_member_key(unhex(it.key()) + "\x1f" "0", &mb)) continue;
        m.stream_seq[m.stream_id(mb.agent_key, mb.epoch)] = it.value().get<uint64_t>();
      }
    }
    const json& rules = root.at("rules");
    for (RuleRuntime& r : m.rt) {
      r.groups.clear();
      auto it = rules.find(r.qualified);
      if (it == rules.end()) continue;
      for (const json& jg : *it) {
        Group g;
        g.values = jg.at("values").get<std::map<std::string, std::string>>();
        g.max_t = jg.at("max_t").get<int64_t>();
        g.ref_last.assign(r.rule.rules.size(), INT64_MIN);
        for (const json& ji : jg.at("items")) {
          Item item;
          item.t = ji.at("t").get<int64_t>();
          item.first_t = ji.value("f", item.t);
          item.order = ji.at("o").get<uint64_t>();
          item.ref = ji.at("r").get<int>();
          if (item.ref < 0 || static_cast<size_t>(item.ref) >= r.rule.rules.size()) continue;
          item.value = unhex(ji.at("v").get<std::string>());
          item.agent = m.names.id(ji.at("a").get<std::string>());
          item.org = m.names.id(ji.at("g").get<std::string>());
          item.severity = ji.at("s").get<uint32_t>();
          std::vector<MemberId> members;
          for (const json& jm : ji.at("m")) {
            const Member mb = member_from(jm);
            members.push_back({.stream = m.stream_id(mb.agent_key, mb.epoch), .seq = mb.seq});
          }
          if (members.size() == 1) {
            item.one = members.front();
          } else {
            item.many = std::make_shared<const std::vector<MemberId>>(std::move(members));
          }
          if (r.rule.type == CorrelationType::kValueCount) {
            auto& last = g.value_last[item.value];
            last = std::max(last, item.t);
          }
          auto& rl = g.ref_last[static_cast<size_t>(item.ref)];
          rl = std::max(rl, item.t);
          g.items.push_back(std::move(item));
        }
        if (jg.contains("inc")) {
          const json& ji = jg.at("inc");
          ActiveIncident inc;
          inc.id = ji.at("id").get<std::string>();
          inc.first_us = ji.at("first").get<int64_t>();
          inc.last_us = ji.at("last").get<int64_t>();
          inc.last_emit_us = ji.at("emit").get<int64_t>();
          inc.severity = ji.at("sev").get<uint32_t>();
          inc.agents = ji.at("agents").get<std::set<std::string>>();
          inc.orgs = ji.at("orgs").get<std::set<std::string>>();
          for (const auto& a : inc.agents) inc.agent_ids.insert(m.names.id(a));
          for (const auto& o : inc.orgs) inc.org_ids.insert(m.names.id(o));
          for (const json& k : ji.at("keys")) {
            Member mb;
            if (!parse_member_key(unhex(k.get<std::string>()), &mb)) continue;
            inc.member_keys.insert({.stream = m.stream_id(mb.agent_key, mb.epoch), .seq = mb.seq});
          }
          g.inc = std::move(inc);
        }
        auto placed = r.groups.emplace(unhex(jg.at("key").get<std::string>()), std::move(g)).first;
        placed->second.rebuild_value_index();
      }
    }
  } catch (const json::exception& e) {
    for (RuleRuntime& r : m.rt) r.groups.clear();
    m.max_seen = INT64_MIN;
    return Error{.message = std::string("correlation state: ") + e.what()};
  }
  return {};
}

}  // namespace picket::collector::correlate
