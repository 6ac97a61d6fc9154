// Recursive-descent parser for Sigma conditions.
#include "agent/host/sigma/condition.h"

#include "agent/host/sigma/value.h"

namespace picket::host::sigma {
namespace {

constexpr int kMaxDepth = 64;

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '*' ||
         c == '-' || c == '.' || c == '?';
}

bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, const std::vector<Selection>& sels, std::vector<CondNode>& nodes)
      : s_(text), sels_(sels), nodes_(nodes) {}

  int run(std::string* error) {
    int root = parse_or(0);
    skip_space();
    if (root >= 0 && pos_ < s_.size()) {
      if (s_[pos_] == '|') fail("aggregation expressions ('|') are not supported; use a correlation rule");
      else fail("unexpected '" + std::string(peek_word()) + "'");
      root = -1;
    }
    if (root < 0) *error = error_;
    return root;
  }

 private:
  void fail(std::string msg) {
    if (error_.empty()) error_ = "condition: " + std::move(msg);
  }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  std::string_view peek_word() {
    skip_space();
    if (pos_ < s_.size() && (s_[pos_] == '(' || s_[pos_] == ')')) return s_.substr(pos_, 1);
    size_t e = pos_;
    while (e < s_.size() && ident_char(s_[e])) ++e;
    if (e == pos_ && pos_ < s_.size()) return s_.substr(pos_, 1);
    return s_.substr(pos_, e - pos_);
  }
  std::string_view take_word() {
    std::string_view w = peek_word();
    pos_ += w.size();
    return w;
  }
  int add(CondNode n) {
    nodes_.push_back(std::move(n));
    return static_cast<int>(nodes_.size()) - 1;
  }

  int parse_or(int depth) {
    int left = parse_and(depth);
    if (left < 0) return -1;
    while (ieq(peek_word(), "or")) {
      take_word();
      int right = parse_and(depth);
      if (right < 0) return -1;
      left = add(CondNode{.op = CondNode::kOr, .kids = {left, right}});
    }
    return left;
  }
  int parse_and(int depth) {
    int left = parse_not(depth);
    if (left < 0) return -1;
    while (ieq(peek_word(), "and")) {
      take_word();
      int right = parse_not(depth);
      if (right < 0) return -1;
      left = add(CondNode{.op = CondNode::kAnd, .kids = {left, right}});
    }
    return left;
  }
  int parse_not(int depth) {
    if (depth > kMaxDepth) {
      fail("nested too deeply");
      return -1;
    }
    if (ieq(peek_word(), "not")) {
      take_word();
      int kid = parse_not(depth + 1);
      if (kid < 0) return -1;
      return add(CondNode{.op = CondNode::kNot, .kids = {kid}});
    }
    return parse_primary(depth);
  }
  int parse_primary(int depth) {
    std::string_view w = take_word();
    if (w.empty()) {
      fail("expression expected at the end");
      return -1;
    }
    if (w == "(") {
      int inner = parse_or(depth + 1);
      if (inner < 0) return -1;
      if (take_word() != ")") {
        fail("')' expected");
        return -1;
      }
      return inner;
    }
    if (w == ")" || ieq(w, "and") || ieq(w, "or")) {
      fail("unexpected '" + std::string(w) + "'");
      return -1;
    }
    // Quantifiers: "1 of", "any of", "all of", "N of".
    if (ieq(peek_word_after(w), "of") && (ieq(w, "all") || ieq(w, "any") || all_digits(w))) {
      take_word();  // "of"
      std::string_view target = take_word();
      if (target.empty() || target == "(" || target == ")") {
        fail("identifier or 'them' expected after 'of'");
        return -1;
      }
      CondNode n{.op = ieq(w, "all") ? CondNode::kAllOf : CondNode::kOneOf};
      if (all_digits(w)) n.min = std::max(1, std::atoi(std::string(w).c_str()));
      const bool them = ieq(target, "them");
      std::vector<int16_t> pat;
      for (char c : target) pat.push_back(c == '*' ? int16_t{-1} : static_cast<int16_t>(static_cast<uint8_t>(c)));
      for (size_t i = 0; i < sels_.size(); ++i) {
        const auto& name = sels_[i].name;
        if (them ? (!name.empty() && name[0] != '_') : glob_match(pat, name)) n.kids.push_back(static_cast<int>(i));
      }
      if (n.kids.empty()) {
        fail("'" + std::string(target) + "' names no detection identifier");
        return -1;
      }
      return add(std::move(n));
    }
    if (ieq(w, "near")) {
      fail("'near' is not supported");
      return -1;
    }
    for (size_t i = 0; i < sels_.size(); ++i) {
      if (sels_[i].name == w) return add(CondNode{.op = CondNode::kSel, .kids = {static_cast<int>(i)}});
    }
    if (w.find('*') != std::string_view::npos) {
      fail("wildcard '" + std::string(w) + "' needs '1 of' or 'all of'");
    } else {
      fail("unknown detection identifier '" + std::string(w) + "'");
    }
    return -1;
  }
  std::string_view peek_word_after(std::string_view) { return peek_word(); }
  static bool all_digits(std::string_view w) {
    if (w.empty()) return false;
    for (char c : w) {
      if (c < '0' || c > '9') return false;
    }
    return w.size() < 5;
  }

  std::string_view s_;
  size_t pos_ = 0;
  const std::vector<Selection>& sels_;
  std::vector<CondNode>& nodes_;
  std::string error_;
};

}  // namespace

int parse_condition(std::string_view text, const std::vector<Selection>& selections, std::vector<CondNode>& nodes,
                    std::string* error) {
  Parser p(text, selections, nodes);
  return p.run(error);
}

}  // namespace picket::host::sigma
