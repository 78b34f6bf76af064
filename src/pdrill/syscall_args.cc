#include "pdrill/syscall_args.h"

#include "pdrill/symbols.h"
#include "script/printer.h"

namespace synack::pdrill {

using script::Expr;
using script::ExprKind;

bool is_ellipsis(const Expr& e) { return e.kind == ExprKind::Ellipsis; }

base::Expected<int64_t, std::string> eval_int(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Integer:
      return e.integer;
    case ExprKind::Symbol:
      if (auto v = symbol_value(e.text)) return *v;
      return base::Unexpected("unknown symbol " + e.text);
    case ExprKind::BitOr: {
      int64_t v = 0;
      for (const Expr& item : e.items) {
        auto x = eval_int(item);
        if (!x) return x;
        v |= *x;
      }
      return v;
    }
    case ExprKind::Call:
      if ((e.text == "htons" || e.text == "ntohs" || e.text == "htonl" || e.text == "ntohl") &&
          e.items.size() == 1) {
        return eval_int(e.items[0]);
      }
      return base::Unexpected("unsupported function " + e.text + "()");
    case ExprKind::List:
      if (e.items.size() == 1) return eval_int(e.items[0]);
      break;
    case ExprKind::Ellipsis:
    case ExprKind::String:
    case ExprKind::Struct:
      break;
  }
  return base::Unexpected("expected an integer, got " + script::to_string(e));
}

base::Expected<int64_t, std::string> eval_pointed_int(const Expr& e) {
  if (e.kind != ExprKind::List || e.items.size() != 1) {
    return base::Unexpected("expected [value], got " + script::to_string(e));
  }
  return eval_int(e.items[0]);
}

base::Expected<std::optional<wire::Endpoint>, std::string> eval_sockaddr(const Expr& e,
                                                                         const wire::Endpoint& fallback) {
  if (is_ellipsis(e)) return std::optional<wire::Endpoint>{};
  if (e.kind != ExprKind::Struct) return base::Unexpected("expected a sockaddr, got " + script::to_string(e));
  wire::Endpoint ep = fallback;
  for (size_t i = 0; i < e.items.size(); ++i) {
    const std::string& name = i < e.names.size() ? e.names[i] : std::string();
    const Expr& v = e.items[i];
    if (name == "sa_family" || name == "sin_family") {
      auto fam = eval_int(v);
      if (!fam || *fam != 2) return base::Unexpected("only AF_INET addresses are supported");
    } else if (name == "sin_port") {
      auto port = eval_int(v);
      if (!port) return base::Unexpected(port.error());
      ep.port = static_cast<uint16_t>(*port);
    } else if (name == "sin_addr") {
      if (v.kind == ExprKind::Call && v.text == "inet_addr" && v.items.size() == 1 &&
          v.items[0].kind == ExprKind::String) {
        auto a = wire::Ipv4Addr::parse(v.items[0].text);
        if (!a) return base::Unexpected("bad address " + v.items[0].text);
        ep.addr = *a;
      } else {
        return base::Unexpected("unsupported sin_addr " + script::to_string(v));
      }
    } else {
      return base::Unexpected("unsupported sockaddr field '" + name + "'");
    }
  }
  return std::optional<wire::Endpoint>{ep};
}

}  // namespace synack::pdrill
