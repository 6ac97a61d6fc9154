// YARA scan throughput: Picket (picket_yara's scan_tree) against the yara command-line tool on the same
// generated tree, rules and fixed external values. See README.md. Prints its figures; not a test.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "agent/yara/rules.h"
#include "agent/yara/tree_scan.h"

extern char** environ;

namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using MatchSet = std::set<std::pair<std::string, std::string>>;  // (file, namespace:rule)

const picket::yara::Externals kFixed{.filename = "bench.dat", .filepath = "/srv/bench", .extension = ".dat",
                                     .filetype = "", .owner = "root"};

std::vector<std::string> rule_files(const std::string& corpus) {
  std::vector<std::string> out;
  for (const char* f : {"thor-webshells.yar", "gen_webshells.yar", "gen_webshells_ext_vars.yar",
                        "gen_cn_webshells.yar", "cn_pentestset_webshells.yar", "apt_laudanum_webshells.yar",
                        "apt_webshell_chinachopper.yar", "webshell_regeorg.yar", "webshell_xsl_transform.yar",
                        "gen_webshell_csharp.yar"}) {
    std::string p = corpus + "/yara/signature-base/yara/" + f;
    if (fs::exists(p)) {
      out.push_back(p);
    }
  }
  std::vector<std::string> ws;
  for (const auto& e : fs::directory_iterator(corpus + "/yara/yara-rules/webshells")) {
    if (e.path().extension() == ".yar") {
      ws.push_back(e.path().string());
    }
  }
  std::sort(ws.begin(), ws.end());
  out.insert(out.end(), ws.begin(), ws.end());
  return out;
}

// ---- the tree ---------------------------------------------------------------------------------------

const char* kWords[] = {"ministry", "portal", "service", "citizen", "document", "exchange", "province",
                        "report", "budget", "office", "request", "public", "national", "server", "page",
                        "form", "license", "permit", "address", "contact", "news", "archive", "notice"};

std::string text(std::mt19937_64& rng, size_t n) {
  std::string s;
  s.reserve(n + 16);
  while (s.size() < n) {
    s += kWords[rng() % std::size(kWords)];
    s += (rng() % 12 == 0) ? ".\n" : " ";
  }
  s.resize(n);
  return s;
}

std::string make_file(std::mt19937_64& rng, int kind, size_t n) {
  switch (kind) {
    case 0:
      return "<!DOCTYPE html>\n<html><head><title>Portal</title></head><body>\n<p>" + text(rng, n) + "</p></body></html>\n";
    case 1: {
      std::string s = "<?php\n// page controller\n";
      while (s.size() < n) {
        s += "function render_" + std::to_string(rng() % 100000) + "($req) {\n  $title = htmlspecialchars($req['title']);\n"
             "  echo '<h1>' . $title . '</h1>';\n  return include __DIR__ . '/tpl/" + kWords[rng() % std::size(kWords)] +
             ".php';\n}\n";
      }
      return s;
    }
    case 2: {
      std::string s;
      while (s.size() < n) {
        s += "function f" + std::to_string(rng() % 100000) + "(a,b){var x=document.getElementById('" +
             kWords[rng() % std::size(kWords)] + "');if(x){x.innerHTML=a+b;}return x;}\n";
      }
      return s;
    }
    case 3: {
      std::string s;
      while (s.size() < n) {
        s += "10.0." + std::to_string(rng() % 255) + "." + std::to_string(rng() % 255) +
             " - - [30/Nov/2026:10:00:00 +0000] \"GET /" + kWords[rng() % std::size(kWords)] +
             "/index.html HTTP/1.1\" 200 " + std::to_string(rng() % 90000) + " \"-\" \"Mozilla/5.0\"\n";
      }
      return s;
    }
    case 4: {
      std::string s = "{\"items\":[";
      while (s.size() < n) {
        s += "{\"id\":" + std::to_string(rng() % 1000000) + ",\"name\":\"" + kWords[rng() % std::size(kWords)] + "\"},";
      }
      return s + "{}]}\n";
    }
    default: {
      std::string s(n, '\0');
      for (auto& c : s) {
        c = static_cast<char>(rng());
      }
      return s;
    }
  }
}

// Inert text quoting strings that corpus webshell rules look for (as the tests do): matches for both tools.
const char* kSamples[] = {
    "Notes:\n$result=mysql_list_tables($db) or die (\"$h_error<b>\".mysql_error().\"</b>$f_\n"
    "print \"<a href=\\\"$_SERVER[PHP_SELF]?s=$s&login=$login&passwd=$passwd&\n",
    "Quote:\nSet oFileSys = Server.CreateObject(\"Scripting.FileSystemObject\")\nend\n",
    "Seen: <?php @eval($_POST['password']);?> end\n",
};

uint64_t generate(const std::string& dir, uint64_t target_bytes) {
  std::string marker = dir + "/.picket-bench-v1-" + std::to_string(target_bytes);
  if (fs::exists(marker)) {
    uint64_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file() && e.path() != marker) {
        total += e.file_size();
      }
    }
    return total;
  }
  fs::remove_all(dir);
  std::mt19937_64 rng(20261130);
  const char* exts[] = {".html", ".php", ".js", ".log", ".json", ".bin"};
  uint64_t total = 0;
  int i = 0;
  while (total < target_bytes) {
    std::string sub = dir + "/site" + std::to_string(i % 20) + "/d" + std::to_string((i / 20) % 15);
    fs::create_directories(sub);
    int kind = static_cast<int>(rng() % 6);
    size_t n = 1024 + rng() % (160 * 1024);
    if (i % 97 == 0) {
      n = (1 + rng() % 4) << 20;  // a few multi-megabyte files
    }
    std::string body = make_file(rng, kind, n);
    if (i % 211 == 0) {
      body = kSamples[(i / 211) % std::size(kSamples)];
    }
    std::ofstream(sub + "/f" + std::to_string(i) + exts[kind], std::ios::binary) << body;
    total += body.size();
    ++i;
  }
  std::ofstream(marker) << "generated\n";
  return total;
}

// ---- the yara tool -----------------------------------------------------------------------------------

int run_cmd(const std::vector<std::string>& argv, const std::string& out_file) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    return -1;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::string> ext_defines() {
  return {"-d", "filename=" + kFixed.filename, "-d", "filepath=" + kFixed.filepath, "-d",
          "extension=" + kFixed.extension, "-d", "filetype=" + kFixed.filetype, "-d", "owner=" + kFixed.owner};
}

MatchSet parse_yara_output(const std::string& file) {
  MatchSet out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    size_t sp = line.find(' ');
    if (sp != std::string::npos) {
      out.insert({line.substr(sp + 1), line.substr(0, sp)});
    }
  }
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/picket-yara-bench";
  uint64_t size_mb = 200;
  int runs = 5;
  std::string corpus = std::string(PICKET_SOURCE_DIR) + "/../shared/corpus";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--dir") dir = argv[i + 1];
    else if (k == "--size-mb") size_mb = std::stoull(argv[i + 1]);
    else if (k == "--runs") runs = std::stoi(argv[i + 1]);
    else if (k == "--corpus") corpus = argv[i + 1];
  }
  if (!fs::exists(corpus + "/yara")) {
    std::cerr << "yara_bench: corpus not found at " << corpus << " (--corpus PATH)\n";
    return 2;
  }
  std::vector<std::string> files = rule_files(corpus);
  std::cout << "tree: " << dir << " ... " << std::flush;
  uint64_t bytes = generate(dir + "/tree", size_mb << 20);
  std::cout << bytes / 1e6 << " MB\n";

  auto compiled = picket::yara::compile_rules(files);
  if (!compiled.rules || !compiled.failed.empty()) {
    std::cerr << "yara_bench: rules failed to compile:\n" << compiled.diag.format();
    return 1;
  }
  std::cout << "rules: " << compiled.rules->rule_count() << " from " << compiled.loaded.size() << " files\n";

  // The same files and namespaces, precompiled for the yara tool.
  std::vector<std::string> yarac = {"yarac", "-w"};
  for (auto d : ext_defines()) yarac.push_back(d);
  for (const auto& f : compiled.loaded) yarac.push_back(f.rule_namespace + ":" + f.path);
  std::string yarc = dir + "/rules.yarc";
  yarac.push_back(yarc);
  if (run_cmd(yarac, dir + "/yarac.out") != 0) {
    std::cerr << "yara_bench: yarac failed (is the yara package installed?)\n";
    return 1;
  }

  std::string tree = dir + "/tree";
  auto yara_run = [&](int threads, MatchSet* matches) {
    std::vector<std::string> cmd = {"yara", "-C", "-r", "-e", "-w", "-p", std::to_string(threads)};
    for (auto d : ext_defines()) cmd.push_back(d);
    cmd.push_back(yarc);
    cmd.push_back(tree);
    auto t0 = Clock::now();
    int rc = run_cmd(cmd, dir + "/yara.out");
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (rc != 0) {
      std::cerr << "yara exited " << rc << "\n";
    }
    *matches = parse_yara_output(dir + "/yara.out");
    return bytes / 1e6 / s;
  };
  auto picket_run = [&](uint32_t threads, MatchSet* matches) {
    std::mutex mu;
    matches->clear();
    picket::yara::TreeScanOptions opt{.threads = threads, .fixed_externals = &kFixed};
    auto t0 = Clock::now();
    auto st = picket::yara::scan_tree({tree}, compiled.rules, opt,
                                      [&](const picket::yara::FileFacts& f, const picket::yara::RuleMatch& m) {
                                        std::lock_guard lock(mu);
                                        matches->insert({f.path, m.rule_namespace + ":" + m.rule});
                                      });
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (st.errors != 0) {
      std::cerr << "picket: " << st.errors << " errors\n";
    }
    return st.bytes / 1e6 / s;
  };

  bool same = true;
  for (int threads : {1, 2}) {
    std::vector<double> y, p;
    MatchSet ym, pm;
    // Warm the page cache once so neither side pays for the first read.
    yara_run(threads, &ym);
    for (int r = 0; r < runs; ++r) {
      y.push_back(yara_run(threads, &ym));
      p.push_back(picket_run(static_cast<uint32_t>(threads), &pm));
    }
    bool eq = ym == pm;
    same = same && eq;
    std::printf("threads=%d  yara -p %d: median %.1f MB/s  |  picket: median %.1f MB/s  |  ratio %.2fx  |  "
                "matches yara=%zu picket=%zu %s\n",
                threads, threads, median(y), median(p), median(p) / median(y), ym.size(), pm.size(),
                eq ? "(identical)" : "(DIFFERENT)");
    std::printf("  runs yara:");
    for (double v : y) std::printf(" %.1f", v);
    std::printf("\n  runs picket:");
    for (double v : p) std::printf(" %.1f", v);
    std::printf("\n");
    if (!eq) {
      for (const auto& m : ym) if (!pm.count(m)) std::printf("  only yara:   %s %s\n", m.second.c_str(), m.first.c_str());
      for (const auto& m : pm) if (!ym.count(m)) std::printf("  only picket: %s %s\n", m.second.c_str(), m.first.c_str());
    }
  }
  return same ? 0 : 1;
}
