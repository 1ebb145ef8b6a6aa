#include "src/cli.hpp"

int main(int argc, char** argv) {
  return pgdba::run_cli(argc, argv);
}
