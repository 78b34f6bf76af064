#pragma once
// TimeWaitTable: compact TIME-WAIT records, a few dozen bytes each.
//
// Every record lives for the same 2*MSL, so records are kept in arrival order
// in a chunked FIFO (oldest at the head; expiry is a walk from the head, O(1)
// per record) and found through an open-addressing index of 32-bit positions.
// A record whose timer restarts (a retransmitted FIN) is copied to the tail;
// the old copy stays behind as a tombstone until the head passes it.
#include <cstdint>
#include <memory>
#include <vector>

#include "base/time.h"
#include "stack/index_table.h"
#include "tcp/time_wait.h"
#include "wire/ipv4_addr.h"

namespace synack::stack {

class TimeWaitTable {
 public:
  struct Record {
    wire::FourTuple tuple;
    tcp::SeqNum snd_nxt;
    tcp::SeqNum rcv_nxt;
    uint32_t ts_recent = 0;
    uint32_t ts_offset = 0;
    uint32_t expiry_ms = 0;  // milliseconds, compared modulo 2^32
    uint16_t wnd_field = 0;  // the window field we last sent
    uint8_t rcv_wscale : 4 = 0;  // 0-14 (RFC 7323 §2.3)
    uint8_t flags : 4 = 0;       // kTsOk, kDead
    // The connection's TOS byte (RFC 9293 MUST-48): its TIME-WAIT ACKs keep the
    // DSCP its other segments had, as Linux's tw_tos. In the byte the two
    // 4-bit fields above freed: a record stays 40 bytes.
    uint8_t tos = 0;

    tcp::TimeWaitVars vars() const;
  };
  static constexpr uint8_t kTsOk = 1;
  static constexpr uint8_t kDead = 2;

  TimeWaitTable();
  TimeWaitTable(const TimeWaitTable&) = delete;  // the index points back at the table
  TimeWaitTable& operator=(const TimeWaitTable&) = delete;

  // The secret that keys the index's hash (see IndexTable); set while empty.
  void set_key(uint64_t key) { index_.set_key(key); }
  size_t size() const { return live_; }
  // Heap bytes in use (records, chunks, index).
  size_t memory_bytes() const;

  void insert(const wire::FourTuple& t, const tcp::TimeWaitVars& v, uint16_t wnd_field, uint8_t rcv_wscale,
              base::Instant expiry, uint8_t tos = 0);
  Record* find(const wire::FourTuple& t);
  // Start loading the index line a find(t) begins with.
  void prefetch(const wire::FourTuple& t) const { index_.prefetch(t); }
  const Record* find(const wire::FourTuple& t) const { return const_cast<TimeWaitTable*>(this)->find(t); }
  bool erase(const wire::FourTuple& t);
  // Restart the 2*MSL timer of a record (moves it to the tail).
  void restart(const wire::FourTuple& t, base::Instant expiry);
  // Earliest expiry, or never. Kept up to date by every change, not looked
  // up: the stack asks after every packet, and the oldest record is rarely
  // in the cache by then.
  base::Instant next_expiry() const { return head_expiry_; }
  // Remove every record whose time is up; f(tuple) is called for each.
  template <class F>
  void expire(base::Instant now, F&& f) {
    ref_ms_ = now.us() / 1000;
    uint32_t now_ms = ms(now);
    while (head_ != tail_) {
      Record& r = at(head_);
      if (!(r.flags & kDead)) {
        if (static_cast<int32_t>(r.expiry_ms - now_ms) > 0) break;
        index_.erase(r.tuple);
        --live_;
        f(r.tuple);
      }
      pop_head();
    }
    note_head();
  }

 private:
  static constexpr uint32_t kChunkBits = 10;  // 1024 records per chunk
  static constexpr uint32_t kChunk = 1u << kChunkBits;

  static uint32_t ms(base::Instant t) { return static_cast<uint32_t>(t.us() / 1000); }
  Record& at(uint32_t pos) { return chunks_[(pos - base_) >> kChunkBits][pos & (kChunk - 1)]; }
  const Record& at(uint32_t pos) const {
    return chunks_[(pos - base_) >> kChunkBits][pos & (kChunk - 1)];
  }
  uint32_t push_tail(const Record& r);
  void pop_head();
  void note_head();  // head_expiry_ from the oldest live record

  std::vector<std::unique_ptr<Record[]>> chunks_;  // chunk i holds positions base_ + i*kChunk...
  uint32_t base_ = 0;   // position of the first record of chunks_[0] (a multiple of kChunk)
  uint32_t head_ = 0;   // oldest record
  uint32_t tail_ = 0;   // one past the newest
  struct TupleAt {
    const TimeWaitTable* table;
    const wire::FourTuple& operator()(uint32_t pos) const { return table->at(pos).tuple; }
  };
  // tuple -> position of its live record. Up to 3/4 full: it is probed per
  // connect and per segment without a connection, not per segment, and at
  // most half full it would cost 26 B per record (above a 40 B record) just
  // after doubling.
  IndexTable<TupleAt> index_{TupleAt{this}, 75};
  static constexpr uint32_t kNoRecord = IndexTable<TupleAt>::kEmpty;
  size_t live_ = 0;
  int64_t ref_ms_ = 0;  // a recent time, to widen 32-bit expiries back to Instants
  base::Instant head_expiry_ = base::Instant::never();
};

}  // namespace synack::stack
