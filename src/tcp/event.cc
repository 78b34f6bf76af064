#include "tcp/event.h"

namespace synack::tcp {

std::string_view to_string(Cause c) {
  switch (c) {
    case Cause::UserOpen: return "open";
    case Cause::UserListen: return "listen";
    case Cause::UserClose: return "close";
    case Cause::UserAbort: return "abort";
    case Cause::RecvSyn: return "rcv SYN";
    case Cause::RecvSynAck: return "rcv SYN,ACK";
    case Cause::RecvAck: return "rcv ACK";
    case Cause::RecvFin: return "rcv FIN";
    case Cause::RecvRst: return "rcv RST";
    case Cause::RetransmitLimit: return "timeout";
    case Cause::IcmpError: return "icmp error";
    case Cause::TimeWaitExpired: return "2MSL expired";
    case Cause::FinWait2Timeout: return "FIN-WAIT-2 timeout";
    case Cause::DataAfterClose: return "data after close";
    case Cause::KeepAliveTimeout: return "keep-alive timeout";
  }
  return "?";
}

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::StateChanged: return "state";
    case EventKind::Connected: return "connected";
    case EventKind::Readable: return "readable";
    case EventKind::Writable: return "writable";
    case EventKind::PeerClosed: return "peer-closed";
    case EventKind::Closed: return "closed";
    case EventKind::DeliveryTrouble: return "delivery-trouble";
    case EventKind::SoftError: return "soft-error";
    case EventKind::Urgent: return "urgent";
  }
  return "?";
}

}  // namespace synack::tcp
