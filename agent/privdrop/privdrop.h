#pragma once
// Dropping root. Started as root outside systemd, picket-agent opens its capture handles and then becomes the
// unprivileged service user, keeping exactly CAP_NET_RAW, CAP_NET_ADMIN (live capture, promiscuous mode)
// and CAP_DAC_READ_SEARCH (reading logs and web roots it does not own), the same set the systemd unit grants:
//
//   open_capture_handles();                                    // still root
//   picket::Status s = picket::privdrop::drop_privileges(settings.get_string("agent.user"));
//   if (!s) { std::cerr << s.error().format() << '\n'; return picket::kExitFailure; }
//   start_worker_threads();                                    // never root again
//
// Afterwards: real, effective, saved and file-system uid/gid are the user's; supplementary groups are the
// user's; the three capabilities are effective, permitted, inheritable and ambient; the bounding set holds
// only them; no_new_privs is set; SECBIT_NOROOT is locked. Nothing else remains.
//
// Threads: call it from the main thread while the process has exactly ONE thread. Linux keeps capabilities,
// the bounding set and no_new_privs per thread, so a thread started earlier would stay root; the call
// refuses (returns an error, changes nothing) when /proc/self/status shows more than one thread.
#include <cstdint>
#include <string>

#include "common/config.h"
#include "common/result.h"

namespace picket::privdrop {

// The capabilities the agent keeps, as a bit mask over capability numbers (bit N = capability N).
uint64_t kept_capabilities_mask();

// Switches to `user` keeping only the capabilities above, as described at the top. Returns:
// - Ok without changing anything when `user` is empty (stay as started; not recommended) or when the
//   process is not running as root (already unprivileged, e.g. under the systemd unit); in that case it
//   only sets no_new_privs;
// - an error, with nothing changed, when the user does not exist, is root, or other threads exist;
// - an error when a step fails midway (the caller must exit: the process is in an unknown state).
Status drop_privileges(const std::string& user);

// Adds `agent.user` (default "picket") to the agent's schema.
void add_privdrop_keys(config::Schema& schema);

}  // namespace picket::privdrop
