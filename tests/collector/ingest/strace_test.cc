// Shows with strace that data is fdatasynced before it is acknowledged or sent: the agent's spool
// fdatasyncs the records of each batch before the batch leaves, and the collector's journal fdatasyncs the
// records an Ack covers before the Ack is sent. Each send is matched to what it carries (the wire is
// CURVE-encrypted, so through the debug line each process writes just before handing the message to ZeroMQ;
// strace_check.h) and the records themselves are decoded from the traced writes of the journal and spool.
// A slow alert rate and window 1 keep the trace small; ZMTP and Heartbeat messages are slowed to an hour so
// every data send after the handshake is a batch (agent) or an Ack (collector).
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/collector/ingest/harness.h"
#include "tests/collector/ingest/strace_check.h"

namespace picket::test {
namespace {

using namespace std::chrono_literals;

bool strace_works() {
  return run({"/usr/bin/strace", "-f", "-o", "/dev/null", "/bin/true"}, 30s).exit_code == 0;
}

// The program strace -f started (its first child). Signalling strace only detaches it, and a tracee whose
// strace dies runs on: the test stops the traced collector itself.
pid_t traced_child(pid_t strace_pid) {
  std::ifstream in("/proc/" + std::to_string(strace_pid) + "/task/" + std::to_string(strace_pid) + "/children");
  pid_t pid = -1;
  in >> pid;
  return pid;
}

// SIGKILLs the traced program when the test ends early (a failed assertion), so nothing is left running.
struct KillTraced {
  pid_t pid = -1;
  ~KillTraced() {
    if (pid > 0) ::kill(pid, SIGKILL);
  }
};

// Run under ASan this takes about a minute: strace stops only at the traced calls (--seccomp-bpf).
TEST(Strace, SpoolAndJournalFdatasyncBeforeSendAndAck) {
  if (!strace_works()) {
    if (in_ci()) FAIL() << "strace cannot trace here (ptrace refused?), and CI=true";
    GTEST_SKIP() << "strace cannot trace here (ptrace refused?)";
  }
  // LeakSanitizer cannot run under ptrace: traced ASan children would exit 1 at the end.
  ::setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
  TempDir tmp;
  CollectorSetup c{.dir = tmp.file("collector"), .port = free_port(),
                   .extra_sets = {"ingest.heartbeat-interval=3600s"}};
  std::filesystem::create_directories(c.dir);
  const std::string key = enroll_new_agent(c, "traced", tmp.file("agent"));
  ASSERT_FALSE(key.empty());
  // -xx -s: every written byte, hex-escaped, so the journal and spool records can be decoded.
  const std::vector<std::string> strace = {"/usr/bin/strace", "-f", "--seccomp-bpf", "-yy", "-xx", "-s", "1048576",
                                           "-e", "trace=fdatasync,sendto,sendmsg,write", "-o"};
  std::vector<std::string> cargv = strace;
  for (const std::string& a : {tmp.file("collector.trace"), program_path("picket-collector"), std::string("--set"),
                               "collector.state-dir=" + c.dir, std::string("--set"), "ingest.listen=" + c.endpoint(),
                               std::string("--set"), std::string("ingest.heartbeat-interval=3600s"),
                               std::string("--set"), std::string("logging.level=debug"), std::string("--set"),
                               std::string("publish.stream.listen=tcp://127.0.0.1:*")}) {
    cargv.push_back(a);
  }
  Child collector(cargv, c.dir + "/collector.log");
  KillTraced traced_collector;
  ASSERT_TRUE(wait_until([&] { return (traced_collector.pid = traced_child(collector.pid())) > 0; }, 60s));
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(c.server_pub()); }, 60s));
  std::this_thread::sleep_for(1s);

  constexpr int kCount = 600;
  std::vector<std::string> dargv = strace;
  for (const std::string& a :
       {tmp.file("driver.trace"), driver_path(), std::string("--endpoint"), c.endpoint(), std::string("--server-pub"),
        c.server_pub(), std::string("--key"), tmp.file("agent.key"), std::string("--spool"), tmp.file("spool"),
        std::string("--count"), std::to_string(kCount), std::string("--rate"), std::string("200"),
        std::string("--chunk"), std::string("1"), std::string("--window"), std::string("1"),
        std::string("--heartbeat-ms"), std::string("3600000"), std::string("--log-level"), std::string("debug"),
        std::string("--exit-when-acked"), std::string("--timeout-s"), std::string("120")}) {
    dargv.push_back(a);
  }
  Child driver(dargv, tmp.file("driver.log"));
  ASSERT_EQ(driver.wait(180s), 0) << read_file(tmp.file("driver.log"));
  ::kill(traced_collector.pid, SIGTERM);  // strace exits with it
  EXPECT_EQ(collector.wait(60s), 0) << read_file(c.dir + "/collector.log");
  traced_collector.pid = -1;

  if (const char* keep = std::getenv("PICKET_STRACE_KEEP"); keep != nullptr) {  // for debugging the checker
    for (const char* f : {"collector.trace", "driver.trace", "driver.log"}) {
      std::filesystem::copy_file(tmp.file(f), std::string(keep) + "/" + f,
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }
  const std::string port = ":" + std::to_string(c.port);
  // Collector: each Ack's records (1..acked) written to the journal (.pj) and fdatasynced before the Ack is
  // logged and handed to ZeroMQ; each send on a connection whose local side is its port carries such Acks.
  const SyncCheckResult cr = check_sync_before_send(read_file(tmp.file("collector.trace")),
                                                    {.data_suffix = ".pj",
                                                     .format = DataFormat::kJournal,
                                                     .log_suffix = "collector.log",
                                                     .claim_prefix = "ingest: ack epoch ",
                                                     .peer = "127.0.0.1" + port + "->"});
  EXPECT_EQ(cr.error, "");
  EXPECT_GE(cr.claims, 10);
  EXPECT_GE(cr.sends, 10);
  EXPECT_GE(cr.records, kCount);
  // Agent: each batch's records written to a spool segment (.seg) and fdatasynced before the batch is logged
  // and handed to ZeroMQ; each send to the collector's port after the handshake and Hello carries such batches.
  const SyncCheckResult ar = check_sync_before_send(read_file(tmp.file("driver.trace")),
                                                    {.data_suffix = ".seg",
                                                     .format = DataFormat::kSpool,
                                                     .log_suffix = "driver.log",
                                                     .claim_prefix = "sender: batch epoch ",
                                                     .peer = "->127.0.0.1" + port});
  EXPECT_EQ(ar.error, "");
  EXPECT_GE(ar.claims, 10);
  EXPECT_GE(ar.sends, 10);
  EXPECT_GE(ar.records, kCount);
  std::cerr << "collector: " << cr.records << " records, " << cr.syncs << " journal fdatasyncs, " << cr.claims
            << " Acks checked, " << cr.sends << " sends; agent: " << ar.records << " records, " << ar.syncs
            << " spool fdatasyncs, " << ar.claims << " batches checked, " << ar.sends << " sends\n";
}

}  // namespace
}  // namespace picket::test
