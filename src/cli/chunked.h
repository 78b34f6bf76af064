#pragma once
// The chunked transfer coding of HTTP/1.1 (RFC 9112 §7.1), decoded as the
// bytes arrive, in pieces of any size: `connect --http-get` writes the body
// without the chunk framing, and tells a body cut short from a complete one.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace synack::cli::http {

class ChunkedDecoder {
 public:
  enum class Status { More, Done, Error };

  // Decode `in`, passing the body bytes to `body`. After Done, the bytes that
  // follow the last chunk's trailer are not consumed (`consumed()` says how
  // many of `in` were); after Error, error() names the problem.
  Status feed(std::string_view in, const std::function<void(std::string_view)>& body);
  bool done() const { return state_ == State::Done; }
  const std::string& error() const { return error_; }
  size_t consumed() const { return consumed_; }

 private:
  enum class State { Size, Data, DataCr, DataLf, Trailer, Done, Error };
  Status fail(std::string why);
  bool size_line_done();

  State state_ = State::Size;
  std::string line_;      // the chunk-size line or trailer line being read
  uint64_t left_ = 0;     // bytes of chunk data still to come
  std::string error_;
  size_t consumed_ = 0;
};

}  // namespace synack::cli::http
