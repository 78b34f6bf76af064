// synack: a userspace TCP/IP stack you can watch. See README.md.
#include <cstdio>
#include <exception>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"synack — a userspace TCP/IP stack (RFC 9293) you can watch and test", "synack"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "synack 0.1.0");
  synack::cli::ExitCode exit_code;
  synack::cli::register_demo(app, exit_code);
  synack::cli::register_serve(app, exit_code);
  synack::cli::register_connect(app, exit_code);
  synack::cli::register_script(app, exit_code);
  synack::cli::register_conformance(app, exit_code);
  synack::cli::register_bench(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Wrong arguments: a clear message and exit code 2.
    app.exit(e);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "synack: %s\n", e.what());
    return 1;
  }
  return exit_code.value;
}
