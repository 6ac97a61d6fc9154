#pragma once
// CURVE key pairs and their files. A key is 32 bytes, written as 40 characters of Z85 (ZeroMQ's text form).
//
//   auto pair = picket::transport::generate_key_pair();
//   picket::transport::write_key_files("/etc/picket/agent", pair.value());   // agent.key (0600), agent.pub
//   auto secret = picket::transport::load_secret_key("/etc/picket/agent.key");  // derives the public key
//   auto server = picket::transport::load_public_key("/etc/picket/collector.pub");
//
// Key files hold one line of 40 Z85 characters; blank lines and lines starting with '#' are ignored. A
// secret key file readable by group or others is refused. Plain functions; callable from any thread.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace picket::transport {

inline constexpr size_t kZ85KeyLength = 40;
using KeyBytes = std::array<uint8_t, 32>;

struct KeyPair {
  std::string public_z85;
  std::string secret_z85;
};

// True when `text` is 40 valid Z85 characters.
bool is_z85_key(std::string_view text);
// Decodes a Z85 key; false when it is not one.
bool z85_to_bytes(std::string_view text, KeyBytes* out);
std::string bytes_to_z85(const KeyBytes& key);

Result<KeyPair> generate_key_pair();
// Writes PREFIX.key (secret, created with mode 0600) and PREFIX.pub. Refuses to overwrite either file
// unless `overwrite`.
Status write_key_files(const std::string& prefix, const KeyPair& pair, bool overwrite = false);
// Reads a secret key file and derives its public key.
Result<KeyPair> load_secret_key(const std::string& path);
// Reads a public key file.
Result<std::string> load_public_key(const std::string& path);
// Loads PREFIX's secret key file when it exists, else creates the pair (used for first-start defaults).
Result<KeyPair> load_or_create_key_pair(const std::string& secret_path, const std::string& public_path);

}  // namespace picket::transport
