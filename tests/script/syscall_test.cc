// System call events: argument expressions, return values, errno, notes, blocking end times.
#include <gtest/gtest.h>

#include "parse_helpers.h"

namespace synack::script {
namespace {

using testing::after_socket;
using testing::parse_err;
using testing::second_event;
using testing::syscall_of;

Expr sym(std::string name) {
  Expr e;
  e.kind = ExprKind::Symbol;
  e.text = std::move(name);
  return e;
}

TEST(Syscall, SocketCall) {
  Syscall s = syscall_of("+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 4");
  EXPECT_EQ(s.name, "socket");
  ASSERT_EQ(s.args.size(), 3u);
  EXPECT_EQ(s.args[0].kind, ExprKind::Ellipsis);
  EXPECT_EQ(s.args[1], sym("SOCK_STREAM"));
  EXPECT_EQ(s.args[2], sym("IPPROTO_TCP"));
  EXPECT_EQ(s.ret, 4);
  EXPECT_FALSE(s.errno_name);
  EXPECT_FALSE(s.note);
  EXPECT_FALSE(s.end_usecs);
}

TEST(Syscall, IntPointerAndBitOr) {
  Syscall s = syscall_of("+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0");
  ASSERT_EQ(s.args.size(), 5u);
  EXPECT_TRUE(s.args[3].is_int_pointer());
  EXPECT_EQ(s.args[3].items[0].integer, 1);
  Syscall f = syscall_of("+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0");
  ASSERT_EQ(f.args[2].kind, ExprKind::BitOr);
  EXPECT_EQ(f.args[2].items, (std::vector<Expr>{sym("O_RDWR"), sym("O_NONBLOCK")}));
  Syscall g = syscall_of("+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0");
  EXPECT_EQ(g.args[3].items[0], sym("ECONNRESET"));
  EXPECT_FALSE(g.args[3].is_int_pointer());
}

TEST(Syscall, ErrnoAndNote) {
  Syscall s = syscall_of("+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
  EXPECT_EQ(s.ret, -1);
  EXPECT_EQ(s.errno_name, "EINPROGRESS");
  EXPECT_EQ(s.note, "Operation now in progress");
  Syscall tight = syscall_of("+0 write(4, ..., 100) = -1 ECONNRESET(Connection reset by peer)");
  EXPECT_EQ(tight.errno_name, "ECONNRESET");
  EXPECT_EQ(tight.note, "Connection reset by peer");
  Syscall hex = syscall_of("+0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)");
  EXPECT_EQ(hex.ret, 2);
  EXPECT_TRUE(hex.ret_hex);
  EXPECT_FALSE(hex.errno_name);
  EXPECT_EQ(hex.note, "flags O_RDWR");
  EXPECT_EQ(syscall_of("+0 f() = 0 (a (nested) note)").note, "a (nested) note");
}

TEST(Syscall, StructsCallsAndStrings) {
  Syscall s = syscall_of(
      "+0 connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"192.0.2.1\")}, "
      "16) = 0");
  const Expr& addr = s.args[1];
  ASSERT_EQ(addr.kind, ExprKind::Struct);
  EXPECT_EQ(addr.names, (std::vector<std::string>{"sa_family", "sin_port", "sin_addr"}));
  EXPECT_EQ(addr.items[1].kind, ExprKind::Call);
  EXPECT_EQ(addr.items[1].text, "htons");
  EXPECT_EQ(addr.items[1].items[0].integer, 8080);
  EXPECT_EQ(addr.items[2].items[0].kind, ExprKind::String);
  EXPECT_EQ(addr.items[2].items[0].text, "192.0.2.1");
  Syscall l = syscall_of("+0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0");
  EXPECT_EQ(l.args[3].names, (std::vector<std::string>{"onoff", "linger"}));
}

TEST(Syscall, MultiLinePollAndPositionalStructs) {
  Event e = second_event(
      "+0...0.010 poll([{fd=3,\n"
      "                  events=POLLIN|POLLOUT|POLLERR,\n"
      "                  revents=POLLOUT}], 1, 100) = 1\n");
  ASSERT_NE(e.syscall(), nullptr);
  const Syscall& s = *e.syscall();
  ASSERT_EQ(s.args[0].kind, ExprKind::List);
  const Expr& pfd = s.args[0].items[0];
  EXPECT_EQ(pfd.names, (std::vector<std::string>{"fd", "events", "revents"}));
  EXPECT_EQ(pfd.items[1].items.size(), 3u);
  EXPECT_EQ(s.end_usecs, 10000);
  EXPECT_EQ(e.time.end, TimeEnd::Blocking);
  EXPECT_EQ(e.time.end_usecs, 10000);
  EXPECT_TRUE(e.time.end_relative);
  Syscall m =
      syscall_of("+0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 40}], msg_flags=0}, 0) = 40");
  const Expr& msg = m.args[1];
  EXPECT_EQ(msg.names, (std::vector<std::string>{"msg_name(...)", "msg_iov(1)", "msg_flags"}));
  EXPECT_EQ(msg.items[1].items[0].names, (std::vector<std::string>{"", ""}));
  EXPECT_EQ(msg.items[1].items[0].items[1].integer, 40);
}

TEST(Syscall, NegativeAndEmptyArguments) {
  Syscall s = syscall_of("+0 f(-5, -0x10, [], {}) = 0");
  EXPECT_EQ(s.args[0].integer, -5);
  EXPECT_EQ(s.args[1].integer, -16);
  EXPECT_TRUE(s.args[1].hex);
  EXPECT_TRUE(s.args[2].items.empty());
  EXPECT_EQ(s.args[3].kind, ExprKind::Struct);
  EXPECT_TRUE(syscall_of("+0 g() = 0").args.empty());
}

TEST(Syscall, Errors) {
  ParseError e = parse_err(after_socket("+0 close(3)"));
  EXPECT_EQ(e.line, 3);  // at the end of the file, after line 2's newline
  EXPECT_NE(e.message.find("expected '=' and the expected return value"), std::string::npos) << e;
  e = parse_err(after_socket("+0 close(3) = FOO"));
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 15);
  EXPECT_NE(e.message.find("return value of close() must be an integer, got FOO"),
            std::string::npos)
      << e;
  e = parse_err(after_socket("+0 read(4, ; 1) = 0"));
  EXPECT_EQ(e.column, 12);
  EXPECT_NE(e.message.find("expected an expression"), std::string::npos) << e;
  e = parse_err(after_socket("+0 read(4, ..., 1 = 0"));
  EXPECT_NE(e.message.find("expected ')' or ','"), std::string::npos) << e;
  e = parse_err(after_socket("+0 read(4, -X) = 0"));
  EXPECT_NE(e.message.find("expected an integer after '-'"), std::string::npos) << e;
  e = parse_err(after_socket("+0 read(4) = -1 EAGAIN (oops"));
  EXPECT_NE(e.message.find("unterminated (note)"), std::string::npos) << e;
  e = parse_err(after_socket("+0 read(4, 1.5) = 0"));
  EXPECT_NE(e.message.find("expected an expression"), std::string::npos) << e;
  e = parse_err(after_socket("+0 f(" + std::string(100, '[') + ") = 0"));
  EXPECT_NE(e.message.find("nested too deeply"), std::string::npos) << e;
  e = parse_err(after_socket("+0 f(99999999999999999999) = 0"));
  EXPECT_NE(e.message.find("too large"), std::string::npos) << e;
  e = parse_err(after_socket("+0 f(9223372036854775808) = 0"));
  EXPECT_NE(e.message.find("out of range"), std::string::npos) << e;
  EXPECT_EQ(syscall_of("+0 f(-9223372036854775808) = 0").args[0].integer, INT64_MIN);
}

}  // namespace
}  // namespace synack::script
