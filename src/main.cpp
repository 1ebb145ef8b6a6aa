#include "src/cancel.hpp"
#include "src/cli.hpp"

int main(int argc, char** argv) {
  pgdba::cancel::install();
  return pgdba::run_cli(argc, argv);
}
