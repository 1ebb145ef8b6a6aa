#pragma once

namespace pgdba {

// Parses the command line, runs the chosen command and returns the exit
// code of contract section 4. Never throws.
int run_cli(int argc, char** argv);

}  // namespace pgdba
