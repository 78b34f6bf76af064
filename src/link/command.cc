// run_command: fork, exec without a shell, collect stderr, wait with a deadline.
#include "link/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace synack::link {

namespace {

int64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1'000'000;
}

std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

// In the child: exec argv[0] from PATH or, failing that, the sbin folders
// (PATH often lacks them in minimal environments).
[[noreturn]] void exec_child(const std::vector<std::string>& argv, int err_fd) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  sigset_t none;  // the parent may block signals it reads from a signalfd
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  dup2(err_fd, STDERR_FILENO);
  int devnull = open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    dup2(devnull, STDIN_FILENO);
    dup2(devnull, STDOUT_FILENO);
  }
  execvp(args[0], args.data());
  if (argv[0].find('/') == std::string::npos) {
    for (const char* dir : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"}) {
      std::string path = std::string(dir) + argv[0];
      execv(path.c_str(), args.data());
    }
  }
  dprintf(err_fd, "cannot run %s: %s", argv[0].c_str(), strerror(errno));
  _exit(127);
}

// Read the child's stderr until it closes or the deadline passes.
bool drain_stderr(int fd, int64_t deadline_ms, std::string& out) {
  char buf[512];
  for (;;) {
    int64_t left = deadline_ms - now_ms();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return r == 0 ? false : true;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    if (out.size() < 4096) out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

base::Expected<void, std::string> run_command(const std::vector<std::string>& argv,
                                              base::Duration timeout) {
  if (argv.empty()) return base::Unexpected(std::string("empty command"));
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return base::Unexpected("pipe: " + std::string(strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) {
    close(pipefd[0]);
    close(pipefd[1]);
    return base::Unexpected("fork: " + std::string(strerror(errno)));
  }
  if (pid == 0) exec_child(argv, pipefd[1]);
  close(pipefd[1]);
  std::string err;
  bool in_time = drain_stderr(pipefd[0], now_ms() + timeout.ms(), err);
  close(pipefd[0]);
  if (!in_time) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
  if (!in_time) return base::Unexpected("`" + join(argv) + "` timed out");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  return base::Unexpected("`" + join(argv) + "` failed" + (err.empty() ? "" : ": " + err));
}

}  // namespace synack::link
