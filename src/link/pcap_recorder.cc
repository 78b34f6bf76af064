#include "link/pcap_recorder.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace synack::link {

namespace {
constexpr int kSnapLen = 65535;
}  // namespace

std::string_view to_string(PcapError::Kind k) {
  switch (k) {
    case PcapError::Kind::OpenFailed: return "cannot create pcap file";
    case PcapError::Kind::WriteFailed: return "cannot write pcap file";
    case PcapError::Kind::BadPath: return "unusable pcap file name";
  }
  return "?";
}

std::string PcapError::message() const {
  std::string m(to_string(kind));
  m += " '" + path + "'";
  if (!detail.empty()) m += ": " + detail;
  return m;
}

struct PcapRecorder::Handles {
  pcap_t* dead = nullptr;
  pcap_dumper_t* dumper = nullptr;
  ~Handles() {
    if (dumper) pcap_dump_close(dumper);
    if (dead) pcap_close(dead);
  }
};

PcapRecorder::PcapRecorder(std::string path, Link* inner, std::unique_ptr<Handles> h)
    : path_(std::move(path)), inner_(inner), h_(std::move(h)) {}

PcapRecorder::~PcapRecorder() = default;

base::Expected<std::unique_ptr<PcapRecorder>, PcapError> PcapRecorder::create(const std::string& path) {
  return open(path, nullptr);
}

base::Expected<std::unique_ptr<PcapRecorder>, PcapError> PcapRecorder::wrap(Link& inner,
                                                                            const std::string& path) {
  return open(path, &inner);
}

base::Expected<std::unique_ptr<PcapRecorder>, PcapError> PcapRecorder::open(const std::string& path,
                                                                            Link* inner) {
  if (path.empty() || path == "-") {
    return base::Unexpected(PcapError{PcapError::Kind::BadPath, path, "a file name is needed"});
  }
  auto h = std::make_unique<Handles>();
  // LINKTYPE_RAW: every record is an IPv4 packet without a link-layer header.
  h->dead = pcap_open_dead(DLT_RAW, kSnapLen);
  if (!h->dead) return base::Unexpected(PcapError{PcapError::Kind::OpenFailed, path, "pcap_open_dead failed"});
  h->dumper = pcap_dump_open(h->dead, path.c_str());
  if (!h->dumper) {
    return base::Unexpected(PcapError{PcapError::Kind::OpenFailed, path, pcap_geterr(h->dead)});
  }
  return std::unique_ptr<PcapRecorder>(new PcapRecorder(path, inner, std::move(h)));
}

void PcapRecorder::record(base::Instant now, base::Bytes packet) {
  if (!h_ || !h_->dumper) return;
  pcap_pkthdr hdr{};
  int64_t us = std::max<int64_t>(now.us(), 0);
  hdr.ts.tv_sec = static_cast<time_t>(us / 1'000'000);
  hdr.ts.tv_usec = static_cast<suseconds_t>(us % 1'000'000);
  hdr.len = static_cast<bpf_u_int32>(packet.size());
  hdr.caplen = static_cast<bpf_u_int32>(std::min<size_t>(packet.size(), kSnapLen));
  pcap_dump(reinterpret_cast<u_char*>(h_->dumper), &hdr, packet.data());
  ++packets_;
}

base::Expected<void, PcapError> PcapRecorder::close() {
  if (!h_ || !h_->dumper) return {};
  bool failed = pcap_dump_flush(h_->dumper) != 0 || std::ferror(pcap_dump_file(h_->dumper)) != 0;
  int err = errno;
  h_.reset();
  if (failed) return base::Unexpected(PcapError{PcapError::Kind::WriteFailed, path_, std::strerror(err)});
  return {};
}

void PcapRecorder::send(base::Instant now, base::Bytes packet) {
  record(now, packet);
  if (inner_) inner_->send(now, packet);
}

std::optional<size_t> PcapRecorder::receive(base::Instant now, base::MutBytes buf) {
  if (!inner_) return std::nullopt;
  auto n = inner_->receive(now, buf);
  if (n) record(now, buf.first(*n));
  return n;
}

base::Instant PcapRecorder::next_arrival() const {
  return inner_ ? inner_->next_arrival() : base::Instant::never();
}

int PcapRecorder::fd() const { return inner_ ? inner_->fd() : -1; }

}  // namespace synack::link
