#include "tcp/drop_reason.h"

namespace synack::tcp {

std::string_view to_string(DropReason r) {
  switch (r) {
    case DropReason::None: return "none";
    case DropReason::Malformed: return "malformed";
    case DropReason::BadChecksum: return "bad checksum";
    case DropReason::Fragment: return "ip fragment";
    case DropReason::NotForUs: return "not for us";
    case DropReason::UnsupportedProtocol: return "unsupported protocol";
    case DropReason::BadAddress: return "bad address";
    case DropReason::NoConnection: return "no connection";
    case DropReason::RstIgnored: return "rst ignored";
    case DropReason::RstOutOfWindow: return "rst out of window";
    case DropReason::RstChallenged: return "rst challenged";
    case DropReason::RstTimeWait: return "rst in time-wait ignored";
    case DropReason::SynChallenged: return "syn challenged";
    case DropReason::Unacceptable: return "unacceptable segment";
    case DropReason::BadAck: return "bad ack";
    case DropReason::AckTooNew: return "ack of unsent data";
    case DropReason::AckTooOld: return "ack too old";
    case DropReason::NoAck: return "ack bit off";
    case DropReason::NoSynOrRst: return "neither syn nor rst";
    case DropReason::ListenNonSyn: return "non-syn to listener";
    case DropReason::SynFinDropped: return "syn+fin dropped";
    case DropReason::ReassemblyFull: return "reassembly full";
    case DropReason::AfterClose: return "data after close";
    case DropReason::ListenQueueFull: return "listen queue full";
    case DropReason::ConnectionLimit: return "connection limit";
    case DropReason::DeferredAccept: return "ack deferred for data";
    case DropReason::PawsRejected: return "paws rejected";
    case DropReason::MissingTimestamp: return "missing timestamp";
  }
  return "?";
}

}  // namespace synack::tcp
