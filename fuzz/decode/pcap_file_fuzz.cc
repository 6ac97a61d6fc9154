// libFuzzer target: the offline capture reader (agent/capture/pcap_file.cc): libpcap's header checks, then
// our memory-mapped classic-pcap record walker (or libpcap for pcapng). The input is the whole file; it is
// put in a memfd and opened by its /proc path, so no file is left behind.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/capture/capture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = memfd_create("picket-pcap-fuzz", MFD_CLOEXEC);
  if (fd < 0) return 0;
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(fd, data + done, size - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  if (done == size) {
    auto src = picket::capture::open_file("/proc/self/fd/" + std::to_string(fd));
    if (src.ok()) {
      picket::capture::Frame f;
      uint64_t sum = 0;
      for (int i = 0; i < 100000; ++i) {
        picket::capture::NextResult r = (*src)->next(&f);
        if (r != picket::capture::NextResult::kPacket) break;
        for (uint8_t b : f.data) sum += b;  // touch every byte: out-of-bounds spans show up under ASan
      }
      (void)(*src)->stats();
      (void)(*src)->linktype();
      if (sum == 1) (void)(*src)->last_error();
    }
  }
  close(fd);
  return 0;
}
