#include "pdrill/expectations.h"

#include <fnmatch.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace synack::pdrill {

base::Expected<Expectations, std::string> Expectations::load(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  if (!in) return base::Unexpected("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto r = parse(ss.str(), key);
  if (!r) return base::Unexpected(path + ": " + r.error());
  return r;
}

base::Expected<Expectations, std::string> Expectations::parse(const std::string& json_text, const std::string& key) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false, true);
  if (j.is_discarded()) return base::Unexpected(std::string("not valid JSON"));
  if (!j.is_object() || !j.contains(key) || !j[key].is_array()) {
    return base::Unexpected("expected an object with a \"" + key + "\" array");
  }
  Expectations e;
  size_t i = 0;
  for (const auto& item : j[key]) {
    std::string where = "entry " + std::to_string(i++);
    if (!item.is_object() || !item.contains("scripts") || !item["scripts"].is_array()) {
      return base::Unexpected(where + ": needs a \"scripts\" array");
    }
    Expectation x;
    for (const auto& s : item["scripts"]) {
      if (!s.is_string()) return base::Unexpected(where + ": scripts must be strings");
      x.scripts.push_back(s.get<std::string>());
    }
    auto text = [&](const char* k) { return item.contains(k) && item[k].is_string() ? item[k].get<std::string>() : ""; };
    x.reason = text("reason");
    x.rfc = text("rfc");
    if (item.contains("failure") && item["failure"].is_array()) {
      for (const auto& f : item["failure"]) {
        if (f.is_string()) x.failures.push_back(f.get<std::string>());
      }
    } else if (!text("failure").empty()) {
      x.failures.push_back(text("failure"));
    }
    if (x.reason.empty() || x.rfc.empty()) {
      return base::Unexpected(where + ": every difference needs a \"reason\" and the \"rfc\" text that justifies it");
    }
    e.entries_.push_back(std::move(x));
  }
  return e;
}

bool Expectation::excuses(const std::string& message, const std::string& actual) const {
  if (failures.empty()) return true;
  for (const std::string& f : failures) {
    if (message.find(f) != std::string::npos || actual.find(f) != std::string::npos) return true;
  }
  return false;
}

const Expectation* Expectations::find(const std::string& key) const {
  for (const Expectation& x : entries_) {
    for (const std::string& pat : x.scripts) {
      if (fnmatch(pat.c_str(), key.c_str(), 0) == 0) return &x;
    }
  }
  return nullptr;
}

}  // namespace synack::pdrill
