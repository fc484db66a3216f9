#include "stack/stack_command.h"

#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/iam_client.h"
#include "stack/apply.h"
#include "stack/remote.h"
#include "stack/stack_spec.h"

namespace spool::stack {

void StackCommands::Register(CLI::App& app) {
  apply_ = app.add_subcommand(
      "apply", "Create or update what a stack file (spool.toml) declares; prints the plan first.");
  apply_->add_option("file", file_, "The stack file")->required();
  apply_->add_option("--endpoint-url", endpoint_, "The server (env SPOOL_ENDPOINT)");
  apply_->add_flag("--plan", plan_, "Print the plan only; change nothing");
  apply_->add_flag("--adopt", adopt_,
                   "Take over resources of the file that exist but are not part of the stack");
  apply_->add_flag("--show-keys", show_keys_,
                   "Print the access keys made (they are kept in their secret anyway)");
  destroy_ = app.add_subcommand("destroy", "Delete everything a stack file's stack made.");
  destroy_->add_option("file", file_, "The stack file")->required();
  destroy_->add_option("--endpoint-url", endpoint_, "The server (env SPOOL_ENDPOINT)");
  destroy_->add_flag("--plan", plan_, "Print what would be deleted; change nothing");
}

bool StackCommands::parsed() const {
  return (apply_ != nullptr && apply_->parsed()) || (destroy_ != nullptr && destroy_->parsed());
}

int StackCommands::Run() {
  std::string error;
  auto spec = LoadStack(file_, &error);
  if (!spec) {
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 1;
  }
  cli::ClientSettings settings;
  if (!cli::LoadSettings(endpoint_, &settings, &error)) {
    std::fprintf(stderr, "spool: %s\n", error.c_str());
    return 2;
  }
  Remote remote(settings);
  if (destroy_->parsed()) return Destroy(spec->name, remote, plan_, stdout);
  ApplyOptions options;
  options.plan_only = plan_;
  options.adopt = adopt_;
  options.show_keys = show_keys_;
  return Apply(*spec, remote, options, stdout);
}

}  // namespace spool::stack
