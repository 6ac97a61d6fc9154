#pragma once
// Compiling YARA rule files and folders with libyara, one bad file never stopping the others.
//
//   picket::yara::CompileOptions opt;
//   auto compiled = picket::yara::compile_rules({"/etc/picket/yara", "extra.yar"}, opt);
//   for (const auto& e : compiled.diag.errors()) std::cerr << e.format() << '\n';  // FILE:LINE: message
//   if (compiled.rules) use(compiled.rules);  // nullptr when no file compiled
//
// Each rule file is compiled on its own first (with the external variables of externals.h defined as "")
// and only joins the rule set when it compiles cleanly; a folder contributes every *.yar / *.yara file
// below it, in sorted order. Every file gets its own namespace, the file's stem ("gen_webshells"), made
// unique with a suffix ("index_2") when two files share a stem, so rule names never collide across files.
// In a folder, a file that only includes other files of that same folder (an "index") is skipped, so its
// rules are not loaded twice; given by name it is loaded.
//
// A RuleSet is immutable and may be shared by any number of threads; each thread scans with its own
// Scanner (scanner.h). compile_rules may be called from any thread.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

struct YR_RULES;

namespace picket::yara {

class RuleSet {
 public:
  explicit RuleSet(YR_RULES* rules, std::string version = {});
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  YR_RULES* get() const { return rules_; }
  uint32_t rule_count() const { return rule_count_; }
  // Content hash of the sources (rule_cache.h), "" when not computed.
  const std::string& version() const { return version_; }

 private:
  YR_RULES* rules_;
  uint32_t rule_count_ = 0;
  std::string version_;
};

struct CompileOptions {
  // Define filename, filepath, extension, filetype, owner as "" so rule sets using them compile.
  bool define_file_externals = true;
};

struct RuleFile {
  std::string path;        // as found (the folder joined with the relative name)
  std::string rule_namespace;
};

struct CompileResult {
  std::shared_ptr<const RuleSet> rules;  // nullptr when no file compiled
  Diagnostics diag;                      // errors of rejected files; warnings (slow strings) as warnings
  std::vector<RuleFile> loaded;          // files that joined the set
  std::vector<std::string> failed;       // files rejected, each with at least one error in diag
  std::vector<std::string> skipped;      // folder index files skipped (include-only)
};

// The rule files the paths name: files as given, folders expanded recursively to *.yar/*.yara (sorted),
// include-only index files dropped. A missing path is an error in `diag`.
std::vector<std::string> list_rule_files(const std::vector<std::string>& paths, Diagnostics* diag,
                                         std::vector<std::string>* skipped);

// True for a *.yar / *.yara file, or a folder with at least one below it: the --rules arguments the YARA
// engine claims (other engines take *.rules, *.yml...).
bool is_yara_path(const std::string& path);

// Content hash of the given rule files (paths and bytes), libyara's version and the options: the rule
// set's version() and the compiled-rules cache key. Files they include are not part of it.
std::string sources_digest(const std::vector<std::string>& files, const CompileOptions& options);

CompileResult compile_rules(const std::vector<std::string>& paths, const CompileOptions& options = {});

// Rules from text (fuzz targets, embedded rules), in namespace `ns`; errors name the file "<text>".
std::shared_ptr<const RuleSet> compile_rule_text(std::string_view text, const std::string& ns, Diagnostics* diag,
                                                 const CompileOptions& options = {});

}  // namespace picket::yara
