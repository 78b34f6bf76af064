#pragma once
// link::Netns — enter a named network namespace (creating it with
// `ip netns add` if it does not exist) for the rest of the process, and delete
// it on destruction if we created it. Only the calling thread moves (setns), so
// enter before starting other threads; devices opened afterwards (TunLink)
// live in the namespace and vanish with it.
#include <memory>
#include <string>

#include "base/expected.h"

namespace synack::link {

class Netns {
 public:
  // Enter namespace `name`; create it first if missing.
  static base::Expected<std::unique_ptr<Netns>, std::string> enter(const std::string& name);
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  const std::string& name() const { return name_; }
  bool created() const { return created_; }
  // Delete the namespace now if we created it (idempotent; the destructor calls it).
  void remove();

 private:
  Netns(std::string name, bool created) : name_(std::move(name)), created_(created) {}
  std::string name_;
  bool created_;
};

// Names allowed for namespaces: [A-Za-z0-9_.-], 1..64 characters, not "." or "..".
bool valid_netns_name(const std::string& name);

}  // namespace synack::link
