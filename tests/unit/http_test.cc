// The HTTP heads `serve --app http` and `connect --http-get` parse.
#include "cli/http.h"

#include <string>
#include <vector>

#include "cli/chunked.h"

#include <gtest/gtest.h>

namespace synack::cli::http {
namespace {

TEST(Http, HeadEnd) {
  EXPECT_EQ(head_end("GET / HTTP/1.1\r\n\r\nrest"), 18u);
  EXPECT_EQ(head_end("GET / HTTP/1.1\r\nHost: x\r\n"), std::string::npos);
}

TEST(Http, RequestKeepAliveRules) {
  auto r = parse_request("GET /bytes/5 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->target, "/bytes/5");
  EXPECT_TRUE(r->keep_alive);
  EXPECT_FALSE(parse_request("GET / HTTP/1.1\r\nconnection: Close\r\n\r\n")->keep_alive);
  EXPECT_FALSE(parse_request("GET / HTTP/1.0\r\n\r\n")->keep_alive);
  EXPECT_TRUE(parse_request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")->keep_alive);
  EXPECT_TRUE(parse_request("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n").has_value());
  EXPECT_FALSE(parse_request("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n")->keep_alive);
  EXPECT_TRUE(parse_request("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n")->has_body);
}

TEST(Http, MalformedRequests) {
  for (const char* bad : {"GET /\r\n\r\n", "GET / HTTP/2.0\r\n\r\n", " / HTTP/1.1\r\n\r\n",
                          "GET / HTTP/1.1\r\nNoColon\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n"})
    EXPECT_FALSE(parse_request(bad)) << bad;
}

TEST(Http, Response) {
  auto r = parse_response("HTTP/1.0 200 OK\r\nContent-Length: 10000000\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->reason, "OK");
  EXPECT_EQ(r->content_length, 10000000u);
  EXPECT_FALSE(r->keep_alive);
  EXPECT_TRUE(parse_response("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n")->chunked);
  EXPECT_FALSE(parse_response("HTTP/1.1 2000 X\r\n\r\n"));
  EXPECT_FALSE(parse_response("ICY 200 OK\r\n\r\n"));
}

TEST(Http, BytesTarget) {
  EXPECT_EQ(bytes_target("/bytes/10000000"), 10000000u);
  EXPECT_EQ(bytes_target("/bytes/0"), 0u);
  EXPECT_FALSE(bytes_target("/bytes/"));
  EXPECT_FALSE(bytes_target("/bytes/1x"));
  EXPECT_FALSE(bytes_target("/bytes/-1"));
  EXPECT_FALSE(bytes_target("/bytes/99999999999999999999"));
  EXPECT_FALSE(bytes_target("/bytes/2000000000000"));  // over 2^40
  EXPECT_FALSE(bytes_target("/byte/1"));
}

// RFC 9112 §7.1: chunked transfer coding, decoded in pieces of any size.
std::string decode_in_pieces(std::string_view wire, size_t piece, ChunkedDecoder::Status* last) {
  ChunkedDecoder d;
  std::string body;
  *last = ChunkedDecoder::Status::More;
  for (size_t i = 0; i < wire.size() && *last == ChunkedDecoder::Status::More; i += piece)
    *last = d.feed(wire.substr(i, piece), [&](std::string_view b) { body.append(b); });
  return body;
}

TEST(Chunked, DecodesAtEveryPieceSize_Rfc9112_7_1) {
  // Extensions, upper- and lower-case hex, a trailer field, then the next response.
  const std::string wire =
      "5;name=value\r\nhello\r\n"
      "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
      "b\r\n 0123456789\r\n"
      "0\r\nExpires: never\r\n\r\n"
      "HTTP/1.1 200 OK";
  for (size_t piece = 1; piece <= wire.size(); ++piece) {
    ChunkedDecoder::Status st;
    EXPECT_EQ(decode_in_pieces(wire, piece, &st), "helloabcdefghijklmnopqrstuvwxyz 0123456789") << piece;
    EXPECT_EQ(st, ChunkedDecoder::Status::Done) << piece;
  }
  ChunkedDecoder d;
  std::string body;
  EXPECT_EQ(d.feed(wire, [&](std::string_view b) { body.append(b); }), ChunkedDecoder::Status::Done);
  EXPECT_EQ(wire.substr(d.consumed()), "HTTP/1.1 200 OK");  // what follows is not consumed
}

TEST(Chunked, IncompleteBodyIsNotDone) {
  for (std::string_view cut : {"", "5\r\nhel", "5\r\nhello\r\n", "0\r\n", "0\r\nX: y\r\n"}) {
    ChunkedDecoder d;
    EXPECT_EQ(d.feed(cut, [](std::string_view) {}), ChunkedDecoder::Status::More) << cut;
    EXPECT_FALSE(d.done()) << cut;
  }
}

TEST(Chunked, MalformedFramingIsAnErrorNamingTheProblem) {
  struct Case {
    std::string wire;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{{"x\r\n", "not a hex number"},
                                         {"5 junk\r\nhello\r\n", "junk after the chunk size"},
                                         {"5\r\nhelloXX", "not followed by CRLF"},
                                         {"5\n", "bare LF"},
                                         {"fffffffffffffffffffff\r\n", "over 2^40"},
                                         {std::string(5000, '1'), "over 4096"}}) {
    ChunkedDecoder d;
    EXPECT_EQ(d.feed(c.wire, [](std::string_view) {}), ChunkedDecoder::Status::Error) << c.wire;
    EXPECT_NE(d.error().find(c.says), std::string::npos) << d.error();
    EXPECT_EQ(d.feed("0\r\n\r\n", [](std::string_view) {}), ChunkedDecoder::Status::Error);  // stays failed
  }
}

}  // namespace
}  // namespace synack::cli::http
