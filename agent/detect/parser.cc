#include "agent/detect/parser.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "agent/detect/util.h"

namespace picket::detect {
namespace {

struct Option {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
};

// Splits "(a:b; c; d:"x\;y";)" contents on unescaped ';'.
bool split_options(std::string_view body, std::vector<Option>* out, std::string* err) {
  size_t i = 0;
  while (true) {
    while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    if (i >= body.size()) break;
    size_t start = i;
    size_t colon = std::string_view::npos;
    bool ended = false;
    for (; i < body.size(); ++i) {
      char c = body[i];
      if (c == '\\') {
        ++i;
        continue;
      }
      if (c == ':' && colon == std::string_view::npos) colon = i;
      if (c == ';') {
        ended = true;
        break;
      }
    }
    if (!ended) {
      *err = "option '" + std::string(trim(body.substr(start))) + "' is not terminated by ';'";
      return false;
    }
    Option o;
    if (colon == std::string_view::npos) {
      o.name = trim(body.substr(start, i - start));
    } else {
      o.name = trim(body.substr(start, colon - start));
      o.value = trim(body.substr(colon + 1, i - colon - 1));
      o.has_value = true;
    }
    if (o.name.empty()) {
      *err = "empty option";
      return false;
    }
    out->push_back(o);
    ++i;
  }
  return true;
}

// Header words, keeping bracketed lists (which may contain spaces) whole.
std::vector<std::string_view> header_words(std::string_view h) {
  std::vector<std::string_view> w;
  size_t i = 0;
  while (i < h.size()) {
    while (i < h.size() && std::isspace(static_cast<unsigned char>(h[i]))) ++i;
    if (i >= h.size()) break;
    size_t start = i;
    int depth = 0;
    while (i < h.size() && (depth > 0 || !std::isspace(static_cast<unsigned char>(h[i])))) {
      if (h[i] == '[') ++depth;
      if (h[i] == ']') --depth;
      ++i;
    }
    w.push_back(h.substr(start, i - start));
  }
  return w;
}

// Finds "sid:N" in the options for error messages, before the full parse.
std::optional<uint64_t> find_sid(std::string_view text) {
  size_t pos = 0;
  while ((pos = text.find("sid", pos)) != std::string_view::npos) {
    bool boundary = pos == 0 || text[pos - 1] == ';' || text[pos - 1] == '(' || std::isspace(static_cast<unsigned char>(text[pos - 1]));
    size_t j = pos + 3;
    while (j < text.size() && text[j] == ' ') ++j;
    if (boundary && j < text.size() && text[j] == ':') {
      ++j;
      while (j < text.size() && text[j] == ' ') ++j;
      uint64_t v = 0;
      size_t k = j;
      while (k < text.size() && std::isdigit(static_cast<unsigned char>(text[k]))) {
        v = v * 10 + static_cast<uint64_t>(text[k] - '0');
        if (v > 0xffffffffULL) break;
        ++k;
      }
      if (k > j) return v;
    }
    pos += 3;
  }
  return std::nullopt;
}

Error make_error(const std::string& file, int line, std::optional<uint64_t> sid, std::string msg, std::string reason) {
  return Error{.file = file, .line = line, .sid = sid, .message = std::move(msg), .reason = std::move(reason)};
}

bool parse_action(std::string_view w, Action* a) {
  if (w == "alert") {
    *a = Action::kAlert;
  } else if (w == "pass") {
    *a = Action::kPass;
  } else if (w == "drop") {
    *a = Action::kDrop;
  } else if (w == "reject" || w == "rejectsrc" || w == "rejectdst" || w == "rejectboth") {
    *a = Action::kReject;
  } else {
    return false;
  }
  return true;
}

// Checks that need the whole rule.
bool finish_rule(Rule& r, std::string* err) {
  if (r.sid == 0) {
    *err = "missing sid";
    return false;
  }
  // Drop lists left empty by legacy modifiers (content moved to another buffer).
  r.lists.erase(std::remove_if(r.lists.begin(), r.lists.end(),
                               [](const BufferList& l) { return l.nodes.empty() && !l.length && !l.dotprefix; }),
                r.lists.end());
  // Buffers imply an application protocol; it must agree with the header's.
  for (const auto& l : r.lists) {
    Proto bp = buffer_proto(l.buf);
    if (bp == Proto::kIp) continue;
    if (proto_is_app(r.proto) && r.proto != bp && !(bp == Proto::kHttp && (r.proto == Proto::kHttp2 || r.proto == Proto::kHttp1))) {
      *err = "buffer " + std::string(buffer_name(l.buf)) + " does not apply to protocol " +
             std::string(proto_name(r.proto));
      return false;
    }
    if (r.proto == Proto::kUdp && proto_transport(bp) == 6) {
      *err = "buffer " + std::string(buffer_name(l.buf)) + " needs tcp, rule is udp";
      return false;
    }
    if (r.proto == Proto::kIcmp || r.proto == Proto::kIcmpv4 || r.proto == Proto::kIcmpv6) {
      *err = "buffer " + std::string(buffer_name(l.buf)) + " does not apply to icmp";
      return false;
    }
  }
  for (const auto& l : r.lists) {
    for (const auto& n : l.nodes) {
      const auto* c = std::get_if<ContentNode>(&n);
      if (c == nullptr) continue;
      if (c->fast_pattern_only && (c->negated || c->has_offset || c->has_depth || c->relative())) {
        *err = "fast_pattern:only cannot be combined with negation or position modifiers";
        return false;
      }
    }
  }
  choose_fast_pattern(r);
  return true;
}

}  // namespace

Result<Rule> parse_rule(std::string_view text, const std::string& file, int line, const Vars& vars,
                        RuleSetNames& names) {
  text = trim(text);
  auto sid = find_sid(text);
  auto fail = [&](std::string msg, std::string reason) -> Result<Rule> {
    return make_error(file, line, sid, std::move(msg), std::move(reason));
  };
  auto open = text.find('(');
  if (open == std::string_view::npos || text.back() != ')') {
    return fail("rule must end with an option list in parentheses", "syntax");
  }
  Rule r;
  r.file = file;
  r.line = line;
  r.text = std::string(text);
  auto words = header_words(text.substr(0, open));
  if (words.size() != 7) return fail("header needs 7 fields (action proto src sport dir dst dport)", "bad header");
  if (!parse_action(words[0], &r.action)) return fail("unknown action '" + std::string(words[0]) + "'", "bad action");
  if (!proto_by_name(words[1], &r.proto)) {
    return fail("unknown protocol '" + std::string(words[1]) + "'", "unsupported protocol " + std::string(words[1]));
  }
  std::string err;
  r.src_text = std::string(words[2]);
  r.sp_text = std::string(words[3]);
  r.dst_text = std::string(words[5]);
  r.dp_text = std::string(words[6]);
  if (!parse_addr(words[2], vars, &r.src, &err)) return fail("source address: " + err, "bad address");
  if (!parse_ports(words[3], vars, &r.sp, &err)) return fail("source port: " + err, "bad port");
  if (words[4] == "<>") {
    r.bidirectional = true;
  } else if (words[4] != "->") {
    return fail("direction must be -> or <>, got '" + std::string(words[4]) + "'", "bad header");
  }
  if (!parse_addr(words[5], vars, &r.dst, &err)) return fail("destination address: " + err, "bad address");
  if (!parse_ports(words[6], vars, &r.dp, &err)) return fail("destination port: " + err, "bad port");

  std::vector<Option> opts;
  if (!split_options(text.substr(open + 1, text.size() - open - 2), &opts, &err)) return fail(err, "syntax");
  ParseCtx ctx{.rule = r, .vars = vars, .names = names};
  std::set<std::string_view> once;
  for (const auto& o : opts) {
    const Keyword* kw = find_keyword(o.name);
    if (kw == nullptr) return fail("unknown keyword '" + std::string(o.name) + "'", "unknown keyword " + std::string(o.name));
    if (kw->parse == parse_unsupported) {
      return fail("keyword '" + std::string(o.name) + "' is not supported", "unsupported keyword " + std::string(o.name));
    }
    if (kw->value == Value::kRequired && (!o.has_value || o.value.empty())) {
      return fail(std::string(o.name) + " needs a value", "bad value: " + std::string(o.name));
    }
    if (kw->value == Value::kNone && o.has_value) {
      return fail(std::string(o.name) + " takes no value", "bad value: " + std::string(o.name));
    }
    if (o.name == "sid" || o.name == "msg" || o.name == "rev" || o.name == "gid" || o.name == "classtype" ||
        o.name == "priority" || o.name == "target" || o.name == "flow") {
      if (!once.insert(o.name).second) return fail(std::string(o.name) + " given twice", "bad value: " + std::string(o.name));
    }
    ctx.keyword = kw->name;
    if (!kw->parse(ctx, o.value)) return fail(ctx.error, "bad value: " + std::string(o.name));
  }
  if (!finish_rule(r, &err)) return fail(err, err == "missing sid" ? "missing sid" : "invalid rule");
  return r;
}

void parse_rules_text(std::string_view text, const std::string& file, const Vars& vars, RuleSet* set) {
  std::string joined;
  int start_line = 0;
  int line_no = 0;
  size_t pos = 0;
  std::set<std::pair<uint32_t, uint32_t>> seen;
  for (const auto& r : set->rules) seen.insert({r.gid, r.sid});
  while (pos <= text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string_view t = trim(raw);
    if (joined.empty()) {
      if (t.empty() || t.front() == '#') continue;
      start_line = line_no;
    }
    if (!t.empty() && t.back() == '\\') {
      joined.append(t.substr(0, t.size() - 1));
      continue;
    }
    joined.append(t);
    auto r = parse_rule(joined, file, start_line, vars, set->names);
    joined.clear();
    if (!r) {
      set->diag.add(r.error());
      set->failed++;
      set->reasons[r.error().reason]++;
      continue;
    }
    if (!seen.insert({r->gid, r->sid}).second) {
      set->diag.add(make_error(file, start_line, r->sid, "duplicate sid (gid " + std::to_string(r->gid) + ")",
                               "duplicate sid"));
      set->failed++;
      set->reasons["duplicate sid"]++;
      continue;
    }
    set->rules.push_back(std::move(r.value()));
  }
  if (!joined.empty()) {
    set->diag.add(make_error(file, start_line, find_sid(joined), "rule continued with '\\' past the end of the file",
                             "syntax"));
    set->failed++;
    set->reasons["syntax"]++;
  }
}

RuleSet load_rules(const std::vector<std::string>& paths, const Vars& vars) {
  RuleSet set;
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".rules") found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
      if (ec) set.diag.add(Error{.file = p, .message = "cannot read folder: " + ec.message(), .reason = "unreadable"});
    } else {
      files.push_back(p);
    }
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      set.diag.add(Error{.file = f, .message = "cannot open rules file", .reason = "unreadable"});
      set.reasons["unreadable file"]++;
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    parse_rules_text(ss.str(), f, vars, &set);
  }
  return set;
}

}  // namespace picket::detect
