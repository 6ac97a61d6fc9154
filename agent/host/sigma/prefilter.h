#pragma once
// The literal prefilter of a SigmaRuleSet: which rules can possibly match an event, found with one Hyperscan
// scan per field instead of evaluating every rule. Internal to agent/host/sigma.
//
//   std::string err;
//   auto index = sigma::LiteralIndex::build(rules, &err);      // rules: the set's rules, indices stay valid
//   sigma::LiteralIndex::Hits& hits = sigma::LiteralIndex::thread_hits();
//   bool ok = index->scan(ev, field_mask, hits);               // marks rules that have a literal in `ev`
//   if (!ok || index->passes(i, hits)) evaluate(rules[i]);
//
// For each rule we derive necessary (field, literal) atoms in conjunctive form: if the rule matches an event,
// then for every clause the event holds at least one of the clause's atoms (the literal occurs, ASCII
// case-insensitively, in that field's value; field "" is the raw line). Atoms come from equals/contains/
// startswith/endswith values and the longest literal run of wildcard patterns; `and` / `all of` / `|all`
// keep the clauses of all sides (the 8 most selective), `or` / `1 of` unite the best clause of each side.
// A rule for which nothing is necessary (regex, cidr, exists, null, numbers, fieldref, `not` alone, an empty
// value) is "always": it is evaluated on every event of its log source. The prefilter therefore never hides
// a match; it only skips rules that cannot match.
//
// build() once; scan() from any number of threads at once (each thread uses its own Hyperscan scratch and
// hit stamps, from thread_hits()).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/host/log_event.h"
#include "agent/host/sigma/sigma.h"

namespace picket::host::sigma {

struct Atom {
  std::string field;    // empty: the raw line (keyword search)
  std::string literal;  // lowercase
};

// Necessary atoms of a rule in conjunctive form: a match holds at least one atom of every clause. `always`
// when nothing is known (the rule must be evaluated on every event); an empty clause: it never matches.
using Clause = std::vector<Atom>;
struct Need {
  bool always = true;
  std::vector<Clause> clauses;  // at most 8
};

Need rule_need(const SigmaRule& rule);

class LiteralIndex {
 public:
  // Per-thread scan state: the Hyperscan scratch and one hit stamp per rule.
  class Hits {
   public:
    ~Hits();

   private:
    friend class LiteralIndex;
    void begin(size_t rules);
    std::vector<uint32_t> stamps_;  // stamps_[rule] == stamp_: clauses_[rule] belongs to this event
    std::vector<uint32_t> clauses_; // bit i: clause i of the rule has a hit
    uint32_t stamp_ = 0;
    void* scratch_ = nullptr;   // hs_scratch_t
    uint64_t scratch_for_ = 0;  // serial of the index the scratch was last sized for
  };
  static Hits& thread_hits();

  // nullptr with *error when Hyperscan rejects the literals (the caller then evaluates every rule).
  static std::unique_ptr<LiteralIndex> build(const std::vector<SigmaRule>& rules, std::string* error);
  ~LiteralIndex();
  LiteralIndex(const LiteralIndex&) = delete;
  LiteralIndex& operator=(const LiteralIndex&) = delete;

  bool always(uint32_t rule) const { return full_[rule] == 0; }
  // After scan(): whether rule `rule` may match (always, or a hit in every clause).
  bool passes(uint32_t rule, const Hits& hits) const {
    return full_[rule] == 0 || (hits.stamps_[rule] == hits.stamp_ && hits.clauses_[rule] == full_[rule]);
  }
  // Number of scanned fields (the raw line is field 0); a field mask has this many entries.
  size_t field_count() const { return fields_.size(); }
  // The field mask entries rule `rule` needs scanned.
  void add_rule_fields(uint32_t rule, std::vector<uint8_t>& mask) const;
  // Marks in `hits` every rule with an atom in `ev`, scanning only the fields whose mask entry is set.
  // False when Hyperscan failed (no scratch memory): the caller must then evaluate every candidate.
  bool scan(const LogEvent& ev, const std::vector<uint8_t>& mask, Hits& hits) const;
  size_t always_count() const;
  size_t atom_count() const { return atoms_; }

 private:
  struct Target {
    uint32_t rule;
    uint32_t clause_bit;
  };
  struct Field {
    std::string name;
    void* db = nullptr;                        // hs_database_t, nullptr when the field has no literal
    std::vector<std::vector<Target>> targets;  // pattern id -> the rule clauses it satisfies
  };
  LiteralIndex() = default;
  static int on_literal(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
                        void* ctx);
  bool scan_field(const Field& f, std::string_view value, Hits& hits) const;
  // Field id by name (-1: no literal in that field): open addressing on LogField::sig, so a lookup hashes
  // nothing and compares bytes only on a signature match.
  int32_t field_id(const LogField& lf) const;

  uint64_t serial_ = 0;
  size_t rule_count_ = 0;
  size_t atoms_ = 0;
  std::vector<uint32_t> full_;  // per rule: all clause bits; 0 = always
  std::vector<Field> fields_;                              // [0] is the raw line
  std::vector<std::pair<uint32_t, int32_t>> by_sig_;       // (sig, field id), id -1 = empty; size 2^k
  std::vector<std::vector<uint32_t>> rule_fields_;          // rule -> fields it has atoms in
};

}  // namespace picket::host::sigma
