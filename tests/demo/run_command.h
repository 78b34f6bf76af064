#pragma once
// Run the synack binary (or another command) through the shell and collect
// its exit code, stdout and stderr, for the end-to-end tests.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace synack::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

inline std::string temp_file(const std::string& name) {
  return "/tmp/synack_demo_test_" + std::to_string(getpid()) + "_" + name;
}

// `command` is passed to /bin/sh; stderr is captured in a temporary file.
inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  std::string err_path = temp_file("stderr");
  FILE* p = popen((command + " 2>" + err_path).c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = read_file(err_path);
  std::remove(err_path.c_str());
  return r;
}

inline CommandResult run_synack(const std::string& args) {
  return run_command(std::string(SYNACK_BINARY) + " " + args);
}

}  // namespace synack::testing
