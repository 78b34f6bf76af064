#include "pdrill/option_codec.h"

#include <algorithm>

#include "base/bytes.h"
#include "wire/tcp_options.h"

namespace synack::pdrill {
namespace {

using script::OptionKind;

void put16(std::vector<uint8_t>& v, uint32_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}
void put32(std::vector<uint8_t>& v, uint32_t x) {
  put16(v, x >> 16);
  put16(v, x & 0xffff);
}

base::Expected<void, std::string> encode_one(const script::TcpOption& o, uint32_t sack_offset,
                                             std::vector<uint8_t>& out) {
  switch (o.kind) {
    case OptionKind::Eol: out.push_back(0); return {};
    case OptionKind::Nop: out.push_back(1); return {};
    case OptionKind::Mss:
      out.insert(out.end(), {2, 4});
      put16(out, o.value);
      return {};
    case OptionKind::WindowScale:
      out.insert(out.end(), {3, 3, static_cast<uint8_t>(o.value)});
      return {};
    case OptionKind::SackPermitted: out.insert(out.end(), {4, 2}); return {};
    case OptionKind::Sack:
      out.insert(out.end(), {5, static_cast<uint8_t>(2 + 8 * o.sack.size())});
      for (const script::SackBlock& b : o.sack) {
        put32(out, b.left + sack_offset);
        put32(out, b.right + sack_offset);
      }
      return {};
    case OptionKind::Timestamp:
      out.insert(out.end(), {8, 10});
      put32(out, o.ts_val);
      put32(out, o.ts_ecr);
      return {};
    case OptionKind::FastOpen:
      out.insert(out.end(), {34, static_cast<uint8_t>(2 + o.cookie.size())});
      out.insert(out.end(), o.cookie.begin(), o.cookie.end());
      return {};
    case OptionKind::FastOpenExp:
      out.insert(out.end(), {254, static_cast<uint8_t>(4 + o.cookie.size()), 0xf9, 0x89});
      out.insert(out.end(), o.cookie.begin(), o.cookie.end());
      return {};
    case OptionKind::Md5:
      return base::Unexpected(std::string("TCP-MD5 option (md5 " + o.text + "): synack has no RFC 2385 keys"));
    case OptionKind::Unknown:
      return base::Unexpected("unknown TCP option '" + o.text + "'");
  }
  return base::Unexpected(std::string("unknown TCP option kind"));
}

struct RawOpt {
  uint8_t kind;
  std::vector<uint8_t> data;
};

// Options up to and including EOL; a malformed tail is returned as one pseudo option 255+.
std::vector<RawOpt> split(std::span<const uint8_t> bytes, bool& malformed) {
  std::vector<RawOpt> out;
  auto r = wire::for_each_option(bytes, [&](const wire::RawOption& o) {
    out.push_back({o.kind, std::vector<uint8_t>(o.data.begin(), o.data.end())});
  });
  malformed = !r.has_value();
  return out;
}

std::string describe_one(const RawOpt& o) {
  const auto& d = o.data;
  switch (o.kind) {
    case 0: return "eol";
    case 1: return "nop";
    case 2: if (d.size() == 2) return "mss " + std::to_string(base::load_be16(d.data())); break;
    case 3: if (d.size() == 1) return "wscale " + std::to_string(d[0]); break;
    case 4: if (d.empty()) return "sackOK"; break;
    case 5: {
      if (d.size() % 8 != 0) break;
      std::string s = "sack";
      for (size_t i = 0; i + 8 <= d.size(); i += 8) {
        s += " " + std::to_string(base::load_be32(&d[i])) + ":" + std::to_string(base::load_be32(&d[i + 4]));
      }
      return s;
    }
    case 8:
      if (d.size() == 8) {
        return "TS val " + std::to_string(base::load_be32(d.data())) + " ecr " +
               std::to_string(base::load_be32(d.data() + 4));
      }
      break;
    default: break;
  }
  return "kind" + std::to_string(o.kind) + "/len" + std::to_string(d.size() + 2);
}

}  // namespace

base::Expected<std::vector<uint8_t>, std::string> encode_options(
    const std::vector<script::TcpOption>& opts, uint32_t sack_offset) {
  std::vector<uint8_t> out;
  for (const script::TcpOption& o : opts) {
    if (auto r = encode_one(o, sack_offset, out); !r) return base::Unexpected(r.error());
  }
  if (out.size() > wire::kMaxOptionBytes) {
    return base::Unexpected("options take " + std::to_string(out.size()) + " bytes (at most 40)");
  }
  return out;
}

std::optional<std::pair<uint32_t, uint32_t>> find_timestamp(std::span<const uint8_t> bytes) {
  std::optional<std::pair<uint32_t, uint32_t>> ts;
  (void)wire::for_each_option(bytes, [&](const wire::RawOption& o) {
    if (o.kind == 8 && o.data.size() == 8) ts = {base::load_be32(o.data.data()), base::load_be32(o.data.data() + 4)};
  });
  return ts;
}

std::string describe_options(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return "";
  bool malformed = false;
  std::vector<RawOpt> opts = split(bytes, malformed);
  std::string s = "<";
  size_t used = 0;
  for (size_t i = 0; i < opts.size(); ++i) {
    if (i) s += ",";
    s += describe_one(opts[i]);
    used += (opts[i].kind <= 1) ? 1 : opts[i].data.size() + 2;
  }
  // Bytes after an EOL are padding; show them as further EOLs when they are zero.
  for (size_t i = used; i < bytes.size(); ++i) s += bytes[i] == 0 ? ",eol" : ",?";
  if (malformed) s += ",<malformed>";
  return s + ">";
}

std::optional<std::string> compare_options(std::span<const uint8_t> expected,
                                           std::span<const uint8_t> live) {
  auto differ = [&](const std::string& what) -> std::optional<std::string> {
    std::string e = expected.empty() ? "no options" : describe_options(expected);
    std::string l = live.empty() ? "no options" : describe_options(live);
    return what + ": expected " + e + ", got " + l;
  };
  if (expected.size() != live.size()) return differ("option length differs");
  bool bad_e = false;
  bool bad_l = false;
  std::vector<RawOpt> e = split(expected, bad_e);
  std::vector<RawOpt> l = split(live, bad_l);
  if (bad_l) return differ("malformed options");
  if (e.size() != l.size()) return differ("options differ");
  for (size_t i = 0; i < e.size(); ++i) {
    if (e[i].kind != l[i].kind || e[i].data.size() != l[i].data.size()) return differ("options differ");
    if (e[i].kind == 8) continue;  // TSval unchecked by default, TSecr never
    if (e[i].data != l[i].data) return differ("option values differ");
  }
  // Trailing bytes after EOL must match too (they are part of the header length).
  size_t used = 0;
  for (const RawOpt& o : e) used += (o.kind <= 1) ? 1 : o.data.size() + 2;
  if (!std::equal(expected.begin() + static_cast<std::ptrdiff_t>(std::min(used, expected.size())), expected.end(),
                  live.begin() + static_cast<std::ptrdiff_t>(std::min(used, live.size())))) {
    return differ("option padding differs");
  }
  return std::nullopt;
}

}  // namespace synack::pdrill
