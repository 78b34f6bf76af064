#pragma once
// Service: what `synack serve` runs on each accepted connection (echo,
// discard, http). A service owns its sessions; a session that is done closes
// its socket and is freed from the loop (Runtime::defer), never from inside
// its own callback.
#include <cstddef>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "api/runtime.h"
#include "api/socket.h"

namespace synack::cli {

class Service;

class Session {
 public:
  Session(Service& svc, api::Socket s) : svc_(&svc), sock_(std::move(s)) {}
  virtual ~Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  // Hook up the socket's callbacks and start.
  void start();

 protected:
  // Move data as far as the socket allows now; called on every callback.
  virtual void pump() = 0;
  // Done: close the socket gracefully (or abort) and free the session.
  void finish(bool abort = false);
  api::Socket& sock() { return sock_; }
  bool finished() const { return finished_; }

 private:
  Service* svc_;
  api::Socket sock_;
  bool finished_ = false;
};

class Service {
 public:
  explicit Service(api::Runtime& rt) : rt_(&rt) {}
  virtual ~Service() = default;
  // Take over an accepted connection.
  void adopt(api::Socket s);
  size_t active() const { return sessions_.size(); }
  // At exit: close every connection gracefully.
  void close_all() { sessions_.clear(); }
  api::Runtime& runtime() { return *rt_; }

 protected:
  virtual std::unique_ptr<Session> make_session(api::Socket s) = 0;

 private:
  friend class Session;
  void remove(Session* s) { sessions_.erase(s); }
  api::Runtime* rt_;
  std::unordered_map<Session*, std::unique_ptr<Session>> sessions_;
};

// "echo", "discard" or "http"; nothing for another name.
std::unique_ptr<Service> make_service(std::string_view app, api::Runtime& rt);

}  // namespace synack::cli
