// The HTTP heads `serve --app http` and `connect --http-get` parse.
#include "cli/http.h"

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

}  // namespace
}  // namespace synack::cli::http
