#include "agent/detect/prefilter.h"

#include <hs/hs.h>

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
