// Netns: `ip netns add` makes the bind mount under /run/netns; setns(2) moves us in.
#include "link/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "link/command.h"

namespace synack::link {

namespace {

std::string netns_path(const std::string& name) { return "/run/netns/" + name; }

bool exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

bool valid_netns_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

base::Expected<std::unique_ptr<Netns>, std::string> Netns::enter(const std::string& name) {
  if (!valid_netns_name(name))
    return base::Unexpected("invalid namespace name '" + name + "': use letters, digits, '_', '-', '.'");
  bool created = false;
  if (!exists(netns_path(name))) {
    auto r = run_command({"ip", "netns", "add", name});
    if (!r) return base::Unexpected("cannot create network namespace: " + r.error());
    created = true;
  }
  std::unique_ptr<Netns> ns(new Netns(name, created));  // deletes it again on failure below
  int fd = ::open(netns_path(name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return base::Unexpected("cannot open " + netns_path(name) + ": " + strerror(errno));
  int rc = ::setns(fd, CLONE_NEWNET);
  int err = errno;
  ::close(fd);
  if (rc != 0) {
    return base::Unexpected("cannot enter network namespace '" + name + "': " + strerror(err) +
                            (err == EPERM ? " (run as root)" : ""));
  }
  // A fresh namespace has its loopback down; local programs expect it up.
  if (created) (void)run_command({"ip", "link", "set", "dev", "lo", "up"});
  return ns;
}

void Netns::remove() {
  if (!created_) return;
  created_ = false;
  (void)run_command({"ip", "netns", "del", name_});
}

Netns::~Netns() { remove(); }

}  // namespace synack::link
