// Real webshell rules from the shared corpus detect harmless sample files the test writes itself: plain
// text documents (.txt) quoting the strings the rules look for, never executable pages. Tests
// agent/yara/file_scan.cc, scanner.cc and alerts.cc end to end with the corpus rules.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "agent/yara/alerts.h"
#include "agent/yara/file_scan.h"
#include "agent/yara/rules.h"
#include "agent/yara/tree_scan.h"
#include "tests/support/process.h"

namespace picket::yara {
namespace {
namespace fs = std::filesystem;

class WebshellRules : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string c = picket::test::corpus_dir();
    if (c.empty() || !fs::exists(c + "/yara")) {
      if (picket::test::in_ci()) {
        FAIL() << "shared corpus missing (CI=true)";
      }
      GTEST_SKIP() << "shared corpus not found beside the repository (../shared/corpus)";
    }
    auto r = compile_rules({c + "/yara/signature-base/yara/thor-webshells.yar",
                            c + "/yara/signature-base/yara/gen_webshells.yar",
                            c + "/yara/signature-base/yara/gen_webshells_ext_vars.yar",
                            c + "/yara/yara-rules/webshells"});
    ASSERT_TRUE(r.failed.empty()) << r.diag.format();
    rules_ = r.rules;
  }

  std::set<std::string> scan(const std::string& path, std::vector<v1::Alert>* alerts = nullptr) {
    Scanner s(rules_);
    FileFacts facts;
    std::vector<RuleMatch> matches;
    EXPECT_EQ(scan_file(&s, path, {}, &facts, &matches), FileScanStatus::kScanned);
    std::set<std::string> ids;
    for (const auto& m : matches) {
      ids.insert(m.rule_namespace + ":" + m.rule);
      if (alerts != nullptr) {
        alerts->push_back(yara_file_alert(m, facts));
      }
    }
    return ids;
  }

  picket::test::TempDir tmp_;
  std::shared_ptr<const RuleSet> rules_;
};

// thor-webshells.yar: webshell_PHP_sql ("all of them": two lines of a SQL-manager web shell).
TEST_F(WebshellRules, ThorWebshellPhpSql) {
  std::string p = tmp_.write("notes/sql-report.txt",
                             "Incident notes. Lines seen in the uploaded file:\n"
                             "$result=mysql_list_tables($db) or die (\"$h_error<b>\".mysql_error().\"</b>$f_\n"
                             "print \"<a href=\\\"$_SERVER[PHP_SELF]?s=$s&login=$login&passwd=$passwd&\n");
  std::vector<v1::Alert> alerts;
  auto ids = scan(p, &alerts);
  ASSERT_TRUE(ids.count("thor-webshells:webshell_PHP_sql")) << ::testing::PrintToString(ids);
  const v1::Alert* a = nullptr;
  for (const auto& x : alerts) {
    if (x.rule().rule_id() == "thor-webshells:webshell_PHP_sql") {
      a = &x;
    }
  }
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->rule().engine(), v1::ENGINE_YARA);
  EXPECT_EQ(a->rule().title(), "webshell_PHP_sql");
  EXPECT_EQ(a->rule().category(), "thor-webshells");
  EXPECT_EQ(a->rule().severity(), 2u);  // score = 70
  EXPECT_EQ(a->rule().metadata().at("description").values(0), "Web Shell - file sql.php");
  EXPECT_EQ(a->file().path(), p);
  EXPECT_EQ(a->file().size(), fs::file_size(p));
  EXPECT_EQ(a->file().sha256().size(), 64u);
  EXPECT_EQ(a->file().yara_namespace(), "thor-webshells");
  ASSERT_EQ(a->file().strings_size(), 2);
  EXPECT_EQ(a->file().strings(0).identifier(), "$s0");
  EXPECT_EQ(a->file().strings(0).offset(), 49u);
  EXPECT_EQ(a->file().strings(0).data().size(), 64u);  // capped at yara.max-match-data
  EXPECT_EQ(a->file().strings(0).data().substr(0, 8), "$result=");
}

// thor-webshells.yar: webshell_asp_cmd ("1 of them", fullword): one line of the classic cmd.asp.
TEST_F(WebshellRules, ThorWebshellAspCmd) {
  std::string p = tmp_.write("asp-report.txt",
                             "Quoted from the analysed page:\n"
                             "Set oFileSys = Server.CreateObject(\"Scripting.FileSystemObject\")\n"
                             "(end of quote)\n");
  auto ids = scan(p);
  EXPECT_TRUE(ids.count("thor-webshells:webshell_asp_cmd")) << ::testing::PrintToString(ids);
}

// Yara-Rules WShell_ChinaChopper.yar: webshell_ChinaChopper_php (hex pattern of the one-line PHP shell).
TEST_F(WebshellRules, YaraRulesChinaChopperPhp) {
  std::string p = tmp_.write("chopper.txt", "The one-liner was: <?php @eval($_POST['password']);?> (quoted)\n");
  auto ids = scan(p);
  EXPECT_TRUE(ids.count("WShell_ChinaChopper:webshell_ChinaChopper_php")) << ::testing::PrintToString(ids);
}

// A benign page matches none of the webshell rules.
TEST_F(WebshellRules, BenignPageMatchesNothing) {
  std::string p = tmp_.write("index.html", "<html><body><h1>Ministry of Finance</h1><p>Opening hours</p></body></html>\n");
  EXPECT_TRUE(scan(p).empty());
}

// The tree scan finds each sample once, on two threads.
TEST_F(WebshellRules, TreeScanFindsEverySample) {
  tmp_.write("a/1.txt", "x <?php @eval($_POST['password']);?> y\n");
  tmp_.write("a/b/2.txt", "Set oFileSys = Server.CreateObject(\"Scripting.FileSystemObject\")\n");
  tmp_.write("a/b/3.html", "<html>hello</html>\n");
  std::mutex mu;
  std::set<std::pair<std::string, std::string>> found;
  auto stats = scan_tree({tmp_.file("a")}, rules_, {.threads = 2},
                         [&](const FileFacts& f, const RuleMatch& m) {
                           std::lock_guard lock(mu);
                           found.insert({fs::path(f.path).filename().string(), m.rule});
                         });
  EXPECT_EQ(stats.files, 3u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_TRUE(found.count({"1.txt", "webshell_ChinaChopper_php"}));
  EXPECT_TRUE(found.count({"2.txt", "webshell_asp_cmd"}));
  for (const auto& [file, rule] : found) {
    EXPECT_NE(file, "3.html") << rule;
  }
}

}  // namespace
}  // namespace picket::yara
