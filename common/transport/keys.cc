#include "common/transport/keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace picket::transport {
namespace {

Error file_error(const std::string& path, const std::string& message) {
  return Error{.file = path, .message = message};
}

// The first non-comment, non-blank line of the file, trimmed.
Result<std::string> read_key_line(const std::string& path) {
  std::ifstream in(path);
  if (!in) return file_error(path, std::string("cannot read key file: ") + std::strerror(errno));
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    size_t b = line.find_first_not_of(" \t\r");
    size_t e = line.find_last_not_of(" \t\r");
    if (b == std::string::npos) continue;
    line = line.substr(b, e - b + 1);
    if (line[0] == '#') continue;
    if (!is_z85_key(line)) {
      return Error{.file = path, .line = number, .message = "not a CURVE key (expected 40 Z85 characters)"};
    }
    return line;
  }
  return file_error(path, "no key in file");
}

Status write_file(const std::string& path, const std::string& content, mode_t mode, bool overwrite) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
  int fd = ::open(path.c_str(), flags, mode);
  if (fd < 0) return file_error(path, std::string("cannot create key file: ") + std::strerror(errno));
  if (::fchmod(fd, mode) != 0 ||
      ::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()) || ::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return file_error(path, std::string("cannot write key file: ") + std::strerror(err));
  }
  ::close(fd);
  return Status::Ok();
}

}  // namespace

bool is_z85_key(std::string_view text) {
  KeyBytes ignored;
  return z85_to_bytes(text, &ignored);
}

bool z85_to_bytes(std::string_view text, KeyBytes* out) {
  if (text.size() != kZ85KeyLength) return false;
  char buf[kZ85KeyLength + 1];
  std::memcpy(buf, text.data(), kZ85KeyLength);
  buf[kZ85KeyLength] = '\0';
  return zmq_z85_decode(out->data(), buf) != nullptr;
}

std::string bytes_to_z85(const KeyBytes& key) {
  char buf[kZ85KeyLength + 1];
  zmq_z85_encode(buf, key.data(), key.size());
  return std::string(buf, kZ85KeyLength);
}

Result<KeyPair> generate_key_pair() {
  char pub[kZ85KeyLength + 1];
  char sec[kZ85KeyLength + 1];
  if (zmq_curve_keypair(pub, sec) != 0) {
    return Error{.message = std::string("cannot generate a CURVE key pair: ") + zmq_strerror(zmq_errno())};
  }
  return KeyPair{.public_z85 = pub, .secret_z85 = sec};
}

Status write_key_files(const std::string& prefix, const KeyPair& pair, bool overwrite) {
  const std::string sec_path = prefix + ".key";
  const std::string pub_path = prefix + ".pub";
  if (!overwrite) {
    for (const auto& p : {sec_path, pub_path}) {
      if (::access(p.c_str(), F_OK) == 0) return file_error(p, "file exists; not overwriting a key");
    }
  }
  if (Status s = write_file(sec_path, "# Picket CURVE secret key: keep private\n" + pair.secret_z85 + "\n", 0600,
                            overwrite);
      !s) {
    return s;
  }
  return write_file(pub_path, pair.public_z85 + "\n", 0644, overwrite);
}

Result<KeyPair> load_secret_key(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return file_error(path, std::string("cannot read key file: ") + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    return file_error(path, "secret key file is readable by group or others; run chmod 600 on it");
  }
  Result<std::string> line = read_key_line(path);
  if (!line) return line.error();
  char pub[kZ85KeyLength + 1];
  if (zmq_curve_public(pub, line.value().c_str()) != 0) {
    return file_error(path, "cannot derive the public key from this secret key");
  }
  return KeyPair{.public_z85 = pub, .secret_z85 = line.value()};
}

Result<std::string> load_public_key(const std::string& path) { return read_key_line(path); }

Result<KeyPair> load_or_create_key_pair(const std::string& secret_path, const std::string& public_path) {
  if (::access(secret_path.c_str(), F_OK) == 0) return load_secret_key(secret_path);
  Result<KeyPair> pair = generate_key_pair();
  if (!pair) return pair;
  // write_key_files works on a prefix; write the two paths directly since they may differ.
  if (Status s = write_file(secret_path, "# Picket CURVE secret key: keep private\n" + pair->secret_z85 + "\n",
                            0600, false);
      !s) {
    return s.error();
  }
  if (!public_path.empty()) {
    if (Status s = write_file(public_path, pair->public_z85 + "\n", 0644, true); !s) return s.error();
  }
  return pair;
}

}  // namespace picket::transport
