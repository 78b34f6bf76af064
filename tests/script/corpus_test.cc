// Parses every conformance script under the shared conformance directory:
//   freebsd/portable/**  all must parse (no exceptions are needed; the list below is empty);
//   packetdrill/**       must parse, or fail with a reason listed in kPacketdrillUnsupported;
//   freebsd/original/**  must parse, except the nplab `#ifdef` scripts, which must fail at their
//                        first '#' line (the dialect has no '#').
// Every parsed script must also print back (to_source) to text that parses to the same events.
// If the directory can't be found the tests FAIL, saying where they looked.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "script/code.h"
#include "script/parse.h"
#include "script/printer.h"

namespace synack::script {
namespace {

namespace fs = std::filesystem;

#ifndef SYNACK_DEFAULT_CONFORMANCE_DIR
#define SYNACK_DEFAULT_CONFORMANCE_DIR ""
#endif

// Scripts of freebsd/portable that may fail, with the reason. Empty: all 547 parse.
const std::map<std::string, std::string> kFreebsdExpectedFailures = {};

// freebsd/portable scripts whose %{ }% blocks assert more than the runner evaluates.
// Empty: the one block that was (tcpi_options against TCPI_OPT_ bits joined by
// '|', in socket-api-getsockopt-tcpinfo-ipv4.pkt) is supported now.
const std::map<std::string, std::string> kFreebsdUnsupportedPython = {};

// packetdrill/ scripts that may fail, each with a substring of the expected error. Empty: with
// the definitions run_all.py passes (kRunAllDefines), all 51 parse.
const std::map<std::string, std::string> kPacketdrillUnsupported = {};

// packetdrill/ scripts that need run_all.py's -D definitions, with the error they give without.
const std::map<std::string, std::string> kNeedRunAllDefines = {
    {"fastopen/server/listener-closed-trigger-rst.pkt",
     "invalid TCP Fast Open cookie 'TFO_COOKIE'"},
    {"fastopen/server/reset-non-tfo-socket.pkt", "invalid TCP Fast Open cookie 'TFO_COOKIE'"},
};

// What packetdrill's run_all.py passes with -D (dialect §1.7); the cookie is any 8-byte value.
ParseOptions run_all_defines() {
  ParseOptions o;
  o.defines = {{"TFO_COOKIE", "3021b9d889017eeb"}, {"CODE", "host_unreachable"}};
  return o;
}

struct Located {
  fs::path dir;        // empty if not found
  std::string looked;  // every place tried, for the failure message
};

bool has_corpus(const fs::path& p) {
  std::error_code ec;
  return !p.empty() && fs::is_directory(p / "freebsd" / "portable", ec);
}

// $SYNACK_CONFORMANCE_DIR if set (and then only it: a wrong setting must not be masked), else the
// CMake-time default ${PROJECT_SOURCE_DIR}/../shared/conformance, else /work/shared/conformance.
Located find_conformance_dir() {
  Located out;
  if (const char* env = std::getenv("SYNACK_CONFORMANCE_DIR"); env != nullptr && *env != '\0') {
    out.looked = std::string("\n  ") + env + " (from $SYNACK_CONFORMANCE_DIR)";
    if (has_corpus(env)) out.dir = env;
    return out;
  }
  const std::pair<const char*, const char*> candidates[] = {
      {SYNACK_DEFAULT_CONFORMANCE_DIR, "CMake default"}, {"/work/shared/conformance", "fallback"}};
  for (const auto& [path, what] : candidates) {
    out.looked += std::string("\n  ") + path + " (" + what + ")";
    if (has_corpus(path)) {
      out.dir = path;
      return out;
    }
  }
  return out;
}

std::vector<fs::path> scripts_under(const fs::path& root) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".pkt") out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Printing the script and parsing the text again gives the same options and events.
void expect_round_trip(const Script& s, const std::string& rel) {
  std::string text = to_source(s);
  auto again = parse_script(text, rel + " (printed)");
  ASSERT_TRUE(again.has_value()) << again.error() << "\n--- printed ---\n" << text;
  EXPECT_EQ(again->options.size(), s.options.size()) << rel;
  ASSERT_EQ(again->events.size(), s.events.size()) << rel;
  for (size_t i = 0; i < s.events.size(); ++i) {
    const Event& a = s.events[i];
    const Event& b = again->events[i];
    EXPECT_TRUE(a.time == b.time && a.body == b.body)
        << rel << ": " << to_string(a) << "\n  printed as: " << to_source(a)
        << "\n  reparsed:   " << to_source(b);
  }
  EXPECT_EQ(again->init_command, s.init_command) << rel;
  EXPECT_EQ(again->cleanup_command.has_value(), s.cleanup_command.has_value()) << rel;
}

// Counts the assert blocks; any other code block must be in kFreebsdUnsupportedPython.
size_t check_code_blocks(const Script& s, const std::string& name) {
  size_t asserts = 0;
  for (const Event& e : s.events) {
    if (e.code() == nullptr) continue;
    auto a = parse_assertions(e.code()->text);
    if (a) {
      ++asserts;
    } else {
      EXPECT_TRUE(kFreebsdUnsupportedPython.count(name))
          << name << ":" << e.line << ": " << a.error();
    }
  }
  return asserts;
}

class Corpus : public ::testing::Test {
 protected:
  void SetUp() override {
    Located l = find_conformance_dir();
    ASSERT_FALSE(l.dir.empty())
        << "conformance scripts not found; looked for <dir>/freebsd/portable in:" << l.looked
        << "\nSet SYNACK_CONFORMANCE_DIR to the conformance directory.";
    dir_ = l.dir;
  }

  std::string rel(const fs::path& p) const { return fs::relative(p, dir_).generic_string(); }

  fs::path dir_;
};

TEST_F(Corpus, FreebsdPortableScriptsAllParse) {
  std::vector<fs::path> files = scripts_under(dir_ / "freebsd" / "portable");
  EXPECT_GE(files.size(), 547u) << "expected the 547 FreeBSD scripts under "
                                << dir_ / "freebsd/portable";
  size_t parsed = 0;
  size_t events = 0;
  size_t asserts = 0;
  for (const fs::path& f : files) {
    std::string name = fs::relative(f, dir_ / "freebsd" / "portable").generic_string();
    auto r = parse_script_file(f.string());
    auto expected = kFreebsdExpectedFailures.find(name);
    if (expected != kFreebsdExpectedFailures.end()) {
      EXPECT_FALSE(r.has_value()) << name << " is listed as failing (" << expected->second
                                  << ") but parses";
      continue;
    }
    ASSERT_TRUE(r.has_value()) << r.error();
    ++parsed;
    events += r->events.size();
    asserts += check_code_blocks(*r, name);
    expect_round_trip(*r, rel(f));
  }
  // portable/README.md rule R4/R6 gives 118 tcpi_state assertions; one more
  // block asserts tcpi_options.
  EXPECT_EQ(asserts, 119u) << "118 tcpi_state assertions and one tcpi_options";
  std::cout << "[ corpus   ] freebsd/portable: " << parsed << " of " << files.size()
            << " scripts parse (" << events << " events, " << asserts
            << " assert blocks)\n";
}

TEST_F(Corpus, PacketdrillScriptsParseOrAreListedUnsupported) {
  std::vector<fs::path> files = scripts_under(dir_ / "packetdrill");
  EXPECT_GE(files.size(), 51u) << "expected the 51 curated scripts under " << dir_ / "packetdrill";
  size_t parsed = 0;
  for (const fs::path& f : files) {
    std::string name = fs::relative(f, dir_ / "packetdrill").generic_string();
    auto r = parse_script_file(f.string(), run_all_defines());
    auto listed = kPacketdrillUnsupported.find(name);
    if (listed != kPacketdrillUnsupported.end()) {
      ASSERT_FALSE(r.has_value()) << name << " is listed as unsupported but parses";
      EXPECT_NE(r.error().message.find(listed->second), std::string::npos) << r.error();
      continue;
    }
    ASSERT_TRUE(r.has_value()) << r.error();
    ++parsed;
    expect_round_trip(*r, rel(f));
  }
  std::cout << "[ corpus   ] packetdrill: " << parsed << " of " << files.size()
            << " scripts parse\n";
}

TEST_F(Corpus, PacketdrillScriptsWithoutDefinesFailOnlyWhereListed) {
  std::vector<fs::path> files = scripts_under(dir_ / "packetdrill");
  ASSERT_FALSE(files.empty());
  for (const fs::path& f : files) {
    std::string name = fs::relative(f, dir_ / "packetdrill").generic_string();
    auto r = parse_script_file(f.string());
    auto listed = kNeedRunAllDefines.find(name);
    if (listed == kNeedRunAllDefines.end()) {
      EXPECT_TRUE(r.has_value()) << r.error();
      continue;
    }
    ASSERT_FALSE(r.has_value()) << name
                                << " is listed as needing -D definitions but parses without";
    EXPECT_NE(r.error().message.find(listed->second), std::string::npos) << r.error();
  }
}

// The first line starting with '#' (after leading blanks), or 0.
int first_hash_line(const fs::path& f) {
  std::ifstream in(f);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    size_t b = line.find_first_not_of(" \t");
    if (b != std::string::npos && line[b] == '#') return n;
  }
  return 0;
}

TEST_F(Corpus, FreebsdOriginalScriptsParseExceptIfdef) {
  std::vector<fs::path> files = scripts_under(dir_ / "freebsd" / "original");
  if (files.empty()) GTEST_SKIP() << "no freebsd/original scripts (optional part of the corpus)";
  size_t parsed = 0;
  size_t ifdef = 0;
  for (const fs::path& f : files) {
    auto r = parse_script_file(f.string());
    if (int hash = first_hash_line(f); hash != 0) {
      ++ifdef;
      ASSERT_FALSE(r.has_value()) << rel(f);
      EXPECT_EQ(r.error().line, hash) << r.error();
      EXPECT_NE(r.error().message.find("'#' is not a comment"), std::string::npos) << r.error();
      continue;
    }
    ASSERT_TRUE(r.has_value()) << r.error();
    ++parsed;
  }
  std::cout << "[ corpus   ] freebsd/original: " << parsed << " parse, " << ifdef
            << " rejected for #ifdef, of " << files.size() << "\n";
}

}  // namespace
}  // namespace synack::script
