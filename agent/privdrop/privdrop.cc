// drop_privileges: raw prctl/capset system calls (no libcap), each step checked, the result verified.
#include "agent/privdrop/privdrop.h"

#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "agent/privdrop/proc_status.h"

namespace picket::privdrop {
namespace {

constexpr int kKept[] = {CAP_NET_RAW, CAP_NET_ADMIN, CAP_DAC_READ_SEARCH};

Error fail(const std::string& what, int err = errno) {
  return Error{.message = "dropping privileges: " + what + (err != 0 ? ": " + std::string(std::strerror(err)) : "")};
}

// The highest capability this kernel knows.
int last_capability() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int last = CAP_LAST_CAP;
  if (in >> last && last >= 0 && last < 64) return last;
  return CAP_LAST_CAP;
}

struct User {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

Result<User> look_up(const std::string& name) {
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<size_t>(size) : 16384);
  passwd pw{};
  passwd* found = nullptr;
  int rc = 0;
  while ((rc = getpwnam_r(name.c_str(), &pw, buffer.data(), buffer.size(), &found)) == ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (rc != 0) return fail("looking up user '" + name + "'", rc);
  if (found == nullptr) {
    return fail("user '" + name + "' does not exist (install picket-common, or set agent.user)", 0);
  }
  return User{.uid = pw.pw_uid, .gid = pw.pw_gid, .name = name};
}

Result<std::vector<gid_t>> groups_of(const User& user) {
  int count = 32;
  std::vector<gid_t> groups(static_cast<size_t>(count));
  while (getgrouplist(user.name.c_str(), user.gid, groups.data(), &count) < 0) {
    if (count <= static_cast<int>(groups.size())) count = static_cast<int>(groups.size()) * 2;
    if (count > 65536) return fail("user '" + user.name + "' has too many groups", 0);
    groups.resize(static_cast<size_t>(count));
  }
  groups.resize(static_cast<size_t>(count));
  return groups;
}

Status set_capabilities(uint64_t mask) {
  __user_cap_header_struct header{.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  __user_cap_data_struct data[2] = {};
  for (int i = 0; i < 2; ++i) {
    auto word = static_cast<uint32_t>(mask >> (32 * i));
    data[i].effective = word;
    data[i].permitted = word;
    data[i].inheritable = word;  // ambient capabilities must also be inheritable
  }
  if (syscall(SYS_capset, &header, data) != 0) return fail("capset");
  return Status::Ok();
}

// Reads back what the kernel now says and checks it against the promise in privdrop.h.
Status verify(const User& user, uint64_t mask, int last) {
  uid_t r = 0, e = 0, s = 0;
  gid_t rg = 0, eg = 0, sg = 0;
  if (getresuid(&r, &e, &s) != 0 || getresgid(&rg, &eg, &sg) != 0) return fail("reading ids back");
  if (r != user.uid || e != user.uid || s != user.uid || rg != user.gid || eg != user.gid || sg != user.gid) {
    return fail("ids did not change", 0);
  }
  Result<ProcCredentials> now = read_proc_status();
  if (!now) return fail(now.error().format(), 0);
  if (now->cap_eff != mask || now->cap_prm != mask || now->cap_amb != mask) {
    return fail("capabilities are not exactly CAP_NET_RAW, CAP_NET_ADMIN, CAP_DAC_READ_SEARCH", 0);
  }
  uint64_t known = last >= 63 ? ~uint64_t{0} : (uint64_t{1} << (last + 1)) - 1;
  if ((now->cap_bnd & known) != mask) return fail("bounding set still holds other capabilities", 0);
  if (!now->no_new_privs) return fail("no_new_privs is not set", 0);
  if (setuid(0) == 0) return fail("could become root again", 0);
  return Status::Ok();
}

}  // namespace

uint64_t kept_capabilities_mask() {
  uint64_t mask = 0;
  for (int cap : kKept) mask |= uint64_t{1} << cap;
  return mask;
}

Status drop_privileges(const std::string& user_name) {
  if (user_name.empty()) return Status::Ok();
  if (getuid() != 0 && geteuid() != 0) {
    // Already unprivileged (the systemd unit starts us as the user with ambient capabilities).
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return fail("PR_SET_NO_NEW_PRIVS");
    return Status::Ok();
  }

  // Checks that change nothing.
  Result<User> user = look_up(user_name);
  if (!user) return user.error();
  if (user->uid == 0) return fail("user '" + user_name + "' is root; name an unprivileged user", 0);
  Result<std::vector<gid_t>> groups = groups_of(*user);
  if (!groups) return groups.error();
  Result<ProcCredentials> before = read_proc_status();
  if (!before) return fail(before.error().format(), 0);
  if (before->threads != 1) {
    return fail("the process has " + std::to_string(before->threads) +
                    " threads; drop privileges before starting any (capabilities are per thread)",
                0);
  }

  const uint64_t mask = kept_capabilities_mask();
  const int last = last_capability();

  // While still root: keep permitted capabilities across the uid change; a later return to uid 0 never
  // regains capabilities (locked).
  if (prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0) != 0) {
    return fail("PR_SET_SECUREBITS");
  }
  for (int cap = 0; cap <= last; ++cap) {
    if (mask & (uint64_t{1} << cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
      return fail("dropping capability " + std::to_string(cap) + " from the bounding set");
    }
  }

  // Become the user: groups first (needs CAP_SETGID), then gid, then uid.
  if (setgroups(groups->size(), groups->data()) != 0) return fail("setgroups");
  if (setresgid(user->gid, user->gid, user->gid) != 0) return fail("setresgid");
  if (setresuid(user->uid, user->uid, user->uid) != 0) return fail("setresuid");

  // The uid change cleared the effective set; permitted still holds everything the bounding set allowed.
  if (Status s = set_capabilities(mask); !s) return s;
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) return fail("clearing ambient capabilities");
  for (int cap : kKept) {
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
      return fail("raising ambient capability " + std::to_string(cap));
    }
  }
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return fail("PR_SET_KEEPCAPS");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return fail("PR_SET_NO_NEW_PRIVS");
  return verify(*user, mask, last);
}

}  // namespace picket::privdrop
