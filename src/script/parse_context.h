#pragma once
// Internal: state shared by the parser's translation units. Errors are sticky: the first one is
// kept, later calls see !ok() and unwind by returning whatever they have.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "script/lexer.h"
#include "script/parse.h"
#include "script/script.h"

namespace synack::script::detail {

class Ctx {
 public:
  Ctx(std::string_view text, std::string file, const Defines* defines)
      : sc(text, defines), file_(std::move(file)) {}

  Scanner sc;

  bool ok() const { return !error_; }
  // Records the error (if it is the first) and returns false.
  bool fail(int line, int column, std::string msg);
  bool fail(Loc at, std::string msg) { return fail(at.line, at.column, std::move(msg)); }
  // At token `t`; a lexical Error token reports its own message instead.
  bool fail_at(const Token& t, std::string msg);

  // Consumes punctuation `p` or fails with "expected 'p' <context>".
  bool expect(char p, std::string_view context);
  bool accept(char p);
  // Consumes the word `w` or fails.
  bool expect_word(std::string_view w, std::string_view context);
  // Consumes an unsigned integer <= max, or fails naming `what`.
  std::optional<uint64_t> expect_uint(std::string_view what, uint64_t max);

  // Nesting depth of expressions, bounded so hostile input can't exhaust the stack.
  int depth = 0;
  static constexpr int kMaxDepth = 64;

  const std::string& file() const { return file_; }
  ParseError take_error() { return std::move(*error_); }

 private:
  std::string file_;
  std::optional<ParseError> error_;
};

// How a token reads in an error message: "'foo'", "end of file".
std::string describe(const Token& t);

// packet_parser.cc: at a '<' or '>' token.
Packet parse_packet(Ctx& c);
// syscall_parser.cc: at the syscall's name.
Syscall parse_syscall(Ctx& c);
Expr parse_expr(Ctx& c);

}  // namespace synack::script::detail
