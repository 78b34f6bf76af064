// The scanner: tokens, comments, locations, raw reads and -D substitution.
#include "script/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace synack::script::detail {
namespace {

std::vector<Token> lex_all(std::string_view text, const Defines* defines = nullptr) {
  Scanner sc(text, defines);
  std::vector<Token> out;
  for (Token t = sc.next(); t.kind != TokKind::End; t = sc.next()) {
    out.push_back(t);
    if (t.kind == TokKind::Error) break;
  }
  return out;
}

std::string kinds(const std::vector<Token>& ts) {
  std::string out;
  for (const Token& t : ts) {
    switch (t.kind) {
      case TokKind::End: out += "E "; break;
      case TokKind::Error: out += "ERR "; break;
      case TokKind::Int: out += "I:" + t.text + " "; break;
      case TokKind::Float: out += "F:" + t.text + " "; break;
      case TokKind::Word: out += "W:" + t.text + " "; break;
      case TokKind::String: out += "S:" + t.text + " "; break;
      case TokKind::Command: out += "C:" + t.text + " "; break;
      case TokKind::Code: out += "K:" + t.text + " "; break;
      case TokKind::Ellipsis: out += "... "; break;
      case TokKind::Punct: out += t.text + " "; break;
    }
  }
  return out;
}

TEST(Lexer, NumbersWordsAndPunctuation) {
  EXPECT_EQ(kinds(lex_all("0 +.1 0.100 0x02 1:1001(1000)")),
            "I:0 + F:.1 F:0.100 I:0x02 I:1 : I:1001 ( I:1000 ) ");
  EXPECT_EQ(kinds(lex_all("SOCK_STREAM sackOK md5 ect01")),
            "W:SOCK_STREAM W:sackOK W:md5 W:ect01 ");
  EXPECT_EQ(kinds(lex_all("< > [ ] { } , = ! | * ~ - ;")), "< > [ ] { } , = ! | * ~ - ; ");
}

TEST(Lexer, IntegerValues) {
  auto ts = lex_all("4294967295 0xe0 0x02");
  ASSERT_EQ(ts.size(), 3u);
  EXPECT_EQ(ts[0].value, 4294967295u);
  EXPECT_EQ(ts[1].value, 0xe0u);
  EXPECT_TRUE(ts[1].hex);
  EXPECT_EQ(ts[2].value, 2u);
}

TEST(Lexer, EllipsisSplitsBlockingTimes) {
  EXPECT_EQ(kinds(lex_all("+0...0.200")), "+ I:0 ... F:0.200 ");
  EXPECT_EQ(kinds(lex_all("1.00...6.00")), "F:1.00 ... F:6.00 ");
  EXPECT_EQ(kinds(lex_all("+.1...0.2")), "+ F:.1 ... F:0.2 ");
  EXPECT_EQ(kinds(lex_all("(..., ...)")), "( ... , ... ) ");
}

TEST(Lexer, StringsCommandsAndCode) {
  EXPECT_EQ(kinds(lex_all(R"("a\"b\\c")")), "S:a\"b\\c ");
  EXPECT_EQ(kinds(lex_all("`a\n b`")), "C:a\n b ");
  EXPECT_EQ(kinds(lex_all("%{ assert x }%")), "K: assert x  ");
}

TEST(Lexer, CommentsAreSkippedAndLocationsTracked) {
  auto ts = lex_all("// one\n  a /* two\nthree */ b // four\n\tc");
  ASSERT_EQ(ts.size(), 3u);
  EXPECT_EQ(ts[0].line, 2);
  EXPECT_EQ(ts[0].column, 3);
  EXPECT_EQ(ts[1].line, 3);
  EXPECT_EQ(ts[1].column, 10);
  EXPECT_EQ(ts[2].line, 4);
  EXPECT_EQ(ts[2].column, 2);
}

struct ErrorCase {
  const char* text;
  const char* message_part;
  int line;
};

TEST(Lexer, ErrorsBecomeErrorTokens) {
  const ErrorCase cases[] = {
      {"a\n#ifdef STANDARD\n", "'#ifdef STANDARD': '#' is not a comment", 2},
      {"a /* open", "unterminated /* comment", 1},
      {"\"open", "unterminated string", 1},
      {"x\n`open", "unterminated `command`", 2},
      {"%{ open", "unterminated %{ code block", 1},
      {"12ab", "malformed number '12ab'", 1},
      {"1.2.3", "malformed number '1.2.3'", 1},
      {"99999999999999999999", "is too large", 1},
      {"@", "unexpected character '@'", 1},
  };
  for (const ErrorCase& c : cases) {
    auto ts = lex_all(c.text);
    ASSERT_FALSE(ts.empty()) << c.text;
    EXPECT_EQ(ts.back().kind, TokKind::Error) << c.text;
    EXPECT_NE(ts.back().text.find(c.message_part), std::string::npos) << ts.back().text;
    EXPECT_EQ(ts.back().line, c.line) << c.text;
  }
}

TEST(Lexer, DefinesReplaceWordsWithTheirTokens) {
  Defines d{{"CODE", "host_unreachable"}, {"PAIR", "1:2"}, {"STR", "\"x y\""}, {"SELF", "SELF 1"}};
  auto ts = lex_all("  CODE PAIR STR SELF", &d);
  EXPECT_EQ(kinds(ts), "W:host_unreachable I:1 : I:2 S:x y W:SELF I:1 ");
  EXPECT_EQ(ts[1].column, 8);  // substituted tokens carry the word's location
  EXPECT_EQ(ts[3].column, 8);
}

TEST(Lexer, RawReadsDropLookahead) {
  Scanner sc("> S. 0:0(0) (a (b) c) rest", nullptr);
  EXPECT_TRUE(sc.next().is('>'));
  EXPECT_EQ(sc.peek().kind, TokKind::Word);  // "S", lexed ahead
  EXPECT_EQ(sc.raw_while([](char c) { return c != ' '; }), "S.");
  EXPECT_EQ(sc.next().value, 0u);
  for (int i = 0; i < 5; ++i) sc.next();
  EXPECT_EQ(sc.peek_char(), '(');
  std::string note;
  EXPECT_TRUE(sc.raw_parenthesised(&note));
  EXPECT_EQ(note, "a (b) c");
  EXPECT_TRUE(sc.next().is_word("rest"));
}

TEST(Lexer, RawUntilStopsAtCommentsAndLineEnd) {
  Scanner sc("--mtu=72 // portable\nnext", nullptr);
  EXPECT_EQ(sc.raw_until_any(" \t"), "--mtu=72");
  EXPECT_TRUE(sc.next().is_word("next"));
  Scanner sc2("ECN e1b 1 ceb 2>", nullptr);
  EXPECT_EQ(sc2.raw_until_any(",>"), "ECN e1b 1 ceb 2");
}

}  // namespace
}  // namespace synack::script::detail
