#pragma once
// Checks an `strace -f -yy -xx -s 1048576 -e trace=fdatasync,write,sendto,sendmsg` trace of one process for
// "nothing leaves before it is durable": each send is matched to what it carries or acknowledges, and an
// fdatasync covering that must have completed before it.
//
//   SyncCheckOptions o{.data_suffix = ".pj", .format = DataFormat::kJournal, .log_suffix = "collector.log",
//                      .claim_prefix = "ingest: ack epoch ", .peer = "127.0.0.1:7800->"};
//   SyncCheckResult r = check_sync_before_send(read_file("collector.trace"), o);
//   EXPECT_EQ(r.error, "");
//
// What it reads from the trace, in trace order (strace serialises the threads' syscalls):
// - writes to the data files (path ends with `data_suffix`): their bytes are decoded as journal or spool
//   records, giving (epoch, seq) per record; a record counts once its write has completed.
// - fdatasync(...) = 0 on a data file: every record completed on that file before it is durable. Per epoch
//   the durable point is the highest seq with all seqs 1..seq durable.
// - lines written to the process's log (path ends with `log_suffix`) that start with `claim_prefix`: the
//   process's debug line written just BEFORE it hands a message to ZeroMQ, "PREFIX<epoch hex> seq <a>..<b>
//   bytes <frame size>" (an Ack claims 1..b; a batch claims a..b). Each claim must be durable when the line is
//   written.
// - sends on a TCP socket whose description contains `peer`: the wire is CURVE-encrypted, so sends are
//   matched to claims by size. Each claimed frame adds its exact wire size (CURVE MESSAGE command and ZMTP
//   frame header) to the bytes owed; each send pays its result off. ZeroMQ may coalesce messages into one
//   send or split a large one over several, but once the first claim is seen no send may start while nothing
//   claimed is owed: a message that was not logged, or left before its claim, fails the check. Sends before
//   the first claim are the handshake and Hello (a claim precedes every data message).
//
// Test-only; plain function.
#include <string>

namespace picket::test {

enum class DataFormat { kJournal, kSpool };

struct SyncCheckOptions {
  std::string data_suffix;
  DataFormat format = DataFormat::kJournal;
  std::string log_suffix;
  std::string claim_prefix;
  std::string peer;
};

struct SyncCheckResult {
  std::string error;  // "" when every claim and send checks out
  int claims = 0;     // claims checked against the durable point
  int sends = 0;      // data sends matched to claimed bytes
  int syncs = 0;      // fdatasyncs on data files
  int records = 0;    // records seen written to data files
};

SyncCheckResult check_sync_before_send(const std::string& trace, const SyncCheckOptions& options);

}  // namespace picket::test
