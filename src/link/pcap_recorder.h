#pragma once
// link::PcapRecorder — writes every packet it sees to a pcap file (libpcap's
// format, LINKTYPE_RAW: each record is a bare IPv4 packet) that Wireshark and
// tshark open.
//
// Two ways to use it:
//   - as a Link decorator: wrap(inner, path) records what passes through
//     send() and receive() and forwards to `inner`;
//   - on its own: create(path) and call record(now, packet) wherever packets
//     are seen (the simulator records at a host's interface).
//
// Timestamps are the `now` handed in (the virtual clock in the simulator), so
// the same packets at the same instants give a byte-identical file.
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "base/expected.h"
#include "link/link.h"

namespace synack::link {

struct PcapError {
  enum class Kind : uint8_t {
    OpenFailed,   // the file could not be created (missing directory, permissions...)
    WriteFailed,  // writing or flushing the file failed (disk full...)
    BadPath,      // an empty path, or "-" (libpcap would write to stdout)
  };
  Kind kind = Kind::OpenFailed;
  std::string path;
  std::string detail;  // libpcap's or the C library's explanation

  // "cannot create pcap file 'x.pcap': No such file or directory"
  std::string message() const;
};
std::string_view to_string(PcapError::Kind k);
inline std::ostream& operator<<(std::ostream& os, const PcapError& e) { return os << e.message(); }

class PcapRecorder final : public Link {
 public:
  // A recorder without a link: packets are written with record().
  static base::Expected<std::unique_ptr<PcapRecorder>, PcapError> create(const std::string& path);
  // A Link decorator: what goes through send()/receive() is recorded, then
  // forwarded to (or taken from) `inner`, which must outlive the recorder.
  static base::Expected<std::unique_ptr<PcapRecorder>, PcapError> wrap(Link& inner, const std::string& path);

  ~PcapRecorder() override;
  PcapRecorder(const PcapRecorder&) = delete;
  PcapRecorder& operator=(const PcapRecorder&) = delete;

  // Write one packet with timestamp `now` (packets beyond 65535 bytes are cut
  // to the snapshot length, as a capture would).
  void record(base::Instant now, base::Bytes packet);
  // Flush and close the file; reports a write error that happened on the way.
  // Further records are ignored. The destructor closes too, silently.
  base::Expected<void, PcapError> close();

  uint64_t packets() const { return packets_; }
  const std::string& path() const { return path_; }

  // ---- Link ----
  // Without an inner link, send() only records and receive() has nothing.
  void send(base::Instant now, base::Bytes packet) override;
  std::optional<size_t> receive(base::Instant now, base::MutBytes buf) override;
  base::Instant next_arrival() const override;
  int fd() const override;

 private:
  struct Handles;
  PcapRecorder(std::string path, Link* inner, std::unique_ptr<Handles> h);
  static base::Expected<std::unique_ptr<PcapRecorder>, PcapError> open(const std::string& path, Link* inner);

  std::string path_;
  Link* inner_ = nullptr;
  std::unique_ptr<Handles> h_;
  uint64_t packets_ = 0;
};

}  // namespace synack::link
