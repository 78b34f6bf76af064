#include "cli/client_job.h"

#include <array>
#include <cstdio>

#include "cli/chunked.h"
#include "cli/http.h"
#include "cli/pattern.h"

namespace synack::cli {

JobOutput::JobOutput(bool sha256, bool print) : sha_(sha256), print_(print && !sha256) {
  if (sha_) crypto_hash_sha256_init(&st_);
}

void JobOutput::write(base::Bytes b) {
  n_ += b.size();
  if (sha_) crypto_hash_sha256_update(&st_, b.data(), b.size());
  if (print_ && !failed_ && std::fwrite(b.data(), 1, b.size(), stdout) != b.size()) failed_ = true;
}

void JobOutput::finish() {
  if (!sha_) return;
  std::array<uint8_t, crypto_hash_sha256_BYTES> h{};
  crypto_hash_sha256_final(&st_, h.data());
  for (uint8_t x : h) std::printf("%02x", x);
  std::printf("\n");
}

namespace {

std::array<uint8_t, 64 * 1024> scratch;

// The common part: read until end of stream, handing data to on_data().
class ReadingJob : public ClientJob {
 public:
  ReadingJob(api::Socket& s, JobOutput out) : s_(&s), out_(std::move(out)) {}
  uint64_t received() const override { return out_.bytes(); }
  uint64_t sent() const override { return sent_bytes_; }
  void start() override {
    s_->on_readable([this] { pump_recv(); });
    s_->on_writable([this] { pump_send(); });
    s_->on_closed([this](std::optional<api::Error> e) {
      if (e) complete(std::string(to_string(*e)));
    });
    pump_send();
    pump_recv();
  }

 protected:
  virtual void pump_send() {}
  virtual void on_data(base::Bytes data) { out_.write(data); }
  // End of stream: check and finish.
  virtual void on_eof() {
    out_.finish();
    complete();
  }
  api::Socket& sock() { return *s_; }
  JobOutput& out() { return out_; }
  uint64_t sent_bytes_ = 0;

 private:
  void pump_recv() {
    while (!done()) {
      auto n = s_->try_recv(scratch);
      if (!n) {
        if (n.error() != api::Error::WouldBlock) complete(std::string(to_string(n.error())));
        return;
      }
      if (*n == 0) return on_eof();
      on_data({scratch.data(), *n});
      if (out_.failed()) return complete("cannot write the output (stdout closed?)");
    }
  }
  api::Socket* s_;
  JobOutput out_;
};

class SendJob final : public ReadingJob {
 public:
  SendJob(api::Socket& s, uint64_t n, uint64_t urgent, JobOutput out)
      : ReadingJob(s, std::move(out)), total_(n), urgent_from_(n - std::min(n, urgent)) {}

 private:
  void pump_send() override {
    while (sent_ < total_ && !done()) {
      // Ordinary bytes up to urgent_from_, the rest as urgent data.
      bool urgent = sent_ >= urgent_from_;
      uint64_t stop = urgent ? total_ : urgent_from_;
      size_t want = static_cast<size_t>(std::min<uint64_t>(stop - sent_, Pattern::kChunk));
      auto n = urgent ? sock().try_send_urgent(Pattern::at(sent_, want)) : sock().try_send(Pattern::at(sent_, want));
      if (!n) {
        if (n.error() != api::Error::WouldBlock) complete(std::string(to_string(n.error())));
        return;
      }
      sent_ += *n;
      sent_bytes_ = sent_;
    }
    if (sent_ == total_ && !shut_) {
      shut_ = true;
      if (auto r = sock().shutdown(); !r) complete(std::string(to_string(r.error())));
      if (eof_) finish();
    }
  }
  void on_data(base::Bytes data) override {
    if (!mismatch_ && !Pattern::check(data, out().bytes())) {
      for (size_t i = 0; i < data.size(); ++i) {
        if (!Pattern::check(data.subspan(i, 1), out().bytes() + i)) {
          mismatch_ = out().bytes() + i;
          break;
        }
      }
    }
    out().write(data);
  }
  void on_eof() override {
    eof_ = true;
    if (shut_) finish();  // else: the server closed first; keep sending
  }
  void finish() {
    out().finish();
    uint64_t got = out().bytes();
    std::fprintf(stderr, "synack: sent %lu bytes, received %lu bytes%s\n", sent_, got,
                 got == 0 ? "" : (got == total_ && !mismatch_ ? ": echo verified" : ""));
    if (mismatch_) return complete("echo differs from what was sent at byte " + std::to_string(*mismatch_));
    if (got != 0 && got != total_)
      return complete("echo returned " + std::to_string(got) + " of " + std::to_string(total_) + " bytes");
    complete();
  }
  uint64_t total_;
  uint64_t urgent_from_;
  uint64_t sent_ = 0;
  bool shut_ = false;
  bool eof_ = false;
  std::optional<uint64_t> mismatch_;
};

class HttpGetJob final : public ReadingJob {
 public:
  HttpGetJob(api::Socket& s, const std::string& path, JobOutput out)
      : ReadingJob(s, std::move(out)),
        request_("GET " + path + " HTTP/1.1\r\nHost: " + s.remote().to_string() +
                 "\r\nUser-Agent: synack\r\nConnection: close\r\n\r\n") {}

 private:
  void pump_send() override {
    while (!request_.empty() && !done()) {
      auto n = sock().try_send(base::as_bytes(request_.data(), request_.size()));
      if (!n) {
        if (n.error() != api::Error::WouldBlock) complete(std::string(to_string(n.error())));
        return;
      }
      request_.erase(0, *n);
      sent_bytes_ += *n;
    }
  }
  void on_data(base::Bytes data) override {
    if (response_) return on_body(data);
    head_.append(reinterpret_cast<const char*>(data.data()), data.size());
    size_t e = http::head_end(head_);
    if (e == std::string::npos) {
      if (head_.size() > 64 * 1024) complete("response head too large");
      return;
    }
    response_ = http::parse_response(std::string_view(head_).substr(0, e));
    if (!response_) return complete("malformed HTTP response");
    std::fprintf(stderr, "synack: HTTP %d %s\n", response_->status, response_->reason.c_str());
    on_body(base::as_bytes(head_.data() + e, head_.size() - e));
  }
  // The body as it arrives: written as is, or without the chunk framing
  // (RFC 9112 §7.1); what follows the last chunk is not body.
  void on_body(base::Bytes data) {
    if (!response_->chunked) return out().write(data);
    if (chunked_.done()) return;
    auto st = chunked_.feed(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()),
                            [&](std::string_view b) { out().write(base::as_bytes(b.data(), b.size())); });
    if (st == http::ChunkedDecoder::Status::Error) complete(chunked_.error());
  }
  void on_eof() override {
    if (!response_) return complete("connection closed before a complete HTTP response");
    out().finish();
    if (response_->chunked && !chunked_.done())
      return complete("chunked body: the connection closed before the last chunk (" +
                      std::to_string(out().bytes()) + " bytes received)");
    if (response_->status < 200 || response_->status > 299)
      return complete("HTTP " + std::to_string(response_->status) + " " + response_->reason);
    if (response_->content_length && *response_->content_length != out().bytes())
      return complete("body has " + std::to_string(out().bytes()) + " bytes, Content-Length says " +
                      std::to_string(*response_->content_length));
    std::fprintf(stderr, "synack: body %lu bytes\n", out().bytes());
    complete();
  }
  std::string request_;
  std::string head_;
  std::optional<http::Response> response_;
  http::ChunkedDecoder chunked_;
};

}  // namespace

std::unique_ptr<ClientJob> make_receive_job(api::Socket& s, JobOutput out) {
  return std::make_unique<ReadingJob>(s, std::move(out));
}
std::unique_ptr<ClientJob> make_send_job(api::Socket& s, uint64_t n, uint64_t urgent, JobOutput out) {
  return std::make_unique<SendJob>(s, n, urgent, std::move(out));
}
std::unique_ptr<ClientJob> make_http_get_job(api::Socket& s, const std::string& path, JobOutput out) {
  return std::make_unique<HttpGetJob>(s, path, std::move(out));
}

}  // namespace synack::cli
