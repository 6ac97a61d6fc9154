#pragma once
// A Hyperscan literal multi-pattern database: one per (rule group, inspection buffer). Patterns are the
// rules' fast patterns; a scan reports each pattern id at most once.
//
//   detect::Prefilter pf;
//   pf.add("GET /", /*nocase=*/false, /*id=*/7);
//   if (!pf.compile(&err)) ...;
//   pf.scan(data, scratch, [](unsigned id) { ... });
//
// compile() on the control plane; scan() from any thread with its own Scratch.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct hs_database;
struct hs_scratch;

namespace picket::detect {

// Per-thread Hyperscan scratch space, sized for every database it was grown with.
class Scratch {
 public:
  Scratch() = default;
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  hs_scratch* get() const { return s_; }
  bool grow(const hs_database* db);

 private:
  hs_scratch* s_ = nullptr;
};

class Prefilter {
 public:
  Prefilter() = default;
  ~Prefilter();
  Prefilter(const Prefilter&) = delete;
  Prefilter& operator=(const Prefilter&) = delete;

  void add(std::string_view literal, bool nocase, unsigned id);
  size_t size() const { return lits_.size(); }
  bool compile(std::string* err);
  // compile() through an on-disk cache: the database is read from `dir`/<key>.hsdb when present and valid
  // (the key hashes the literals, their flags and ids, and the Hyperscan version), else compiled and written
  // there (atomically, errors ignored: the cache is an optimisation). Sets *hit when read from the cache.
  bool compile_cached(const std::string& dir, std::string* err, bool* hit);
  // Serialised database (for the on-disk cache) and loading from it.
  std::string serialize() const;
  bool deserialize(const std::string& bytes);
  const hs_database* db() const { return db_; }

  // Calls `on_match(id)` once per matching pattern id. Returns false on a Hyperscan error.
  template <typename F>
  bool scan(std::span<const uint8_t> data, Scratch& scratch, F&& on_match) const {
    return scan_raw(data, scratch, &on_match,
                    [](void* ctx, unsigned id) { (*static_cast<std::remove_reference_t<F>*>(ctx))(id); });
  }

 private:
  bool scan_raw(std::span<const uint8_t> data, Scratch& scratch, void* ctx, void (*cb)(void*, unsigned)) const;
  struct Lit {
    std::string bytes;
    unsigned flags;
    unsigned id;
  };
  std::vector<Lit> lits_;
  hs_database* db_ = nullptr;
};

}  // namespace picket::detect
