#include "script/lexer.h"

#include <cctype>
#include <limits>

namespace synack::script::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

constexpr std::string_view kPunct = "<>()[]{},=:!|+*~-;";

std::string trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// The text of the line starting at `pos` (for error messages).
std::string_view line_at(std::string_view text, size_t pos) {
  size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) end = text.size();
  return text.substr(pos, end - pos);
}

}  // namespace

Scanner::Scanner(std::string_view text, const Defines* defines) : text_(text), defines_(defines) {}

void Scanner::advance(size_t n) {
  for (size_t i = 0; i < n && pos_ < text_.size(); ++i, ++pos_) {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
  }
}

void Scanner::skip_trivia() {
  for (;;) {
    char c = at(0);
    if (is_space(c)) {
      advance(1);
    } else if (c == '/' && at(1) == '/') {
      while (pos_ < text_.size() && at(0) != '\n') advance(1);
    } else if (c == '/' && at(1) == '*') {
      size_t end = text_.find("*/", pos_ + 2);
      if (end == std::string_view::npos) {
        trivia_error_ = "unterminated /* comment";
        return;  // stays at the "/*"
      }
      advance(end + 2 - pos_);
    } else {
      return;
    }
  }
}

Token Scanner::start_token(TokKind kind) {
  Token t;
  t.kind = kind;
  t.line = line_;
  t.column = column_;
  t.offset = pos_;
  return t;
}

Token Scanner::error_here(std::string msg) {
  Token t = start_token(TokKind::Error);
  t.text = std::move(msg);
  return t;
}

const Token& Scanner::peek(size_t k) {
  while (ahead_.size() <= k) ahead_.push_back(lex());
  return ahead_[k];
}

Token Scanner::next() {
  peek(0);
  Token t = std::move(ahead_.front());
  ahead_.pop_front();
  return t;
}

Token Scanner::lex() {
  if (!expansion_.empty()) {
    Token t = std::move(expansion_.front());
    expansion_.pop_front();
    return t;
  }
  return lex_fresh();
}

Token Scanner::lex_fresh() {
  skip_trivia();
  if (!trivia_error_.empty()) {  // reported at the opening "/*"
    Token t = error_here(trivia_error_);
    trivia_error_.clear();
    pos_ = text_.size();
    return t;
  }
  if (pos_ >= text_.size()) return start_token(TokKind::End);
  char c = at(0);
  if (c == '#') {
    return error_here("'" + std::string(line_at(text_, pos_)) +
                      "': '#' is not a comment in this dialect (use //), and nplab #ifdef/#endif "
                      "directives are not supported");
  }
  if (c == '`') return lex_delimited(TokKind::Command, "`", "`");
  if (c == '%' && at(1) == '{') return lex_delimited(TokKind::Code, "%{", "}%");
  if (c == '"') return lex_string();
  if (c == '.' && at(1) == '.' && at(2) == '.') {
    Token t = start_token(TokKind::Ellipsis);
    t.text = "...";
    advance(3);
    return t;
  }
  if (is_digit(c) || (c == '.' && is_digit(at(1)))) return lex_number();
  if (is_word_start(c)) return lex_word();
  if (kPunct.find(c) != std::string_view::npos) {
    Token t = start_token(TokKind::Punct);
    t.text = std::string(1, c);
    advance(1);
    return t;
  }
  Token t = error_here(std::string("unexpected character '") + c + "'");
  advance(1);
  return t;
}

Token Scanner::lex_number() {
  Token t = start_token(TokKind::Int);
  size_t b = pos_;
  if (at(0) == '0' && (at(1) == 'x' || at(1) == 'X') &&
      std::isxdigit(static_cast<unsigned char>(at(2)))) {
    advance(2);
    t.hex = true;
    while (std::isxdigit(static_cast<unsigned char>(at(0)))) advance(1);
  } else {
    while (is_digit(at(0))) advance(1);
    if (at(0) == '.' && at(1) != '.') {
      advance(1);
      while (is_digit(at(0))) advance(1);
      t.kind = TokKind::Float;
    }
  }
  t.text = std::string(text_.substr(b, pos_ - b));
  if (is_word_char(at(0)) || (at(0) == '.' && at(1) != '.' && t.kind == TokKind::Float)) {
    while (is_word_char(at(0)) || at(0) == '.') advance(1);
    t.kind = TokKind::Error;
    t.text = "malformed number '" + std::string(text_.substr(b, pos_ - b)) + "'";
    return t;
  }
  if (t.kind == TokKind::Float) return t;
  t.kind = TokKind::Int;
  uint64_t v = 0;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  const unsigned base = t.hex ? 16 : 10;
  for (char d : std::string_view(t.text).substr(t.hex ? 2 : 0)) {
    unsigned dv = is_digit(d) ? unsigned(d - '0') : unsigned(std::tolower(d) - 'a' + 10);
    if (v > (kMax - dv) / base) {
      t.kind = TokKind::Error;
      t.text = "integer '" + t.text + "' is too large";
      return t;
    }
    v = v * base + dv;
  }
  t.value = v;
  return t;
}

Token Scanner::lex_delimited(TokKind kind, std::string_view open, std::string_view close) {
  Token t = start_token(TokKind::Error);
  size_t body = pos_ + open.size();
  size_t end = text_.find(close, body);
  if (end == std::string_view::npos) {
    t.kind = TokKind::Error;
    t.text = kind == TokKind::Command ? "unterminated `command` (no closing backquote)"
                                      : "unterminated %{ code block (no closing }%)";
    pos_ = text_.size();
    return t;
  }
  t.kind = kind;
  t.text = std::string(text_.substr(body, end - body));
  advance(end + close.size() - pos_);
  return t;
}

Token Scanner::lex_string() {
  Token t = start_token(TokKind::Error);
  advance(1);
  std::string s;
  while (pos_ < text_.size() && at(0) != '"' && at(0) != '\n') {
    char c = at(0);
    if (c == '\\' && pos_ + 1 < text_.size()) {
      char e = at(1);
      s += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      advance(2);
    } else {
      s += c;
      advance(1);
    }
  }
  if (at(0) != '"') {
    t.kind = TokKind::Error;
    t.text = "unterminated string";
    return t;
  }
  advance(1);
  t.kind = TokKind::String;
  t.text = std::move(s);
  return t;
}

Token Scanner::lex_word() {
  Token t = start_token(TokKind::Error);
  size_t b = pos_;
  while (is_word_char(at(0))) advance(1);
  t.kind = TokKind::Word;
  t.text = std::string(text_.substr(b, pos_ - b));
  const std::string* value = lookup(t.text);
  if (value == nullptr) return t;
  // -D substitution: the value's tokens replace the word, located at the word. The value is
  // scanned without definitions, so a definition can't expand recursively.
  Scanner sub(*value, nullptr);
  for (Token s = sub.next(); s.kind != TokKind::End; s = sub.next()) {
    s.line = t.line;
    s.column = t.column;
    s.offset = t.offset;
    expansion_.push_back(std::move(s));
  }
  return lex();
}

const std::string* Scanner::lookup(std::string_view name) const {
  if (defines_ == nullptr) return nullptr;
  auto it = defines_->find(name);
  return it == defines_->end() ? nullptr : &it->second;
}

void Scanner::rewind() {
  expansion_.clear();
  if (ahead_.empty()) return;
  const Token& t = ahead_.front();
  pos_ = t.offset;
  line_ = t.line;
  column_ = t.column;
  ahead_.clear();
}

char Scanner::peek_char() {
  rewind();
  skip_trivia();
  trivia_error_.clear();
  return at(0);
}

std::string_view Scanner::peek_chars(size_t n) {
  peek_char();
  return text_.substr(pos_, n);
}

Loc Scanner::here() {
  peek_char();
  return Loc{line_, column_};
}

std::string Scanner::raw_while(const std::function<bool(char)>& pred) {
  peek_char();
  size_t b = pos_;
  while (pos_ < text_.size() && pred(at(0))) advance(1);
  return std::string(text_.substr(b, pos_ - b));
}

std::string Scanner::raw_until_any(std::string_view stops) {
  peek_char();
  size_t b = pos_;
  while (pos_ < text_.size() && at(0) != '\n' && stops.find(at(0)) == std::string_view::npos &&
         !(at(0) == '/' && (at(1) == '/' || at(1) == '*'))) {
    advance(1);
  }
  return trim(text_.substr(b, pos_ - b));
}

std::string Scanner::raw_word() {
  peek_char();
  size_t b = pos_;
  while (pos_ < text_.size() && !is_space(at(0)) &&
         !(at(0) == '/' && (at(1) == '/' || at(1) == '*'))) {
    char q = at(0);
    size_t close = q == '"' || q == '`' ? text_.find(q, pos_ + 1) : std::string_view::npos;
    advance(close == std::string_view::npos ? 1 : close + 1 - pos_);
  }
  return std::string(text_.substr(b, pos_ - b));
}

bool Scanner::raw_parenthesised(std::string* out) {
  if (peek_char() != '(') return false;
  size_t b = pos_ + 1;
  int depth = 0;
  for (size_t i = pos_; i < text_.size(); ++i) {
    if (text_[i] == '(') ++depth;
    if (text_[i] == ')' && --depth == 0) {
      *out = trim(text_.substr(b, i - b));
      advance(i + 1 - pos_);
      return true;
    }
  }
  return false;
}

}  // namespace synack::script::detail
