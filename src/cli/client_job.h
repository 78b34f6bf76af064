#pragma once
// What `synack connect` does once connected, driven by socket callbacks so
// sending and receiving overlap (an echo server's replies must be read while
// we still send, or both sides stall with full windows):
//   receive    print everything until the server closes
//   send N     send N pattern bytes, half-close, read the reply until the
//              server closes; a non-empty reply must be the same N bytes
//   http-get   send one GET, read the response until the server closes,
//              check the status and Content-Length, print the body
#include <sodium.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "api/socket.h"

namespace synack::cli {

// Where received bytes go: stdout, or a SHA-256 printed at the end, or
// (print off, no sha256) only counted.
class JobOutput {
 public:
  explicit JobOutput(bool sha256, bool print = true);
  void write(base::Bytes b);
  uint64_t bytes() const { return n_; }
  bool failed() const { return failed_; }  // stdout could not be written
  // With sha256: print the hex digest (and a newline) to stdout.
  void finish();

 private:
  bool sha_;
  bool print_;
  bool failed_ = false;
  uint64_t n_ = 0;
  crypto_hash_sha256_state st_{};
};

class ClientJob {
 public:
  virtual ~ClientJob() = default;
  virtual void start() = 0;
  bool done() const { return done_; }
  virtual uint64_t received() const = 0;
  virtual uint64_t sent() const = 0;
  // Why the job failed, if it did.
  const std::optional<std::string>& error() const { return error_; }

 protected:
  void complete(std::optional<std::string> err = std::nullopt) {
    if (done_) return;
    done_ = true;
    error_ = std::move(err);
  }

 private:
  bool done_ = false;
  std::optional<std::string> error_;
};

std::unique_ptr<ClientJob> make_receive_job(api::Socket& s, JobOutput out);
// Send n pattern bytes, the last `urgent` of them as urgent data, then half-close.
std::unique_ptr<ClientJob> make_send_job(api::Socket& s, uint64_t n, uint64_t urgent, JobOutput out);
std::unique_ptr<ClientJob> make_http_get_job(api::Socket& s, const std::string& path, JobOutput out);

}  // namespace synack::cli
