#include "link/link_event.h"

namespace synack::link {

std::string_view to_string(LinkEventKind k) {
  switch (k) {
    case LinkEventKind::Sent: return "sent";
    case LinkEventKind::Lost: return "lost";
    case LinkEventKind::TooBig: return "too_big";
    case LinkEventKind::Duplicated: return "duplicated";
    case LinkEventKind::Reordered: return "reordered";
    case LinkEventKind::Corrupted: return "corrupted";
    case LinkEventKind::Delivered: return "delivered";
    case LinkEventKind::CeMarked: return "ce_marked";
  }
  return "?";
}

}  // namespace synack::link
