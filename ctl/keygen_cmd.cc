// picketctl keygen --out PREFIX: a CURVE key pair for an agent or the collector. PREFIX.key holds the secret
// key (mode 0600), PREFIX.pub the public key to enroll (picketctl agents add) or to give to agents.
#include <iostream>

#include "common/cli.h"
#include "common/transport/keys.h"
#include "ctl/commands.h"

namespace picket::ctl {

void setup_keygen(CLI::App& app, int* exit_code) {
  CLI::App* sub = app.add_subcommand("keygen", "generate a CURVE key pair: PREFIX.key (secret, 0600) and PREFIX.pub");
  auto prefix = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  sub->add_option("--out", *prefix, "path prefix of the two files")->required();
  sub->add_flag("--force", *force, "overwrite existing files");
  sub->callback([exit_code, prefix, force] {
    auto pair = transport::generate_key_pair();
    if (!pair) {
      std::cerr << "picketctl keygen: " << pair.error().format() << '\n';
      *exit_code = kExitFailure;
      return;
    }
    if (Status s = transport::write_key_files(*prefix, pair.value(), *force); !s) {
      std::cerr << "picketctl keygen: " << s.error().format() << '\n';
      *exit_code = kExitFailure;
      return;
    }
    std::cout << "secret key: " << *prefix << ".key\npublic key: " << *prefix << ".pub\n"
              << pair->public_z85 << '\n';
    *exit_code = kExitOk;
  });
}

}  // namespace picket::ctl
