#pragma once
// Shared helpers for the script parser tests.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "script/parse.h"
#include "script/printer.h"
#include "script/script.h"

namespace synack::script::testing {

// Parses `text`, failing the test (with the parse error) if it doesn't parse.
inline Script parse_ok(std::string_view text, const ParseOptions& options = {}) {
  auto r = parse_script(text, "test.pkt", options);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().to_string()) << "\n--- script ---\n" << text;
  return r ? std::move(r).value() : Script{};
}

// Parses `text`, which must fail; returns the error.
inline ParseError parse_err(std::string_view text, const ParseOptions& options = {}) {
  auto r = parse_script(text, "test.pkt", options);
  EXPECT_FALSE(r.has_value()) << "unexpectedly parsed:\n" << text;
  return r ? ParseError{} : r.error();
}

// A script whose only interesting line is `line` (line 2), after a time-0 event.
inline std::string after_socket(std::string_view line) {
  return "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n" + std::string(line) + "\n";
}

// The single event on line 2 of after_socket(line).
inline Event second_event(std::string_view line) {
  Script s = parse_ok(after_socket(line));
  if (s.events.size() != 2) {
    ADD_FAILURE() << "expected 2 events, got " << s.events.size();
    return Event{};
  }
  return s.events[1];
}

inline Packet packet_of(std::string_view line) {
  Event e = second_event(line);
  EXPECT_NE(e.packet(), nullptr) << line;
  return e.packet() ? *e.packet() : Packet{};
}

inline Syscall syscall_of(std::string_view line) {
  Event e = second_event(line);
  EXPECT_NE(e.syscall(), nullptr) << line;
  return e.syscall() ? *e.syscall() : Syscall{};
}

}  // namespace synack::script::testing
