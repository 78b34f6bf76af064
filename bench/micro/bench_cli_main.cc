// Stand-in for the `synack` executable until it exists: `synack_bench_cli
// bench ...` runs exactly what `synack bench ...` will run.
#include <cstdio>
#include <exception>

#include "cli/commands.h"

namespace synack::cli {
void register_bench(CLI::App& app, ExitCode& exit_code);
}

int main(int argc, char** argv) {
  CLI::App app{"synack benchmarks", "synack"};
  app.require_subcommand(1);
  synack::cli::ExitCode exit_code;
  synack::cli::register_bench(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "synack: %s\n", e.what());
    return 1;
  }
  return exit_code.value;
}
