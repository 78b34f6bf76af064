#include "cli/chunked.h"

#include <algorithm>

namespace synack::cli::http {

namespace {
// A chunk-size line (with any chunk extensions) or a trailer field line longer
// than this is refused rather than buffered without bound.
constexpr size_t kMaxLine = 4096;
// 2^40 bytes in one chunk is more than anyone sends; the bound keeps the hex
// parse far from overflow.
constexpr uint64_t kMaxChunk = uint64_t{1} << 40;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

ChunkedDecoder::Status ChunkedDecoder::fail(std::string why) {
  state_ = State::Error;
  error_ = "chunked body: " + std::move(why);
  return Status::Error;
}

// chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1, §7.1.1: extensions are ignored).
bool ChunkedDecoder::size_line_done() {
  std::string_view l = line_;
  l.remove_suffix(1);  // the CR
  size_t i = 0;
  uint64_t n = 0;
  for (; i < l.size() && hex_digit(l[i]) >= 0; ++i) {
    n = n * 16 + static_cast<uint64_t>(hex_digit(l[i]));
    if (n > kMaxChunk) {
      fail("chunk size over 2^40 bytes");
      return false;
    }
  }
  if (i == 0) {
    fail("chunk size is not a hex number: \"" + std::string(l.substr(0, 40)) + "\"");
    return false;
  }
  std::string_view rest = l.substr(i);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  if (!rest.empty() && rest.front() != ';') {
    fail("junk after the chunk size");
    return false;
  }
  left_ = n;
  state_ = n == 0 ? State::Trailer : State::Data;
  line_.clear();
  return true;
}

ChunkedDecoder::Status ChunkedDecoder::feed(std::string_view in,
                                            const std::function<void(std::string_view)>& body) {
  size_t i = 0;
  auto error = [&](std::string why) {
    consumed_ = i;
    return fail(std::move(why));
  };
  while (i < in.size()) {
    switch (state_) {
      case State::Done:
        consumed_ = i;
        return Status::Done;
      case State::Error:
        consumed_ = i;
        return Status::Error;
      case State::Data: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(left_, in.size() - i));
        body(in.substr(i, n));
        i += n;
        left_ -= n;
        if (left_ == 0) state_ = State::DataCr;
        break;
      }
      case State::DataCr:
      case State::DataLf: {
        char want = state_ == State::DataCr ? '\r' : '\n';
        if (in[i++] != want) return error("chunk data not followed by CRLF");
        state_ = state_ == State::DataCr ? State::DataLf : State::Size;
        break;
      }
      case State::Size:
      case State::Trailer: {
        char c = in[i++];
        if (c != '\n') {
          if (line_.size() >= kMaxLine) return error("line over 4096 bytes");
          line_.push_back(c);
          break;
        }
        if (line_.empty() || line_.back() != '\r') return error("bare LF in the chunk framing");
        if (state_ == State::Size) {
          if (!size_line_done()) {
            consumed_ = i;
            return Status::Error;
          }
        } else if (line_.size() == 1) {
          state_ = State::Done;  // the empty line that ends the trailer section (§7.1.2)
        } else {
          line_.clear();  // a trailer field: not needed here
        }
        break;
      }
    }
  }
  consumed_ = i;
  if (state_ == State::Error) return Status::Error;
  return state_ == State::Done ? Status::Done : Status::More;
}

}  // namespace synack::cli::http
