#pragma once
// Internal: the scanner for packetdrill-dialect scripts. It hands out tokens on demand with
// lookahead, and also raw character runs for the context-dependent spots of the language (TCP
// flags like `S.`, FO cookies like `0123abcd`, option lines, syscall notes). Newlines are not
// significant. Lexical errors become Error tokens, reported when the parser consumes them.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace synack::script::detail {

enum class TokKind : uint8_t {
  End,
  Error,     // text is the message
  Int,       // decimal or 0x hex; value holds it
  Float,     // digits with a '.', e.g. 0.100 or .1 (text only)
  Word,      // [A-Za-z_][A-Za-z0-9_]*
  String,    // "..." (text unescaped)
  Command,   // `...` (text verbatim)
  Code,      // %{ ... }% (text verbatim)
  Ellipsis,  // ...
  Punct,     // one of < > ( ) [ ] { } , = : ! | + * ~ - ;
};

struct Token {
  TokKind kind = TokKind::End;
  std::string text;
  uint64_t value = 0;
  bool hex = false;
  int line = 1;
  int column = 1;
  size_t offset = 0;

  bool is(char p) const { return kind == TokKind::Punct && text.size() == 1 && text[0] == p; }
  bool is_word(std::string_view w) const { return kind == TokKind::Word && text == w; }
};

// Name -> value text of `-D` definitions.
using Defines = std::map<std::string, std::string, std::less<>>;

struct Loc {
  int line = 1;
  int column = 1;
};

class Scanner {
 public:
  // `defines` must outlive the scanner; it may grow while scanning (script `-D` lines).
  Scanner(std::string_view text, const Defines* defines);

  const Token& peek(size_t k = 0);
  Token next();

  // ---- raw access: these drop any lookahead and work on characters after whitespace/comments.
  char peek_char();
  std::string_view peek_chars(size_t n);
  Loc here();
  // The longest run of characters satisfying `pred` (may be empty).
  std::string raw_while(const std::function<bool(char)>& pred);
  // The text up to (not including) the first of `stops` on the current line, trimmed.
  std::string raw_until_any(std::string_view stops);
  // A blank-delimited word that stops before a comment; "..." and `...` inside it may hold blanks.
  std::string raw_word();
  // After a '(' at the current position: the text to the matching ')'. False if unterminated.
  bool raw_parenthesised(std::string* out);
  // The value of a `-D` definition, or nullptr.
  const std::string* lookup(std::string_view name) const;

 private:
  Token lex();
  Token lex_fresh();
  Token lex_number();
  Token lex_delimited(TokKind kind, std::string_view open, std::string_view close);
  Token lex_string();
  Token lex_word();
  Token start_token(TokKind kind);
  Token error_here(std::string msg);
  void skip_trivia();
  void rewind();
  void advance(size_t n);
  char at(size_t i) const { return pos_ + i < text_.size() ? text_[pos_ + i] : '\0'; }

  std::string_view text_;
  const Defines* defines_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  std::string trivia_error_;     // set by skip_trivia (unterminated /* */)
  std::deque<Token> ahead_;      // lexed, not yet consumed
  std::deque<Token> expansion_;  // rest of a -D substitution
};

}  // namespace synack::script::detail
