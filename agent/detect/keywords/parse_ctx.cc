// ParseCtx helpers shared by the keyword files.
#include <algorithm>

#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

int RuleSetNames::flowbit(std::string_view name) {
  auto it = flowbits.find(name);
  if (it != flowbits.end()) return it->second;
  int id = static_cast<int>(flowbits.size());
  flowbits.emplace(std::string(name), id);
  return id;
}

int ParseCtx::list_index(Buf b) {
  for (size_t i = 0; i < rule.lists.size(); ++i) {
    if (rule.lists[i].buf == b) return static_cast<int>(i);
  }
  rule.lists.push_back(BufferList{.buf = b});
  return static_cast<int>(rule.lists.size() - 1);
}

BufferList& ParseCtx::list_for(Buf b) { return rule.lists[static_cast<size_t>(list_index(b))]; }

void ParseCtx::append(Node n) {
  int li = list_index(sticky);
  auto& list = rule.lists[static_cast<size_t>(li)];
  bool is_content = std::holds_alternative<ContentNode>(n);
  list.nodes.push_back(std::move(n));
  if (is_content) {
    last_list = li;
    last_node = static_cast<int>(list.nodes.size() - 1);
  }
}

ContentNode* ParseCtx::last_content(std::string_view kw) {
  if (last_list < 0) {
    fail(std::string(kw) + " needs a preceding content");
    return nullptr;
  }
  auto& node = rule.lists[static_cast<size_t>(last_list)].nodes[static_cast<size_t>(last_node)];
  return std::get_if<ContentNode>(&node);
}

bool ParseCtx::move_last_content(Buf b, std::string_view kw) {
  if (last_list < 0) return fail(std::string(kw) + " needs a preceding content");
  auto& from = rule.lists[static_cast<size_t>(last_list)];
  if (from.buf == b) return true;
  if (from.buf != Buf::kPayload) {
    return fail(std::string(kw) + " cannot follow a content already in " + std::string(buffer_name(from.buf)));
  }
  Node n = std::move(from.nodes[static_cast<size_t>(last_node)]);
  from.nodes.erase(from.nodes.begin() + last_node);
  int li = list_index(b);
  auto& to = rule.lists[static_cast<size_t>(li)];
  to.nodes.push_back(std::move(n));
  last_list = li;
  last_node = static_cast<int>(to.nodes.size() - 1);
  return true;
}

bool ParseCtx::int_arg(std::string_view text, std::string_view kw, int64_t min, int64_t max, IntArg* out) {
  text = trim(text);
  int64_t v = 0;
  if (parse_int(text, &v)) {
    if (v < min || v > max) {
      return fail(std::string(kw) + ": " + std::string(text) + " out of range [" + std::to_string(min) + ", " +
                  std::to_string(max) + "]");
    }
    *out = IntArg{.value = v};
    return true;
  }
  auto it = std::find(rule.var_names.begin(), rule.var_names.end(), text);
  if (it == rule.var_names.end()) {
    return fail(std::string(kw) + ": '" + std::string(text) + "' is neither a number nor a byte_extract variable");
  }
  *out = IntArg{.var = static_cast<int>(it - rule.var_names.begin())};
  return true;
}

}  // namespace picket::detect
