// Tests agent/yara/rules.cc, rule_cache.cc, rule_store.cc, externals.cc, sighup.cc and service.cc's reload.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "agent/yara/externals.h"
#include "agent/yara/rule_cache.h"
#include "agent/yara/rule_store.h"
#include "agent/yara/rules.h"
#include "agent/yara/scanner.h"
#include "agent/yara/service.h"
#include "agent/yara/sighup.h"
#include "tests/support/process.h"

namespace picket::yara {
namespace {
namespace fs = std::filesystem;

std::string yara_corpus() {
  std::string c = picket::test::corpus_dir();
  return c.empty() ? c : c + "/yara";
}

#define REQUIRE_CORPUS(dir)                                                              \
  if ((dir).empty() || !fs::exists(dir)) {                                               \
    if (picket::test::in_ci()) FAIL() << "shared corpus missing (CI=true)";              \
    GTEST_SKIP() << "shared corpus not found beside the repository (../shared/corpus)"; \
  }

size_t count_rule_files(const std::string& dir) {
  size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    auto ext = e.path().extension();
    n += e.is_regular_file() && (ext == ".yar" || ext == ".yara");
  }
  return n;
}

std::vector<std::string> match_names(Scanner& s, std::string_view data) {
  std::vector<RuleMatch> m;
  EXPECT_TRUE(s.scan(std::span(reinterpret_cast<const uint8_t*>(data.data()), data.size()), &m));
  std::vector<std::string> names;
  for (const auto& r : m) {
    names.push_back(r.rule_namespace + ":" + r.rule);
  }
  return names;
}

// Every file of the shared YARA corpus compiles: with the THOR/LOKI external variables defined, none is
// rejected. The include-only index files of Yara-Rules are skipped in folder mode (their rules are loaded
// from the files they include) and compile when named on their own.
TEST(YaraRules, EveryCorpusFileCompiles) {
  std::string dir = yara_corpus();
  REQUIRE_CORPUS(dir);
  auto r = compile_rules({dir});
  for (const auto& e : r.diag.errors()) {
    ADD_FAILURE() << e.format();
  }
  EXPECT_TRUE(r.failed.empty());
  ASSERT_NE(r.rules, nullptr);
  EXPECT_EQ(r.loaded.size() + r.skipped.size(), count_rule_files(dir));
  EXPECT_EQ(r.skipped.size(), 3u);  // yara-rules/{webshells,capabilities,crypto}_index.yar
  EXPECT_GT(r.rules->rule_count(), 5000u);
  for (const auto& idx : r.skipped) {
    auto one = compile_rules({idx});
    EXPECT_TRUE(one.failed.empty()) << idx << ": " << one.diag.format();
    EXPECT_NE(one.rules, nullptr) << idx;
  }
}

// The files that need external variables, and that they are rejected without them: the reason the loader
// defines filename, filepath, extension, filetype and owner. Only files that mention one of the names are
// compiled here (the full corpus compiles in EveryCorpusFileCompiles).
TEST(YaraRules, ExternalVariablesAreWhatSomeCorpusFilesNeed) {
  std::string dir = yara_corpus();
  REQUIRE_CORPUS(dir);
  std::vector<std::string> candidates;
  for (const auto& e : fs::directory_iterator(dir + "/signature-base/yara")) {
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const char* name : {"filename", "filepath", "extension", "filetype", "owner"}) {
      if (text.find(name) != std::string::npos) {
        candidates.push_back(e.path().string());
        break;
      }
    }
  }
  std::sort(candidates.begin(), candidates.end());
  std::vector<std::string> names;
  Diagnostics diag;
  for (const auto& f : candidates) {
    auto r = compile_rules({f}, {.define_file_externals = false});
    if (!r.failed.empty()) {
      names.push_back(fs::path(f).filename().string());
      diag.merge(r.diag);
      auto with = compile_rules({f});
      EXPECT_TRUE(with.failed.empty()) << with.diag.format();
    }
  }
  EXPECT_EQ(names.size(), 13u) << ::testing::PrintToString(names);
  EXPECT_NE(std::find(names.begin(), names.end(), "gen_webshells_ext_vars.yar"), names.end());
  for (const auto& e : diag.errors()) {
    EXPECT_NE(e.message.find("undefined identifier"), std::string::npos) << e.format();
  }
}

TEST(YaraRules, BrokenFileIsReportedAndTheRestLoad) {
  std::string dir = yara_corpus();
  REQUIRE_CORPUS(dir);
  picket::test::TempDir tmp;
  fs::copy(dir + "/yara-rules/webshells", tmp.path(), fs::copy_options::recursive);
  size_t good_files = count_rule_files(tmp.path());
  std::string broken = tmp.write("zz_broken.yar",
                                 "rule fine_one { condition: true }\n"
                                 "rule broken_one { strings: $a = \"xyz\" condition: $a and $b }\n");
  auto r = compile_rules({tmp.path()});
  ASSERT_EQ(r.failed.size(), 1u);
  EXPECT_EQ(r.failed[0], broken);
  ASSERT_EQ(r.diag.errors().size(), 1u);
  // FILE:LINE: message
  EXPECT_EQ(r.diag.errors()[0].format(), broken + ":2: rule broken_one: undefined string \"$b\"");
  EXPECT_EQ(r.loaded.size(), good_files);
  ASSERT_NE(r.rules, nullptr);
  // The other files' rules are there, the broken file's good rule is not.
  Scanner s(r.rules);
  auto names = match_names(s, "<?php @eval($_POST['password']);?>");
  EXPECT_NE(std::find(names.begin(), names.end(), "WShell_ChinaChopper:webshell_ChinaChopper_php"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "zz_broken:fine_one"), names.end());
}

TEST(YaraRules, MissingPathAndNamespacesPerFile) {
  picket::test::TempDir tmp;
  fs::create_directories(tmp.file("a"));
  fs::create_directories(tmp.file("b"));
  tmp.write("a/same.yar", "rule dup { condition: true }\n");
  tmp.write("b/same.yar", "rule dup { condition: true }\n");
  auto r = compile_rules({tmp.path(), tmp.file("nope.yar")});
  ASSERT_EQ(r.diag.errors().size(), 1u);
  EXPECT_EQ(r.diag.errors()[0].format(), tmp.file("nope.yar") + ": no such file or folder");
  ASSERT_EQ(r.loaded.size(), 2u);
  EXPECT_EQ(r.loaded[0].rule_namespace, "same");
  EXPECT_EQ(r.loaded[1].rule_namespace, "same_2");
  Scanner s(r.rules);
  EXPECT_EQ(match_names(s, "x"), (std::vector<std::string>{"same:dup", "same_2:dup"}));
}

TEST(YaraRules, ExternalsAreSetPerFile) {
  picket::test::TempDir tmp;
  tmp.write("ext.yar",
            "rule by_name { condition: filename == \"shell.php\" and filepath == \"/var/www/html\" }\n"
            "rule by_ext { condition: extension == \".php\" and filetype == \"PHP\" }\n"
            "rule by_owner { condition: owner == \"root\" }\n"
            "rule elf { condition: filetype == \"ELF\" }\n");
  auto r = compile_rules({tmp.file("ext.yar")});
  ASSERT_TRUE(r.diag.ok()) << r.diag.format();
  Scanner s(r.rules);
  s.set_externals(externals_for_file("/var/www/html/shell.php", 0, {}));
  EXPECT_EQ(match_names(s, "x"), (std::vector<std::string>{"ext:by_name", "ext:by_ext", "ext:by_owner"}));
  const uint8_t elf[] = {0x7f, 'E', 'L', 'F', 2, 1};
  s.set_externals(externals_for_file("/usr/bin/SHELL.PHP.bak", 65534, elf));
  EXPECT_EQ(match_names(s, "x"), (std::vector<std::string>{"ext:elf"}));
  auto e = externals_for_file("/srv/A.PHP", 0, {});
  EXPECT_EQ(e.extension, ".php");
  EXPECT_EQ(e.filetype, "PHP");
  EXPECT_EQ(e.filename, "A.PHP");
  EXPECT_EQ(e.filepath, "/srv");
}

TEST(YaraRules, CompiledRulesAreCachedWithTheirErrors) {
  picket::test::TempDir tmp;
  tmp.write("rules/good.yar", "rule good { strings: $a = \"needle\" condition: $a }\n");
  tmp.write("rules/bad.yar", "rule bad { condition: nope }\n");
  std::string cache = tmp.file("state/yara-cache");
  auto first = load_rules({tmp.file("rules")}, cache);
  EXPECT_FALSE(first.from_cache);
  ASSERT_NE(first.rules, nullptr);
  ASSERT_EQ(first.diag.errors().size(), 1u);
  auto second = load_rules({tmp.file("rules")}, cache);
  EXPECT_TRUE(second.from_cache);
  ASSERT_NE(second.rules, nullptr);
  EXPECT_EQ(second.rules->rule_count(), 1u);
  EXPECT_EQ(second.diag.format(), first.diag.format());
  EXPECT_EQ(second.failed, first.failed);
  Scanner s(second.rules);
  EXPECT_EQ(match_names(s, "a needle here"), (std::vector<std::string>{"good:good"}));
  // Changing a source changes the key: a fresh compile, and the old entry is removed.
  tmp.write("rules/good.yar", "rule good2 { condition: true }\n");
  auto third = load_rules({tmp.file("rules")}, cache);
  EXPECT_FALSE(third.from_cache);
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(cache)) {
    entries += e.path().extension() == ".yarc";
  }
  EXPECT_EQ(entries, 1u);
  // A damaged cache entry is a miss, not a failure.
  for (const auto& e : fs::directory_iterator(cache)) {
    if (e.path().extension() == ".yarc") {
      tmp.write(fs::relative(e.path(), tmp.path()).string(), "garbage");
    }
  }
  auto fourth = load_rules({tmp.file("rules")}, cache);
  EXPECT_FALSE(fourth.from_cache);
  ASSERT_NE(fourth.rules, nullptr);
}

TEST(YaraRules, SighupReloadsWithAnAtomicSwap) {
  picket::test::TempDir tmp;
  tmp.write("r/one.yar", "rule first { condition: true }\n");
  MonitorOptions opt;
  opt.rules = {tmp.file("r")};
  opt.rules_cache_dir = tmp.file("cache");
  YaraService svc(opt, nullptr);
  ASSERT_TRUE(svc.start().ok());
  auto before = svc.rules()->get();
  ASSERT_NE(before, nullptr);
  uint64_t gen = svc.rules()->generation();
  Scanner held(before);  // a scanner holding the old set keeps working through the swap
  {
    SighupReloader hup([&] { (void)svc.reload(); });
    tmp.write("r/one.yar", "rule second { condition: true }\nrule third { condition: true }\n");
    ASSERT_EQ(::raise(SIGHUP), 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (svc.rules()->generation() == gen && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  EXPECT_GT(svc.rules()->generation(), gen);
  EXPECT_EQ(svc.rules_loaded(), 2u);
  EXPECT_EQ(match_names(held, "x"), (std::vector<std::string>{"one:first"}));
  // A reload where nothing compiles keeps the previous set.
  tmp.write("r/one.yar", "rule broken {\n");
  auto diag = svc.reload();
  EXPECT_FALSE(diag.ok());
  EXPECT_EQ(svc.rules_loaded(), 2u);
}

}  // namespace
}  // namespace picket::yara
