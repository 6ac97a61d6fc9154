// log_bench [--only auth|auditd|nginx] [RULES_DIR...]: lines per second for parse + Sigma match on one thread.
//
// Loads every loadable Sigma rule under the given folders (default: the corpus's SigmaHQ rules/linux and
// rules/web), generates 20,000 varied lines per format (auth.log, audit.log, nginx access log; nothing from
// the corpus), and times repeated passes. Prints lines/s (wall clock, and per CPU-second of this thread: the
// one-core figure on a loaded machine) and alerts per pass for each format; the median of five runs is the
// figure to quote (bench/logs/RESULTS.md).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "agent/host/logparse/parser.h"
#include "agent/host/sigma/sigma.h"

namespace {

using picket::host::LogEvent;

std::vector<std::string> auth_lines(size_t n) {
  const char* users[] = {"root", "admin", "alice", "bob", "deploy", "oracle", "test", "git"};
  const char* cmds[] = {"/usr/bin/apt update", "/bin/systemctl restart nginx", "/usr/bin/id",
                        "/bin/cat /etc/shadow", "/usr/bin/vim /etc/hosts"};
  std::vector<std::string> out;
  char buf[512];
  for (size_t i = 0; i < n; ++i) {
    const char* u = users[i % 8];
    const unsigned ip = static_cast<unsigned>(i * 2654435761u);
    switch (i % 6) {
      case 0:
        std::snprintf(buf, sizeof(buf),
                      "Nov 30 10:%02zu:%02zu web1 sshd[%zu]: Failed password for invalid user %s from %u.%u.%u.%u "
                      "port %zu ssh2",
                      i / 60 % 60, i % 60, 1000 + i % 5000, u, ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
                      30000 + i % 30000);
        break;
      case 1:
        std::snprintf(buf, sizeof(buf),
                      "Nov 30 10:%02zu:%02zu web1 sshd[%zu]: Accepted publickey for %s from 10.0.%zu.%zu port %zu "
                      "ssh2: RSA SHA256:abcdefghijklmnop",
                      i / 60 % 60, i % 60, 1000 + i % 5000, u, i % 256, i % 200, 40000 + i % 20000);
        break;
      case 2:
        std::snprintf(buf, sizeof(buf),
                      "Nov 30 10:%02zu:%02zu web1 sudo:    %s : TTY=pts/%zu ; PWD=/home/%s ; USER=root ; COMMAND=%s",
                      i / 60 % 60, i % 60, u, i % 4, u, cmds[i % 5]);
        break;
      case 3:
        std::snprintf(buf, sizeof(buf),
                      "Nov 30 10:%02zu:%02zu web1 sshd[%zu]: pam_unix(sshd:session): session opened for user %s "
                      "by (uid=0)",
                      i / 60 % 60, i % 60, 1000 + i % 5000, u);
        break;
      case 4:
        std::snprintf(buf, sizeof(buf),
                      "Nov 30 10:%02zu:%02zu web1 CRON[%zu]: pam_unix(cron:session): session closed for user root",
                      i / 60 % 60, i % 60, 2000 + i % 5000);
        break;
      default:
        std::snprintf(buf, sizeof(buf),
                      "Nov 30 10:%02zu:%02zu web1 systemd-logind[%zu]: New session %zu of user %s.", i / 60 % 60,
                      i % 60, 500 + i % 10, i, u);
    }
    out.emplace_back(buf);
  }
  return out;
}

std::vector<std::string> audit_lines(size_t n) {
  const char* progs[][3] = {{"/usr/bin/ls", "ls", "-la /var/www"},
                            {"/usr/bin/curl", "curl", "-s https://updates.example.org/v1/check"},
                            {"/usr/bin/python3", "python3", "/opt/app/manage.py migrate"},
                            {"/usr/bin/grep", "grep", "-r error /var/log/app"},
                            {"/usr/bin/tar", "tar", "czf /backup/www.tgz /var/www"},
                            {"/usr/sbin/sshd", "sshd", "-D -R"}};
  std::vector<std::string> out;
  char buf[768];
  for (size_t i = 0; out.size() < n; ++i) {
    const auto& p = progs[i % 6];
    const double t = 1796040000.0 + static_cast<double>(i) / 100.0;
    if (i % 3 == 2) {
      std::snprintf(buf, sizeof(buf),
                    "type=USER_AUTH msg=audit(%.3f:%zu): pid=%zu uid=0 auid=4294967295 ses=4294967295 "
                    "msg='op=PAM:authentication grantors=pam_unix acct=\"root\" exe=\"/usr/sbin/sshd\" "
                    "hostname=10.0.0.%zu addr=10.0.0.%zu terminal=ssh res=success'",
                    t, 5000 + i, 3000 + i % 1000, i % 250, i % 250);
      out.emplace_back(buf);
      continue;
    }
    std::snprintf(buf, sizeof(buf),
                  "type=SYSCALL msg=audit(%.3f:%zu): arch=c000003e syscall=59 success=yes exit=0 a0=55d0c1 a1=55d0c2 "
                  "a2=55d0c3 a3=0 items=2 ppid=%zu pid=%zu auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 "
                  "fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=\"%s\" exe=\"%s\" key=\"exec\"",
                  t, 5000 + i, 3000 + i % 1000, 4000 + i % 3000, p[1], p[0]);
    out.emplace_back(buf);
    std::snprintf(buf, sizeof(buf), "type=EXECVE msg=audit(%.3f:%zu): argc=2 a0=\"%s\" a1=\"%s\"", t, 5000 + i, p[1],
                  p[2]);
    out.emplace_back(buf);
    std::snprintf(buf, sizeof(buf), "type=CWD msg=audit(%.3f:%zu): cwd=\"/home/deploy\"", t, 5000 + i);
    out.emplace_back(buf);
    std::snprintf(buf, sizeof(buf),
                  "type=PATH msg=audit(%.3f:%zu): item=0 name=\"%s\" inode=%zu dev=08:01 mode=0100755 ouid=0 ogid=0 "
                  "rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0",
                  t, 5000 + i, p[0], 100000 + i % 999);
    out.emplace_back(buf);
    std::snprintf(buf, sizeof(buf), "type=EOE msg=audit(%.3f:%zu):", t, 5000 + i);
    out.emplace_back(buf);
  }
  out.resize(n);
  return out;
}

std::vector<std::string> access_lines(size_t n) {
  const char* paths[] = {"/", "/index.html", "/static/app.3f2a.js", "/api/v1/users?page=2&limit=50",
                         "/login", "/wp-login.php", "/images/logo.png", "/search?q=annual+report+2026",
                         "/documents/download?id=88231&format=pdf", "/favicon.ico"};
  const char* uas[] = {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/120.0 Safari/537.36",
                       "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
                       "curl/8.4.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15"};
  const char* methods[] = {"GET", "GET", "GET", "POST", "HEAD"};
  std::vector<std::string> out;
  char buf[768];
  for (size_t i = 0; i < n; ++i) {
    const unsigned ip = static_cast<unsigned>(i * 2654435761u);
    std::snprintf(buf, sizeof(buf),
                  "%u.%u.%u.%u - - [30/Nov/2026:10:%02zu:%02zu +0300] \"%s %s HTTP/1.1\" %d %zu "
                  "\"https://portal.example.gov/\" \"%s\"",
                  ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255, i / 60 % 60, i % 60, methods[i % 5],
                  paths[i % 10], i % 13 == 0 ? 404 : 200, 200 + i % 5000, uas[i % 4]);
    out.emplace_back(buf);
  }
  return out;
}

// CPU seconds used by this thread: the one-core rate stays meaningful when other processes load the machine.
double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void run(const char* name, const char* format, const std::vector<std::string>& lines,
         const picket::host::SigmaRuleSet& rules) {
  auto parser = picket::host::make_parser(format, {});
  size_t alerts = 0;
  size_t events = 0;
  picket::host::EventSink sink = [&](const LogEvent& ev) {
    ++events;
    rules.match(ev, [&](const picket::host::SigmaRule&) { ++alerts; });
  };
  // Warm up once, then time passes for about one second, five times.
  for (const auto& l : lines) parser->parse(l, 0, sink);
  std::vector<double> rates;
  std::vector<double> cpu_rates;
  size_t alerts_per_pass = 0;
  for (int run = 0; run < 5; ++run) {
    size_t done = 0;
    alerts = 0;
    events = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_seconds();
    double secs = 0;
    int passes = 0;
    while (secs < 1.0) {
      for (const auto& l : lines) parser->parse(l, 0, sink);
      parser->flush(sink);
      done += lines.size();
      ++passes;
      secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    alerts_per_pass = alerts / static_cast<size_t>(passes);
    rates.push_back(static_cast<double>(done) / secs);
    cpu_rates.push_back(static_cast<double>(done) / (thread_cpu_seconds() - c0));
  }
  std::sort(rates.begin(), rates.end());
  std::sort(cpu_rates.begin(), cpu_rates.end());
  std::printf("%-10s %8zu lines  median %10.0f lines/s  (min %10.0f, max %10.0f)  cpu-time median %10.0f lines/s  "
              "%zu alerts/pass\n",
              name, lines.size(), rates[2], rates[0], rates[4], cpu_rates[2], alerts_per_pass);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> dirs;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else {
      dirs.emplace_back(argv[i]);
    }
  }
  if (dirs.empty()) {
    dirs = {std::string(PICKET_CORPUS_DIR) + "/sigma/sigma/rules/linux",
            std::string(PICKET_CORPUS_DIR) + "/sigma/sigma/rules/web"};
  }
  picket::host::SigmaLoad load = picket::host::load_sigma_paths(dirs);
  std::printf("sigma rules: %zu loaded, %d failed (from %d files)\n", load.rules.size(), load.failed, load.files);
  picket::host::SigmaRuleSet rules(std::move(load.rules));
  std::printf("prefilter: %s; %zu rules without a necessary literal\n",
              rules.prefilter_error().empty() ? "on" : rules.prefilter_error().c_str(), rules.unfiltered_count());
  if (only.empty() || only == "auth") run("auth.log", "auth", auth_lines(20000), rules);
  if (only.empty() || only == "auditd") run("audit.log", "auditd", audit_lines(20000), rules);
  if (only.empty() || only == "nginx") run("access", "nginx", access_lines(20000), rules);
  return 0;
}
