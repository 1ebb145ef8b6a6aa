#pragma once
// The command tree as CLI11 holds it, for cli.cpp (parsing) and docs.cpp
// (the man pages and completion scripts generated from it). Heavy: include
// it in those two files only.
#include <CLI/CLI.hpp>
#include <memory>
#include <vector>

#include "src/command.hpp"
#include "src/context.hpp"

namespace pgdba {

struct Cli {
  CLI::App app{"pgdba: the PostgreSQL administration tool for the command line"};
  GlobalOptions g;
  Action selected;
  std::vector<std::unique_ptr<VerbRecord>> records;
  bool version = false;
};

// Declares the global options and every command of commands.cpp on `c`.
void build_cli(Cli& c);

}  // namespace pgdba
