#include "cli/service.h"

#include "cli/http_service.h"
#include "cli/stream_services.h"

namespace synack::cli {

void Session::start() {
  sock_.on_readable([this] { if (!finished_) pump(); });
  sock_.on_writable([this] { if (!finished_) pump(); });
  sock_.on_closed([this](std::optional<api::Error>) { if (!finished_) finish(); });
  pump();
}

void Session::finish(bool abort) {
  if (finished_) return;
  finished_ = true;
  if (abort) sock_.abort();
  else sock_.close();
  Service* svc = svc_;
  svc->runtime().defer([svc, self = this] { svc->remove(self); });
}

void Service::adopt(api::Socket s) {
  auto session = make_session(std::move(s));
  Session* raw = session.get();
  sessions_.emplace(raw, std::move(session));
  raw->start();
}

std::unique_ptr<Service> make_service(std::string_view app, api::Runtime& rt) {
  if (app == "echo") return std::make_unique<EchoService>(rt);
  if (app == "discard") return std::make_unique<DiscardService>(rt);
  if (app == "http") return std::make_unique<HttpService>(rt);
  return nullptr;
}

}  // namespace synack::cli
