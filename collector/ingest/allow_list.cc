#include "collector/ingest/allow_list.h"

#include <fcntl.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "common/transport/keys.h"

namespace picket::collector {
namespace {

Error at(const std::string& file, const YAML::Node& node, const std::string& message) {
  const YAML::Mark m = node.Mark();
  return Error{.file = file, .line = m.line >= 0 ? m.line + 1 : 0, .column = m.column >= 0 ? m.column + 1 : 0,
               .message = message};
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

}  // namespace

const AgentEntry* AllowList::by_key(std::string_view key) const {
  for (const auto& a : agents) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

const AgentEntry* AllowList::by_name(std::string_view name) const {
  for (const auto& a : agents) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

bool AllowList::allows(std::string_view key) const {
  const AgentEntry* a = by_key(key);
  return a != nullptr && !a->revoked;
}

Result<AllowList> parse_allow_list(std::string_view yaml, const std::string& file_name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    return Error{.file = file_name, .line = e.mark.line + 1, .column = e.mark.column + 1, .message = e.msg};
  }
  AllowList list;
  if (!root || root.IsNull()) return list;
  if (!root.IsMap()) return at(file_name, root, "expected a map with an 'agents' list");
  for (const auto& kv : root) {
    if (kv.first.as<std::string>() != "agents") {
      return at(file_name, kv.first, "unknown key '" + kv.first.as<std::string>() + "'");
    }
  }
  const YAML::Node agents = root["agents"];
  if (!agents || agents.IsNull()) return list;
  if (!agents.IsSequence()) return at(file_name, agents, "'agents' must be a list");
  try {
    for (const auto& node : agents) {
      if (!node.IsMap()) return at(file_name, node, "each agent must be a map with name and key");
      AgentEntry e;
      for (const auto& kv : node) {
        const std::string k = kv.first.as<std::string>();
        if (k == "name") {
          e.name = kv.second.as<std::string>();
        } else if (k == "key") {
          e.key = kv.second.as<std::string>();
        } else if (k == "revoked") {
          e.revoked = kv.second.as<bool>();
        } else if (k == "labels") {
          if (!kv.second.IsMap()) return at(file_name, kv.second, "labels must be a map");
          for (const auto& l : kv.second) e.labels[l.first.as<std::string>()] = l.second.as<std::string>();
        } else {
          return at(file_name, kv.first, "unknown agent key '" + k + "'");
        }
      }
      if (!valid_name(e.name)) return at(file_name, node, "agent name must be 1-128 of [A-Za-z0-9._-]");
      if (!transport::is_z85_key(e.key)) {
        return at(file_name, node, "agent '" + e.name + "': key is not a CURVE public key (40 Z85 characters)");
      }
      if (list.by_name(e.name) != nullptr) return at(file_name, node, "duplicate agent name '" + e.name + "'");
      if (list.by_key(e.key) != nullptr) return at(file_name, node, "agent '" + e.name + "': key enrolled twice");
      list.agents.push_back(std::move(e));
    }
  } catch (const YAML::Exception& e) {
    return Error{.file = file_name, .line = e.mark.line + 1, .column = e.mark.column + 1, .message = e.msg};
  }
  return list;
}

Result<AllowList> load_allow_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return AllowList{};
    return Error{.file = path, .message = std::string("cannot read: ") + std::strerror(errno)};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_allow_list(ss.str(), path);
}

Status save_allow_list(const std::string& path, const AllowList& list) {
  YAML::Emitter out;
  out << YAML::Comment("Picket enrolled agents: edit with picketctl agents add/revoke/list");
  out << YAML::BeginMap << YAML::Key << "agents" << YAML::Value << YAML::BeginSeq;
  for (const auto& a : list.agents) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << a.name;
    out << YAML::Key << "key" << YAML::Value << YAML::DoubleQuoted << a.key;
    if (!a.labels.empty()) {
      out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
      for (const auto& [k, v] : a.labels) out << YAML::Key << k << YAML::Value << v;
      out << YAML::EndMap;
    }
    out << YAML::Key << "revoked" << YAML::Value << a.revoked;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  const std::string text = std::string(out.c_str()) + "\n";
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Error{.file = tmp, .message = std::string("cannot write: ") + std::strerror(errno)};
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Error{.file = path, .message = std::string("cannot write: ") + std::strerror(errno)};
  }
  return Status::Ok();
}

Status enroll_agent(AllowList* list, const std::string& name, const std::string& key,
                    const std::map<std::string, std::string>& labels) {
  if (!valid_name(name)) return Error{.message = "agent name must be 1-128 of [A-Za-z0-9._-]: '" + name + "'"};
  if (!transport::is_z85_key(key)) return Error{.message = "not a CURVE public key (40 Z85 characters): " + key};
  const AgentEntry* other = list->by_key(key);
  if (other != nullptr && other->name != name) {
    return Error{.message = "key already enrolled as agent '" + other->name + "'"};
  }
  for (auto& a : list->agents) {
    if (a.name == name) {  // re-enrollment: same identity, new key and labels
      a.key = key;
      for (const auto& [k, v] : labels) a.labels[k] = v;
      a.revoked = false;
      return Status::Ok();
    }
  }
  list->agents.push_back(AgentEntry{.name = name, .key = key, .labels = labels});
  return Status::Ok();
}

Status revoke_agent(AllowList* list, const std::string& name) {
  for (auto& a : list->agents) {
    if (a.name == name) {
      a.revoked = true;
      return Status::Ok();
    }
  }
  return Error{.message = "no agent named '" + name + "'"};
}

AllowListWatcher::AllowListWatcher(std::string path)
    : path_(std::move(path)), list_(std::make_shared<AllowList>()) {}

Status AllowListWatcher::load() {
  struct stat st {};
  have_stat_ = ::stat(path_.c_str(), &st) == 0;
  last_ = st;
  Result<AllowList> r = load_allow_list(path_);
  if (!r) return r.error();
  std::lock_guard lock(mu_);
  list_ = std::make_shared<AllowList>(std::move(r.value()));
  return Status::Ok();
}

bool AllowListWatcher::poll() {
  struct stat st {};
  const bool exists = ::stat(path_.c_str(), &st) == 0;
  if (exists == have_stat_ &&
      (!exists || (st.st_ino == last_.st_ino && st.st_size == last_.st_size &&
                   st.st_mtim.tv_sec == last_.st_mtim.tv_sec && st.st_mtim.tv_nsec == last_.st_mtim.tv_nsec))) {
    return false;
  }
  have_stat_ = exists;
  last_ = st;
  Result<AllowList> r = load_allow_list(path_);
  if (!r) {
    spdlog::error("allow-list not reloaded, keeping the previous one: {}", r.error().format());
    return false;
  }
  size_t active = 0;
  for (const auto& a : r->agents) active += a.revoked ? 0 : 1;
  spdlog::info("allow-list {} reloaded: {} agents enrolled, {} active", path_, r->agents.size(), active);
  std::lock_guard lock(mu_);
  list_ = std::make_shared<AllowList>(std::move(r.value()));
  return true;
}

std::shared_ptr<const AllowList> AllowListWatcher::current() const {
  std::lock_guard lock(mu_);
  return list_;
}

}  // namespace picket::collector
