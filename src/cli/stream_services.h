#pragma once
// Echo (RFC 862: send back what arrives, half-close after the peer's FIN)
// and discard (RFC 863: read and drop).
#include "cli/service.h"

namespace synack::cli {

class EchoService final : public Service {
 public:
  using Service::Service;

 protected:
  std::unique_ptr<Session> make_session(api::Socket s) override;
};

class DiscardService final : public Service {
 public:
  using Service::Service;

 protected:
  std::unique_ptr<Session> make_session(api::Socket s) override;
};

}  // namespace synack::cli
