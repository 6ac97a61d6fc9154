// The literal prefilter: necessary atoms of each rule, and one Hyperscan literal database per field.
#include "agent/host/sigma/prefilter.h"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <map>
#include <set>

namespace picket::host::sigma {
namespace {

constexpr size_t kMaxClauses = 8;

Need always_need() { return Need{}; }
// A side that can never match: one clause nothing satisfies.
Need never_matches() { return Need{.always = false, .clauses = {Clause{}}}; }
bool is_never(const Need& n) {
  return !n.always && std::any_of(n.clauses.begin(), n.clauses.end(), [](const Clause& c) { return c.empty(); });
}

// Higher is more selective: the shortest literal decides how often a clause is hit; fewer atoms break ties.
std::pair<size_t, size_t> score(const Clause& c) {
  size_t shortest = std::numeric_limits<size_t>::max();
  for (const auto& a : c) shortest = std::min(shortest, a.literal.size());
  return {shortest, std::numeric_limits<size_t>::max() - c.size()};
}

void sort_best_first(std::vector<Clause>& cs) {
  std::stable_sort(cs.begin(), cs.end(), [](const Clause& a, const Clause& b) { return score(a) > score(b); });
}

// AND: every clause of every side is necessary; keep the most selective kMaxClauses.
Need both(Need a, Need b) {
  if (a.always) return b;
  if (b.always) return a;
  if (is_never(a)) return a;
  if (is_never(b)) return b;
  for (auto& c : b.clauses) a.clauses.push_back(std::move(c));
  sort_best_first(a.clauses);
  if (a.clauses.size() > kMaxClauses) a.clauses.resize(kMaxClauses);
  return a;
}

// OR: a match of either side holds the best clause of that side, so the union of those is one clause.
Need either(Need a, Need b) {
  if (a.always || b.always) return always_need();
  if (is_never(a)) return b;
  if (is_never(b)) return a;
  sort_best_first(a.clauses);
  sort_best_first(b.clauses);
  Clause c = std::move(a.clauses.front());
  for (auto& atom : b.clauses.front()) c.push_back(std::move(atom));
  return Need{.always = false, .clauses = {std::move(c)}};
}

std::string lower_copy(std::string_view s) {
  std::string out;
  ascii_lower(s, out);
  return out;
}

Need atom_need(const std::string& field, std::string_view literal) {
  return Need{.always = false, .clauses = {Clause{Atom{field, lower_copy(literal)}}}};
}

Need value_need(const Value& v, const std::string& field) {
  switch (v.kind) {
    case Kind::kEquals:
    case Kind::kContains:
    case Kind::kStartsWith:
    case Kind::kEndsWith:
      if (v.text.empty()) return always_need();
      return atom_need(field, v.text);
    case Kind::kGlob: {
      // The longest run of plain bytes between wildcards must occur in the value.
      std::string best, run;
      for (int16_t c : v.glob) {
        if (c < 0) {
          if (run.size() > best.size()) best = run;
          run.clear();
        } else {
          run += static_cast<char>(static_cast<uint8_t>(c));
        }
      }
      if (run.size() > best.size()) best = run;
      if (best.empty()) return always_need();
      return atom_need(field, best);
    }
    default: return always_need();  // regex, cidr, exists, null, numbers, fieldref
  }
}

Need field_need(const FieldMatch& fm) {
  if (fm.values.empty()) return always_need();
  auto alts_need = [&](const Alternatives& alts) {
    Need n = never_matches();
    for (const auto& v : alts) n = either(std::move(n), value_need(v, fm.field));
    return n;
  };
  if (fm.all) {
    Need acc = always_need();
    for (const auto& alts : fm.values) acc = both(std::move(acc), alts_need(alts));
    return acc;
  }
  Need acc = never_matches();
  for (const auto& alts : fm.values) acc = either(std::move(acc), alts_need(alts));
  return acc;
}

Need selection_need(const Selection& sel) {
  Need acc = never_matches();
  for (const auto& group : sel.groups) {
    Need g = always_need();  // an empty group matches every event
    for (const auto& fm : group) g = both(std::move(g), field_need(fm));
    acc = either(std::move(acc), std::move(g));
  }
  return acc;
}

Need node_need(const SigmaRule& r, int node, int depth) {
  if (node < 0 || static_cast<size_t>(node) >= r.nodes.size() || depth > 200) return always_need();
  const CondNode& n = r.nodes[static_cast<size_t>(node)];
  auto sel = [&](int k) {
    if (k < 0 || static_cast<size_t>(k) >= r.selections.size()) return always_need();
    return selection_need(r.selections[static_cast<size_t>(k)]);
  };
  switch (n.op) {
    case CondNode::kAnd: {
      Need acc = always_need();
      for (int k : n.kids) acc = both(std::move(acc), node_need(r, k, depth + 1));
      return acc;
    }
    case CondNode::kOr: {
      Need acc = never_matches();
      for (int k : n.kids) acc = either(std::move(acc), node_need(r, k, depth + 1));
      return acc;
    }
    case CondNode::kNot: return always_need();
    case CondNode::kSel: return n.kids.empty() ? always_need() : sel(n.kids[0]);
    case CondNode::kOneOf: {
      Need acc = never_matches();
      for (int k : n.kids) acc = either(std::move(acc), sel(k));
      return acc;
    }
    case CondNode::kAllOf: {
      Need acc = always_need();
      for (int k : n.kids) acc = both(std::move(acc), sel(k));
      return acc;
    }
  }
  return always_need();
}

std::atomic<uint64_t> g_serial{0};

struct ScanContext {
  const void* targets;  // std::vector<std::vector<LiteralIndex::Target>>
  uint32_t* stamps;
  uint32_t* clauses;
  uint32_t stamp;
};

}  // namespace

Need rule_need(const SigmaRule& rule) {
  if (rule.root < 0) return never_matches();
  return node_need(rule, rule.root, 0);
}

int LiteralIndex::on_literal(unsigned int id, unsigned long long /*from*/, unsigned long long /*to*/,
                             unsigned int /*flags*/, void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  const auto& targets = (*static_cast<const std::vector<std::vector<Target>>*>(c->targets))[id];
  for (const Target& t : targets) {
    if (c->stamps[t.rule] != c->stamp) {
      c->stamps[t.rule] = c->stamp;
      c->clauses[t.rule] = 0;
    }
    c->clauses[t.rule] |= t.clause_bit;
  }
  return 0;
}

LiteralIndex::Hits::~Hits() {
  if (scratch_ != nullptr) hs_free_scratch(static_cast<hs_scratch_t*>(scratch_));
}

void LiteralIndex::Hits::begin(size_t rules) {
  if (stamps_.size() < rules) {
    stamps_.resize(rules, 0);
    clauses_.resize(rules, 0);
  }
  if (++stamp_ == 0) {  // wrapped: old stamps could collide
    std::fill(stamps_.begin(), stamps_.end(), 0);
    stamp_ = 1;
  }
}

LiteralIndex::Hits& LiteralIndex::thread_hits() {
  thread_local Hits hits;
  return hits;
}

std::unique_ptr<LiteralIndex> LiteralIndex::build(const std::vector<SigmaRule>& rules, std::string* error) {
  std::unique_ptr<LiteralIndex> idx(new LiteralIndex());
  idx->serial_ = ++g_serial;
  idx->rule_count_ = rules.size();
  idx->full_.assign(rules.size(), 0);
  idx->rule_fields_.resize(rules.size());
  // field -> literal -> rule clauses
  std::map<std::string, std::map<std::string, std::vector<Target>>> by_field;
  by_field[""];  // the raw line is always field 0
  for (size_t i = 0; i < rules.size(); ++i) {
    const Need n = rule_need(rules[i]);
    if (n.always) continue;
    const auto r = static_cast<uint32_t>(i);
    for (size_t c = 0; c < n.clauses.size() && c < 32; ++c) {
      const uint32_t bit = uint32_t{1} << c;
      idx->full_[i] |= bit;
      for (const auto& a : n.clauses[c]) {
        auto& ts = by_field[a.field][a.literal];
        if (ts.empty() || ts.back().rule != r || (ts.back().clause_bit & bit) == 0) ts.push_back({r, bit});
      }
    }
  }
  idx->fields_.reserve(by_field.size());
  for (auto& [name, literals] : by_field) {
    Field f;
    f.name = name;
    std::vector<std::string> pats;
    for (auto& [lit, ts] : literals) {
      pats.push_back(lit);
      f.targets.push_back(std::move(ts));
    }
    const uint32_t field_id = static_cast<uint32_t>(idx->fields_.size());
    for (const auto& ts : f.targets) {
      for (const Target& t : ts) {
        auto& rf = idx->rule_fields_[t.rule];
        if (std::find(rf.begin(), rf.end(), field_id) == rf.end()) rf.push_back(field_id);
      }
    }
    if (!pats.empty()) {
      std::vector<const char*> exprs;
      std::vector<size_t> lens;
      std::vector<unsigned> flags(pats.size(), HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
      std::vector<unsigned> ids;
      for (size_t i = 0; i < pats.size(); ++i) {
        exprs.push_back(pats[i].data());
        lens.push_back(pats[i].size());
        ids.push_back(static_cast<unsigned>(i));
      }
      hs_database_t* db = nullptr;
      hs_compile_error_t* err = nullptr;
      if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                               static_cast<unsigned>(pats.size()), HS_MODE_BLOCK, nullptr, &db,
                               &err) != HS_SUCCESS) {
        *error = "Hyperscan rejected the literals of field '" + name + "': " +
                 (err != nullptr && err->message != nullptr ? err->message : "unknown error");
        if (err != nullptr) hs_free_compile_error(err);
        return nullptr;
      }
      f.db = db;
      idx->atoms_ += pats.size();
    }
    idx->fields_.push_back(std::move(f));
  }
  size_t slots = 16;
  while (slots < idx->fields_.size() * 4) slots *= 2;
  idx->by_sig_.assign(slots, {0, -1});
  for (size_t i = 1; i < idx->fields_.size(); ++i) {  // field 0, the raw line, is never looked up by name
    const uint32_t sig = name_sig(idx->fields_[i].name);
    size_t h = (sig * 2654435761u) >> 7 & (slots - 1);
    while (idx->by_sig_[h].second >= 0) h = (h + 1) & (slots - 1);
    idx->by_sig_[h] = {sig, static_cast<int32_t>(i)};
  }
  return idx;
}

LiteralIndex::~LiteralIndex() {
  for (auto& f : fields_) {
    if (f.db != nullptr) hs_free_database(static_cast<hs_database_t*>(f.db));
  }
}

size_t LiteralIndex::always_count() const {
  return static_cast<size_t>(std::count(full_.begin(), full_.end(), 0u));
}

void LiteralIndex::add_rule_fields(uint32_t rule, std::vector<uint8_t>& mask) const {
  mask.resize(fields_.size(), 0);
  for (uint32_t f : rule_fields_[rule]) mask[f] = 1;
}

bool LiteralIndex::scan_field(const Field& f, std::string_view value, Hits& hits) const {
  if (f.db == nullptr || value.empty()) return true;
  ScanContext ctx{.targets = &f.targets, .stamps = hits.stamps_.data(), .clauses = hits.clauses_.data(),
                  .stamp = hits.stamp_};
  // Hyperscan takes an unsigned length; longer values are cut (parsers already cap lines at 64 KiB).
  const auto len = static_cast<unsigned>(std::min<size_t>(value.size(), 1u << 30));
  return hs_scan(static_cast<const hs_database_t*>(f.db), value.data(), len, 0,
                 static_cast<hs_scratch_t*>(hits.scratch_), on_literal, &ctx) == HS_SUCCESS;
}

bool LiteralIndex::scan(const LogEvent& ev, const std::vector<uint8_t>& mask, Hits& hits) const {
  hits.begin(rule_count_);
  if (hits.scratch_for_ != serial_) {
    for (const auto& f : fields_) {
      if (f.db == nullptr) continue;
      auto* s = static_cast<hs_scratch_t*>(hits.scratch_);
      if (hs_alloc_scratch(static_cast<const hs_database_t*>(f.db), &s) != HS_SUCCESS) return false;
      hits.scratch_ = s;
    }
    hits.scratch_for_ = serial_;
  }
  if (hits.scratch_ == nullptr) return true;  // no field has a literal: nothing to mark
  bool ok = true;
  if (!mask.empty() && mask[0] != 0) ok &= scan_field(fields_[0], ev.raw(), hits);
  for (size_t i = 0; i < ev.size(); ++i) {
    const LogField& lf = ev.at(i);
    const int32_t id = field_id(lf);
    if (id <= 0 || mask.size() <= static_cast<size_t>(id) || mask[static_cast<size_t>(id)] == 0) continue;
    ok &= scan_field(fields_[static_cast<size_t>(id)], lf.value, hits);
  }
  return ok;
}

int32_t LiteralIndex::field_id(const LogField& lf) const {
  const size_t mask = by_sig_.size() - 1;
  for (size_t h = (lf.sig * 2654435761u) >> 7 & mask;; h = (h + 1) & mask) {
    const auto& [sig, id] = by_sig_[h];
    if (id < 0) return -1;
    if (sig == lf.sig && fields_[static_cast<size_t>(id)].name == lf.name) return id;
  }
}

}  // namespace picket::host::sigma
