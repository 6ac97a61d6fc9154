#pragma once
// SHA-256 of bytes already in memory (a mapped file, a buffer) or of a file, as lowercase hex.
//
//   std::string hex = picket::yara::sha256_hex(bytes);
//
// Pure functions; any thread.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace picket::yara {

std::string sha256_hex(std::span<const uint8_t> bytes);
// Reads the file in blocks; nullopt when it cannot be opened or read.
std::optional<std::string> sha256_file(const std::string& path);
// Reads from the descriptor's current offset to its end.
std::optional<std::string> sha256_fd(int fd);

}  // namespace picket::yara
