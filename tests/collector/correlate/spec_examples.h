#pragma once
// Reads the examples of the Sigma correlation specification from the shared corpus, so that the tests are
// built from the specification's own text rather than from copies.
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/process.h"

namespace picket::collector::correlate {

// The sigma-specification folder, or "" when the corpus is absent.
inline std::string spec_dir() {
  std::string corpus = test::corpus_dir();
  if (corpus.empty()) return {};
  std::string dir = corpus + "/sigma/sigma-specification";
  std::ifstream probe(dir + "/specification/sigma-correlation-rules-specification.md");
  return probe ? dir : std::string();
}

// The first ```yml / ```yaml block after the line that equals `heading` in the correlation specification.
inline std::string spec_example(const std::string& heading) {
  std::string dir = spec_dir();
  if (dir.empty()) return {};
  std::ifstream in(dir + "/specification/sigma-correlation-rules-specification.md");
  std::string line, out;
  bool found = false, inside = false;
  while (std::getline(in, line)) {
    if (!found) {
      found = line == heading;
      continue;
    }
    if (!inside) {
      inside = line.rfind("```yml", 0) == 0 || line.rfind("```yaml", 0) == 0;
      continue;
    }
    if (line.rfind("```", 0) == 0) return out;
    out += line + "\n";
  }
  return {};
}

}  // namespace picket::collector::correlate
