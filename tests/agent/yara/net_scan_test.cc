// Tests agent/yara/net_scan.cc: network content (an uploaded file in an HTTP POST body) is scanned with
// the flow in the alert, within the per-flow byte budget.
#include <gtest/gtest.h>

#include "agent/yara/net_scan.h"
#include "agent/yara/rules.h"
#include "tests/support/process.h"

namespace picket::yara {
namespace {

std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class NetScan : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_.write("r/net.yar",
               "rule php_upload : webshell { meta: severity = 1 strings: $e = \"<?php @eval(\" "
               "condition: $e and extension == \".php\" }\n");
    auto r = compile_rules({tmp_.file("r")});
    ASSERT_TRUE(r.diag.ok()) << r.diag.format();
    store_->set(r.rules);
    net_.set_flow_id(42);
    net_.set_src_ip("192.0.2.7");
    net_.set_dest_ip("198.51.100.1");
    net_.set_dest_port(80);
    net_.set_proto("TCP");
    net_.set_app_proto("http");
    net_.mutable_http()->set_url("/upload/shell.php?x=1");
    net_.mutable_http()->set_http_method("POST");
  }
  picket::test::TempDir tmp_;
  std::shared_ptr<RuleStore> store_ = std::make_shared<RuleStore>();
  v1::NetworkInfo net_;
};

TEST_F(NetScan, HttpBodyMatchCarriesTheFlow) {
  NetContentScanner scanner(store_, {.max_bytes_per_flow = 1024});
  FlowScanBudget budget;
  std::vector<v1::Alert> alerts;
  size_t n = scanner.scan(budget, bytes("junk <?php @eval($_POST['p']); ?>"), net_,
                          [&](v1::Alert a) { alerts.push_back(std::move(a)); });
  ASSERT_EQ(n, 1u);
  ASSERT_EQ(alerts.size(), 1u);
  const auto& a = alerts[0];
  EXPECT_EQ(a.rule().rule_id(), "net:php_upload");
  EXPECT_EQ(a.rule().severity(), 1u);
  EXPECT_EQ(a.net().flow_id(), 42u);
  EXPECT_EQ(a.net().http().url(), "/upload/shell.php?x=1");
  EXPECT_EQ(a.file().yara_namespace(), "net");
  EXPECT_EQ(a.file().strings(0).offset(), 5u);
  EXPECT_TRUE(a.file().path().empty());
  // The extension external came from the URL: another URL does not match.
  net_.mutable_http()->set_url("/upload/readme.txt");
  EXPECT_EQ(scanner.scan(budget, bytes("<?php @eval($x);"), net_, nullptr), 0u);
}

TEST_F(NetScan, PerFlowByteCap) {
  NetContentScanner scanner(store_, {.max_bytes_per_flow = 40});
  FlowScanBudget budget;
  std::string padding(30, 'A');
  EXPECT_EQ(scanner.scan(budget, bytes(padding), net_, nullptr), 0u);
  // Only 10 bytes of budget left: the marker lies beyond it.
  EXPECT_EQ(scanner.scan(budget, bytes("0123456789<?php @eval($_GET[1]);"), net_, nullptr), 0u);
  EXPECT_EQ(budget.scanned, 40u);
  EXPECT_EQ(budget.truncated, 22u);
  EXPECT_EQ(scanner.scan(budget, bytes("<?php @eval($_GET[1]);"), net_, nullptr), 0u);
  EXPECT_EQ(scanner.stats().bytes_over_cap, 44u);
  // A new flow has a fresh budget.
  FlowScanBudget other;
  EXPECT_EQ(scanner.scan(other, bytes("<?php @eval($_GET[1]);"), net_, nullptr), 1u);
}

TEST_F(NetScan, NoRulesNoCrash) {
  auto empty = std::make_shared<RuleStore>();
  NetContentScanner scanner(empty, {});
  FlowScanBudget budget;
  EXPECT_EQ(scanner.scan(budget, bytes("<?php @eval("), net_, nullptr), 0u);
  EXPECT_EQ(scanner.scan(budget, {}, net_, nullptr), 0u);
}

}  // namespace
}  // namespace picket::yara
