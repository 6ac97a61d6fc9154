#include "agent/detect/prefilter.h"

#include <hs/hs.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace picket::detect {
namespace {

struct CbCtx {
  void* ctx;
  void (*cb)(void*, unsigned);
};

int on_hs_match(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {  // NOLINT: HS API
  auto* c = static_cast<CbCtx*>(ctx);
  c->cb(c->ctx, id);
  return 0;
}

}  // namespace

Scratch::~Scratch() {
  if (s_ != nullptr) hs_free_scratch(s_);
}

bool Scratch::grow(const hs_database* db) { return hs_alloc_scratch(db, &s_) == HS_SUCCESS; }

Prefilter::~Prefilter() {
  if (db_ != nullptr) hs_free_database(db_);
}

void Prefilter::add(std::string_view literal, bool nocase, unsigned id) {
  lits_.push_back(Lit{std::string(literal), HS_FLAG_SINGLEMATCH | (nocase ? HS_FLAG_CASELESS : 0u), id});
}

bool Prefilter::compile(std::string* err) {
  if (lits_.empty()) return true;
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  std::vector<size_t> lens;
  for (const auto& l : lits_) {
    exprs.push_back(l.bytes.data());
    flags.push_back(l.flags);
    ids.push_back(l.id);
    lens.push_back(l.bytes.size());
  }
  hs_compile_error_t* ce = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(lits_.size()),
                           HS_MODE_BLOCK, nullptr, &db_, &ce) != HS_SUCCESS) {
    *err = ce != nullptr && ce->message != nullptr ? ce->message : "hyperscan compile failed";
    if (ce != nullptr) hs_free_compile_error(ce);
    db_ = nullptr;
    return false;
  }
  return true;
}

namespace {

uint64_t fnv1a(std::string_view s, uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

bool Prefilter::compile_cached(const std::string& dir, std::string* err, bool* hit) {
  *hit = false;
  if (dir.empty() || lits_.empty()) return compile(err);
  // 128-bit key: two FNV-1a runs with different offsets over the literal list and the Hyperscan version.
  std::string material = hs_version();
  for (const auto& l : lits_) {
    material += std::to_string(l.bytes.size()) + ":" + l.bytes + ":" + std::to_string(l.flags) + ":" +
                std::to_string(l.id) + ";";
  }
  char name[64];
  std::snprintf(name, sizeof name, "%016llx%016llx.hsdb",
                static_cast<unsigned long long>(fnv1a(material, 14695981039346656037ull)),
                static_cast<unsigned long long>(fnv1a(material, 0x9e3779b97f4a7c15ull)));
  namespace fs = std::filesystem;
  fs::path path = fs::path(dir) / name;
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      if (deserialize(ss.str())) {
        *hit = true;
        return true;
      }
    }
  }
  if (!compile(err)) return false;
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string bytes = serialize();
  if (bytes.empty()) return true;
  fs::path tmp = path;
  tmp += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return true;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      out.close();
      fs::remove(tmp, ec);
      return true;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
  return true;
}

std::string Prefilter::serialize() const {
  if (db_ == nullptr) return {};
  char* bytes = nullptr;
  size_t len = 0;
  if (hs_serialize_database(db_, &bytes, &len) != HS_SUCCESS) return {};
  std::string out(bytes, len);
  free(bytes);  // NOLINT: allocated by Hyperscan with malloc
  return out;
}

bool Prefilter::deserialize(const std::string& bytes) {
  if (db_ != nullptr) hs_free_database(db_);
  db_ = nullptr;
  return hs_deserialize_database(bytes.data(), bytes.size(), &db_) == HS_SUCCESS;
}

bool Prefilter::scan_raw(std::span<const uint8_t> data, Scratch& scratch, void* ctx,
                         void (*cb)(void*, unsigned)) const {
  if (db_ == nullptr || data.empty()) return true;
  CbCtx c{ctx, cb};
  return hs_scan(db_, reinterpret_cast<const char*>(data.data()), static_cast<unsigned>(data.size()), 0, scratch.get(),
                 on_hs_match, &c) == HS_SUCCESS;
}

}  // namespace picket::detect
