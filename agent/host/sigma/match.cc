// Evaluating a parsed Sigma rule on one event. No allocation; short-circuit everywhere.
#include "agent/host/sigma/sigma.h"
#include "agent/host/sigma/value.h"

namespace picket::host {
namespace {

using sigma::CondNode;

bool field_matches(const sigma::FieldMatch& fm, const LogEvent& ev) {
  const bool keyword = fm.field.empty();
  const LogField* f = keyword ? nullptr : ev.find(fm.field);
  auto one = [&](const sigma::Alternatives& alts) {
    for (const auto& v : alts) {
      if (keyword ? sigma::match_raw(v, ev) : sigma::match_value(v, f, ev)) return true;
    }
    return false;
  };
  if (fm.all) {
    for (const auto& alts : fm.values) {
      if (!one(alts)) return false;
    }
    return !fm.values.empty();
  }
  for (const auto& alts : fm.values) {
    if (one(alts)) return true;
  }
  return false;
}

bool selection_matches(const sigma::Selection& sel, const LogEvent& ev) {
  for (const auto& group : sel.groups) {
    bool ok = true;
    for (const auto& fm : group) {
      if (!field_matches(fm, ev)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

bool eval(const SigmaRule& r, int node, const LogEvent& ev) {
  const CondNode& n = r.nodes[static_cast<size_t>(node)];
  switch (n.op) {
    case CondNode::kAnd:
      for (int k : n.kids) {
        if (!eval(r, k, ev)) return false;
      }
      return true;
    case CondNode::kOr:
      for (int k : n.kids) {
        if (eval(r, k, ev)) return true;
      }
      return false;
    case CondNode::kNot: return !eval(r, n.kids[0], ev);
    case CondNode::kSel: return selection_matches(r.selections[static_cast<size_t>(n.kids[0])], ev);
    case CondNode::kOneOf: {
      int hits = 0;
      for (int k : n.kids) {
        if (selection_matches(r.selections[static_cast<size_t>(k)], ev) && ++hits >= n.min) return true;
      }
      return false;
    }
    case CondNode::kAllOf:
      for (int k : n.kids) {
        if (!selection_matches(r.selections[static_cast<size_t>(k)], ev)) return false;
      }
      return true;
  }
  return false;
}

}  // namespace

bool SigmaRule::matches_logsource(const LogEvent& ev) const {
  if (!logsource.product.empty() && logsource.product != ev.product()) return false;
  if (!logsource.category.empty() && logsource.category != ev.category()) return false;
  if (!logsource.service.empty() && !ev.has_service(logsource.service)) return false;
  return true;
}

bool SigmaRule::matches(const LogEvent& ev) const { return root >= 0 && eval(*this, root, ev); }

}  // namespace picket::host
