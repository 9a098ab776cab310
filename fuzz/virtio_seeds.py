#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora of the virtio fuzz targets (fuzz/corpus/virtio_<dev>/).

Each seed is an op stream in the format fuzz/virtio_fuzz.h documents; this script is the
readable source of those bytes. Run it from the repository root after changing the
format: python3 fuzz/virtio_seeds.py
"""
import os
import struct

CID = 3


def u8(v): return struct.pack('<B', v & 0xff)
def u16(v): return struct.pack('<H', v & 0xffff)
def u32(v): return struct.pack('<I', v & 0xffffffff)
def u64(v): return struct.pack('<Q', v & 0xffffffffffffffff)


def init(qsize_log=3, indirect=False, ro=False, featmask=0):
    """Mode byte (+ feature mask): normal driver init with queue size 2 << qsize_log."""
    mode = 1 | (2 if indirect else 0) | (qsize_log << 2) | (0x80 if ro else 0)
    return u8(mode) + u8(featmask)


def raw_mode():
    return u8(0)


def mmio_w(off, val, size_sel=0): return u8(0) + u16(off) + u8(size_sel) + u32(val)
def mmio_r(off, size_sel=0): return u8(1) + u16(off) + u8(size_sel)


def desc(q, idx, addr_off, length, flags, nxt):
    """Descriptor idx of queue q; addr_off is an offset into guest memory."""
    return u8(2) + u8(q) + u8(idx) + u32(addr_off) + u32(length) + u8(flags) + u8(nxt)


def publish(q, head): return u8(3) + u8(q) + u8(head)


def poke(off, data): return u8(4) + u32(off) + u8(len(data)) + data


def share(page, shared): return u8(5) + u8(page) + u8(1 if shared else 0)


def io(): return u8(6)
def host(*b): return u8(7) + b''.join(b)
def request(*b): return u8(8) + b''.join(b)
def reinit(mode, featmask=0): return u8(9) + u8(mode) + u8(featmask)


def chain(q, bufs):
    out = u8(10) + u8(q) + u8(len(bufs))
    for off, length, write in bufs:
        out += u32(off) + u16(length) + u8(1 if write else 0)
    return out


def kick(q): return u8(11) + u8(q)


# The raw virtio-mmio bring-up of one queue at fixed offsets (desc 0x1000, avail 0x2000,
# used 0x3000 of guest memory at 0x8000_0000), as a driver would do it register by register.
def raw_bringup(nq, features_hi=1):
    s = raw_mode()
    s += mmio_w(0x70, 0) + mmio_w(0x70, 1) + mmio_w(0x70, 3)
    s += mmio_w(0x24, 1) + mmio_w(0x20, features_hi) + mmio_w(0x70, 0xb)
    s += mmio_r(0x70)
    for q in range(nq):
        base = 0x80000000 + 0x4000 * q
        s += mmio_w(0x30, q) + mmio_r(0x34) + mmio_w(0x38, 8)
        s += mmio_w(0x80, base + 0x1000) + mmio_w(0x84, 0)
        s += mmio_w(0x90, base + 0x2000) + mmio_w(0x94, 0)
        s += mmio_w(0xa0, base + 0x3000) + mmio_w(0xa4, 0)
        s += mmio_w(0x44, 1)
    s += mmio_w(0x70, 0xf) + mmio_r(0x60) + mmio_w(0x64, 1)
    return s


def hostile_chains(q):
    """Seeds with the classic broken chains on queue q of a normally initialised device."""
    seeds = {}
    seeds['loop'] = init() + desc(q, 0, 0x100, 16, 1, 1) + desc(q, 1, 0x200, 16, 1, 0) + \
        publish(q, 0)
    seeds['self_loop'] = init() + desc(q, 3, 0x100, 16, 3, 3) + publish(q, 3)
    seeds['head_oob'] = init() + publish(q, 200)
    seeds['next_oob'] = init() + desc(q, 0, 0x100, 16, 1, 99) + publish(q, 0)
    seeds['bad_flags'] = init() + desc(q, 0, 0x100, 16, 8, 0) + publish(q, 0)
    seeds['read_after_write'] = init() + desc(q, 0, 0x100, 16, 3, 1) + \
        desc(q, 1, 0x200, 16, 0, 0) + publish(q, 0)
    # 0xfxxxxxx1 addresses the top of the address space: the buffer wraps.
    seeds['wrap'] = init() + desc(q, 0, 0xf0000001, 0x1000, 0, 0) + publish(q, 0)
    seeds['unshared'] = init() + share(0, False) + desc(q, 0, 0x10, 64, 2, 0) + publish(q, 0)
    seeds['indirect'] = init(indirect=True) + \
        poke(0x800, struct.pack('<QIHH', 0x80000900, 16, 1, 1) +
             struct.pack('<QIHH', 0x80000a00, 64, 2, 0)) + \
        desc(q, 0, 0x800, 32, 4, 0) + publish(q, 0)
    seeds['indirect_loop'] = init(indirect=True) + \
        poke(0x800, struct.pack('<QIHH', 0x80000900, 16, 1, 0)) + \
        desc(q, 0, 0x800, 16, 4, 0) + publish(q, 0)
    # Raw mode has no driver bookkeeping: the chain is poked into the rings by hand.
    base = 0x4000 * q
    seeds['raw_bringup'] = raw_bringup(q + 1) + \
        poke(base + 0x1000, struct.pack('<QIHH', 0x80000100, 16, 2, 0)) + \
        poke(base + 0x2000, u16(0) + u16(1) + u16(0)) + kick(q)
    return seeds


def blk_hdr_seg(sector, n, flags=0): return u64(sector) + u32(n) + u32(flags)


def blk_seeds():
    feats = 0x3d  # SEG_MAX, BLK_SIZE, FLUSH, DISCARD, WRITE_ZEROES
    data = bytes(range(64))
    rw = init(featmask=feats) + \
        request(u8(1), u8(0), u8(1), u8(1), data) + \
        request(u8(0), u8(0), u8(1), u8(1), bytes(64)) + \
        request(u8(2), u8(0), u8(0), u8(0)) + \
        request(u8(3), u8(0x40), u8(0), u16(20), bytes(20))
    dwz = init(featmask=feats) + \
        request(u8(4), u8(0x40), u8(0), u16(16), blk_hdr_seg(2, 1)) + \
        request(u8(5), u8(0x40), u8(0), u16(32), blk_hdr_seg(4, 2) + blk_hdr_seg(9, 1, 1)) + \
        request(u8(4), u8(0x40), u8(0), u16(16), blk_hdr_seg(2, 1, 1))
    edges = init(featmask=feats) + \
        request(u8(0), u8(0x80), u64(127), u8(1), bytes(64)) + \
        request(u8(1), u8(0x80), u64(2**64 - 1), u8(1), bytes(64)) + \
        request(u8(1), u8(0x40), u8(0), u16(100), bytes(64)) + \
        host(u16(1000)) + request(u8(0), u8(0), u8(1), u8(2), bytes(64)) + \
        request(u8(8), u8(0x10), u8(0), u8(0))
    ro = init(ro=True, featmask=0x0f) + request(u8(1), u8(0), u8(1), u8(1), data) + \
        request(u8(4), u8(0x40), u8(0), u16(16), blk_hdr_seg(2, 1))
    seeds = {'rw_flush_id': rw, 'discard_wz': dwz, 'edges': edges, 'read_only': ro}
    seeds.update(hostile_chains(0))
    return seeds


def console_seeds():
    text = b'hello from the guest\n'
    # The length field is len - 1 (the harness adds one).
    tx = init(featmask=1) + request(u8(0), u16(len(text) - 1), text) + \
        mmio_w(0x108, ord('!')) + host(u8(1))
    rx = init(featmask=1) + host(u8(0), u8(6), b'input\n') + io() + \
        request(u8(1), u16(4)) + request(u8(1), u16(64)) + io() + host(u8(2)) + io()
    flood = init(featmask=1) + b''.join(request(u8(0), u16(8000), bytes(256))
                                        for _ in range(4)) + io() + host(u8(1)) + io()
    bad = init(featmask=1) + request(u8(2), u16(7), b'x' * 8) + \
        reinit(0x0d, 1) + request(u8(3), u16(8))
    seeds = {'tx_emerg': tx, 'rx_input': rx, 'full_capture': flood, 'wrong_direction': bad}
    seeds.update(hostile_chains(1))
    return seeds


def frame(dst, src, payload):
    return dst + src + b'\x88\xb5' + payload


VM = b'\x52\x54\x00\x00\x00\x01'
BCAST = b'\xff' * 6
HOSTMAC = b'\x02\x00\x00\x00\x00\x0a'


def net_seeds():
    f_out = frame(BCAST, VM, b'guest frame....')
    tx = init(featmask=7) + request(u8(0), u16(12 + len(f_out)), f_out.ljust(52, b'\0')) + \
        host(u8(1)) + host(u8(2))
    f_in = frame(VM, HOSTMAC, b'host frame').ljust(60, b'\0')
    rx = init(featmask=7) + request(u8(1), u16(1600)) + \
        host(u8(0), u16(60), bytes([0x80]) + f_in[1:]) + host(u8(1)) + io() + \
        request(u8(1), u16(20)) + host(u8(0), u16(60), bytes([0x80]) + f_in[1:]) + \
        host(u8(1)) + io()
    bad = init(featmask=7) + request(u8(4), u16(40), b'\x01' + bytes(63)) + \
        request(u8(0), u16(8), bytes(52)) + reinit(0x0d, 7) + request(u8(2), u16(40), bytes(52))
    seeds = {'tx_to_host': tx, 'rx_from_host': rx, 'bad_tx': bad}
    seeds.update(hostile_chains(1))
    return seeds


def vsock_pkt(op, sport_sel, dport_sel, length=0, fwd=0, sel=0, extra=b''):
    """request_op bytes for a tx packet: sel bit 0 clear; default CIDs, type, buf_alloc."""
    return request(u8(sel), u16(length), extra, u8(sport_sel), u8(dport_sel),
                   u8(op), u8(0), u32(fwd))


def vsock_seeds():
    post = b''.join(request(u8(1), u16(4096)) for _ in range(6))
    # Host connects to guest port 1234; the guest accepts (RESPONSE to host port 1<<30).
    host_in = init() + post + host(u8(0), u8(0), u8(0)) + io() + io() + \
        vsock_pkt(2, 0, 4) + host(u8(1), u8(0), u16(100)) + io() + \
        vsock_pkt(5, 0, 4, length=10) + host(u8(2), u8(0)) + \
        vsock_pkt(4, 0, 4) + host(u8(3), u8(0)) + io()
    # The guest connects to host port 5000 and they talk; then shutdowns.
    guest_out = init() + post + vsock_pkt(1, 0, 2) + host(u8(4), u8(1)) + \
        host(u8(1), u8(1), u16(300)) + io() + vsock_pkt(5, 0, 2, length=20) + \
        host(u8(2), u8(1)) + vsock_pkt(7, 0, 2) + vsock_pkt(6, 0, 2, fwd=300) + \
        host(u8(5), u8(1)) + io() + vsock_pkt(4, 0, 2) + io()
    refusals = init() + post + vsock_pkt(1, 0, 3) + vsock_pkt(5, 1, 2, length=5) + \
        vsock_pkt(3, 1, 2) + vsock_pkt(8, 0, 2) + \
        host(u8(0), u8(2), u8(3)) + io() + io() + host(u8(0), u8(3), u8(5)) + io()
    bad = init() + post + request(u8(0x40), u16(10), u8(0), u8(2), u8(5), u8(0), u32(0),
                                  u16(20)) + \
        reinit(0x0d) + request(u8(1 | 2), u16(10)) + vsock_pkt(5, 0, 0)
    seeds = {'host_initiated': host_in, 'guest_initiated': guest_out, 'refusals': refusals,
             'malformed': bad}
    seeds.update(hostile_chains(1))
    return seeds


def rng_seeds():
    ok = init() + request(u16(64), u8(0)) + request(u16(4999), u8(1)) + \
        host(u8(1)) + request(u16(16), u8(0)) + reinit(0x0d) + request(u16(8), u8(3))
    seeds = {'requests': ok}
    seeds.update(hostile_chains(0))
    return seeds


def main():
    for dev, seeds in (('blk', blk_seeds()), ('console', console_seeds()),
                       ('net', net_seeds()), ('vsock', vsock_seeds()),
                       ('rng', rng_seeds())):
        d = os.path.join('fuzz', 'corpus', 'virtio_' + dev)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), 'wb') as f:
                f.write(data)


if __name__ == '__main__':
    main()
