// System call events (dialect §1.6): `name(args) = ret [ERRNO] [(free-text note)]`, and the
// argument expressions: integers, symbols, A|B, ..., [list], {struct}, "strings", f(calls).
#include <limits>
#include <string>

#include "script/parse_context.h"
#include "script/printer.h"

namespace synack::script::detail {
namespace {

Expr parse_bit_or(Ctx& c);

constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

Expr integer(Ctx& c, bool negative) {
  Token t = c.sc.next();
  Expr e;
  e.kind = ExprKind::Integer;
  e.hex = t.hex;
  if (t.kind != TokKind::Int) {
    c.fail_at(t, "expected an integer after '-', got " + describe(t));
  } else if (t.value > kMaxPositive + (negative ? 1 : 0)) {
    c.fail_at(t, "integer " + t.text + " is out of range");
  } else if (negative) {
    e.integer = t.value == kMaxPositive + 1 ? std::numeric_limits<int64_t>::min()
                                            : -static_cast<int64_t>(t.value);
  } else {
    e.integer = static_cast<int64_t>(t.value);
  }
  return e;
}

// Items up to `close`, separated by commas; `element` parses one item.
template <class F>
void items_until(Ctx& c, char close, std::string_view what, F element) {
  if (c.accept(close)) return;
  do {
    element();
  } while (c.ok() && c.accept(','));
  if (c.ok()) c.expect(close, std::string("or ',' in ") + std::string(what));
}

Expr call(Ctx& c) {
  Expr e;
  e.kind = ExprKind::Call;
  e.text = c.sc.next().text;
  c.sc.next();  // '('
  items_until(c, ')', "the argument list", [&] { e.items.push_back(parse_expr(c)); });
  return e;
}

// `{name=value, ...}`; an element may also be positional (`{..., 40}` for an iovec), and a
// name may carry a count (`msg_iov(1)=[...]`).
Expr structure(Ctx& c) {
  Expr e;
  e.kind = ExprKind::Struct;
  c.sc.next();  // '{'
  items_until(c, '}', "the struct", [&] {
    std::string name;
    Expr v;
    if (c.sc.peek().kind == TokKind::Word && c.sc.peek(1).is('=')) {
      name = c.sc.next().text;
      c.sc.next();
      v = parse_expr(c);
    } else {
      v = parse_expr(c);
      if (c.ok() && v.kind == ExprKind::Call && c.accept('=')) {
        name = to_string(v);
        v = parse_expr(c);
      }
    }
    e.names.push_back(std::move(name));
    e.items.push_back(std::move(v));
  });
  return e;
}

Expr operand(Ctx& c) {
  Token t = c.sc.peek();
  Expr e;
  switch (t.kind) {
    case TokKind::Int: return integer(c, false);
    case TokKind::Ellipsis:
      c.sc.next();
      e.kind = ExprKind::Ellipsis;
      return e;
    case TokKind::String:
      e.kind = ExprKind::String;
      e.text = c.sc.next().text;
      return e;
    case TokKind::Word:
      if (c.sc.peek(1).is('(')) return call(c);
      e.kind = ExprKind::Symbol;
      e.text = c.sc.next().text;
      return e;
    case TokKind::Punct:
      if (t.is('-')) {
        c.sc.next();
        return integer(c, true);
      }
      if (t.is('[')) {
        e.kind = ExprKind::List;
        c.sc.next();
        items_until(c, ']', "the list", [&] { e.items.push_back(parse_expr(c)); });
        return e;
      }
      if (t.is('{')) return structure(c);
      break;
    case TokKind::End:
    case TokKind::Error:
    case TokKind::Float:
    case TokKind::Command:
    case TokKind::Code: break;
  }
  c.fail_at(t,
            "expected an expression (integer, SYMBOL, ..., [list], {struct}, \"string\" or "
            "call(...)), got " +
                describe(t));
  return e;
}

// operand ('|' operand)*
Expr parse_bit_or(Ctx& c) {
  Expr first = operand(c);
  if (!c.ok() || !c.sc.peek().is('|')) return first;
  Expr e;
  e.kind = ExprKind::BitOr;
  e.items.push_back(std::move(first));
  while (c.ok() && c.accept('|')) e.items.push_back(operand(c));
  return e;
}

}  // namespace

Expr parse_expr(Ctx& c) {
  if (c.depth >= Ctx::kMaxDepth) {
    c.fail_at(c.sc.peek(), "expressions are nested too deeply");
    return Expr{};
  }
  ++c.depth;
  Expr e = parse_bit_or(c);
  --c.depth;
  return e;
}

Syscall parse_syscall(Ctx& c) {
  Syscall s;
  s.name = c.sc.next().text;
  c.sc.next();  // '('
  items_until(c, ')', "the system call's arguments", [&] { s.args.push_back(parse_expr(c)); });
  if (!c.ok() || !c.expect('=', "and the expected return value after the system call")) return s;
  Token at = c.sc.peek();
  Expr ret = parse_expr(c);
  if (!c.ok()) return s;
  if (ret.kind != ExprKind::Integer) {
    c.fail_at(at, "the return value of " + s.name + "() must be an integer, got " + to_string(ret));
    return s;
  }
  s.ret = ret.integer;
  s.ret_hex = ret.hex;
  if (c.sc.peek().kind == TokKind::Word) s.errno_name = c.sc.next().text;
  if (c.sc.peek().is('(')) {
    Token open = c.sc.peek();
    std::string note;
    if (!c.sc.raw_parenthesised(&note)) {
      c.fail_at(open, "unterminated (note) after the return value");
      return s;
    }
    s.note = std::move(note);
  }
  return s;
}

}  // namespace synack::script::detail
