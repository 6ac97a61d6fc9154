#pragma once
// One-time libyara initialisation. Every picket_yara entry point that touches libyara calls
// ensure_libyara() first; it is idempotent and thread-safe. libyara is never finalised (its globals live
// until exit), so rule sets and scanners may be destroyed in any order at shutdown.
namespace picket::yara {

void ensure_libyara();

}  // namespace picket::yara
