#pragma once
// Runs a real program for integration tests and captures its output.
//
//   auto r = picket::test::run({agent_path(), "--version"});
//   EXPECT_EQ(r.exit_code, 0);
//
// Output is read until the child exits; a child still running after `timeout` is killed (exit_code -1).
#include <chrono>
#include <string>
#include <vector>

namespace picket::test {

struct RunResult {
  int exit_code = -1;  // the exit status, 128+N for signal N, -1 on timeout or spawn failure
  std::string out;
  std::string err;
};

RunResult run(const std::vector<std::string>& argv, std::chrono::seconds timeout = std::chrono::seconds(120),
              const std::string& stdin_data = {});

// A fresh temporary folder removed when the object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `content` to `name` inside the folder and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// Path of a built program (picket-agent, picket-collector, picketctl) in the build tree.
std::string program_path(const std::string& name);

// The shared corpus folder (../shared/corpus beside the repo), or "" when absent.
std::string corpus_dir();
// True when running under CI=true, where a missing corpus or tool is a failure rather than a skip.
bool in_ci();

}  // namespace picket::test
