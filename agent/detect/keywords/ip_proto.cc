// Keyword 'ip_proto': ip_proto:[!<>]N or a name (tcp, udp, icmp, ipv6-icmp, gre, esp, ah, sctp, igmp).
#include <array>

#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_ip_proto(ParseCtx& ctx, std::string_view value) {
  static constexpr std::array<std::pair<std::string_view, int>, 10> kNames = {{
      {"ip", 0}, {"icmp", 1}, {"igmp", 2}, {"tcp", 6}, {"udp", 17}, {"gre", 47}, {"esp", 50}, {"ah", 51},
      {"ipv6-icmp", 58}, {"sctp", 132}}};
  auto v = trim(value);
  std::string prefix;
  while (!v.empty() && (v.front() == '!' || v.front() == '<' || v.front() == '>')) {
    prefix += v.front();
    v.remove_prefix(1);
  }
  std::string num(v);
  for (auto [n, p] : kNames) {
    if (iequals(n, v)) num = std::to_string(p);
  }
  HeaderCheck h{.kind = HeaderCheck::kIpProto};
  if (!parse_num_cmp(prefix + num, 255, &h.cmp)) return ctx.fail("ip_proto: bad value '" + std::string(trim(value)) + "'");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
