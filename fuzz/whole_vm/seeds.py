#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpus of the whole-VM fuzz target (fuzz/corpus/whole_vm/).

Each seed is an op stream in the format fuzz/whole_vm/wvm_abi.h documents; this script is
the readable source of those bytes. Run from the repository root after changing the
format: python3 fuzz/whole_vm/seeds.py
"""
import os
import struct


def u8(v): return struct.pack('<B', v & 0xff)
def u16(v): return struct.pack('<H', v & 0xffff)
def u32(v): return struct.pack('<I', v & 0xffffffff)
def u64(v): return struct.pack('<Q', v & 0xffffffffffffffff)


MMIO_WRITE, MMIO_READ, POKE, DRIVER_INIT, VQ_ADD, HVC, SMC, TIMER, WFI, GIC_SYSREG, HOST = range(11)
# Transports in the VMM's order: console, the disk, rng (3: none).
CONSOLE, BLK, RNG, NONE = range(4)
# MMIO targets.
T_UART, T_VIRTIO0, T_GICD, T_GICR, T_LOW = 0, 1, 5, 6, 7
# HVC selectors (wvm_hvc_fn).
MEMINFO, SHARE, UNSHARE, RELINQUISH, ENROLL, GUARD_MAP, GUARD_UNMAP, GUARD_INFO, \
    PSCI_VERSION, PSCI_FEATURES, AFFINITY, SMCCC_VERSION, HYP_RAW, HOST_ABI, RAW = range(15)
# Host op kinds.
H_READ, H_WRITE, H_SHARE_HYP, H_UNSHARE_HYP, H_RECLAIM, H_UNSHARE_GUEST, H_DONATE, H_SPI = range(8)

FEAT = (1 << 32) | (1 << 33)    # VERSION_1 | ACCESS_PLATFORM (protected VM)
BUF = 16 * 4096                 # POKE offset of the buffer area (VQ_ADD offset 0)
DMA_PAGES = 64


def mmio_w(tgt, off, val, size=2): return u8(MMIO_WRITE) + u8(tgt) + u16(off) + u8(size) + u64(val)
def mmio_r(tgt, off, size=2): return u8(MMIO_READ) + u8(tgt) + u16(off) + u8(size)
def poke(off, data): return u8(POKE) + u32(off) + u8(len(data)) + data
def init(dev, qlog=2, feat=FEAT): return u8(DRIVER_INIT) + u8(dev) + u8(qlog) + u64(feat)


def vq_add(dev, q, descs):
    """descs: (buffer offset, length, flags: 1 writable, 2 unshared page, 4 raw, 8 indirect)."""
    out = u8(VQ_ADD) + u8(dev) + u8(q) + u8(len(descs) - 1)
    for off, length, flags in descs:
        out += u32(off) + u16(length) + u8(flags)
    return out


def hvc(sel, a1=0, a2=0, smc=False): return u8(SMC if smc else HVC) + u8(sel) + u64(a1) + u64(a2)
def timer(which, delta, ctl=1): return u8(TIMER) + u8(which) + u32(delta) + u8(ctl)
def wfi(): return u8(WFI)
def gic(which, val): return u8(GIC_SYSREG) + u8(which) + u64(val)
def host(kind, a=0, b=0): return u8(HOST) + u8(kind) + u64(a) + u64(b)


def blk_req(kind, sector, data_len, data_writable):
    """A virtio-blk request at buffer offsets 0 (header), 0x100 (data), 0x1100 (status)."""
    hdr = poke(BUF, u32(kind) + u32(0) + u64(sector))
    chain = [(0, 16, 0)]
    if data_len:
        chain.append((0x100, data_len, 1 if data_writable else 0))
    chain.append((0x1100, 1, 1))
    return hdr + vq_add(BLK, 0, chain)


SEEDS = {
    'probe': b''.join(mmio_r(T_VIRTIO0 + d, off) for d in range(4) for off in (0, 4, 8, 0x34))
    + mmio_w(T_UART, 0, ord('h'), 0) + mmio_w(T_UART, 0, ord('i'), 0) + mmio_r(T_UART, 5, 0),
    'console_tx': init(CONSOLE) + poke(BUF + 0x200, b'hello from the agent\n')
    + vq_add(CONSOLE, 1, [(0x200, 21, 0)]) + mmio_r(T_VIRTIO0 + CONSOLE, 0x60)
    + mmio_w(T_VIRTIO0 + CONSOLE, 0x64, 1),
    'console_rx': init(CONSOLE, 3) + vq_add(CONSOLE, 0, [(0x400, 64, 1)]) + vq_add(CONSOLE, 1, [(0x200, 8, 0), (0x300, 8, 0)]),
    'blk_read': init(BLK) + blk_req(0, 0, 512, True) + blk_req(0, 127, 1024, True),
    'blk_write_flush': init(BLK, 2, FEAT | (1 << 9)) + poke(BUF + 0x100, b'\xaa' * 64)
    + blk_req(1, 3, 512, False) + blk_req(4, 0, 0, False) + blk_req(8, 0, 20, True),
    'blk_bad': init(BLK) + blk_req(0, 1 << 40, 512, True) + blk_req(0, 0, 512, False)
    + vq_add(BLK, 0, [(0, 16, 2), (0x100, 512, 3), (0x1100, 1, 1)]),
    'rng': init(RNG) + vq_add(RNG, 0, [(0x800, 64, 1)]) + vq_add(RNG, 0, [(0x900, 16, 9)]),
    'unshare_then_dma': init(RNG) + hvc(UNSHARE, 20) + vq_add(RNG, 0, [(4 * 4096, 64, 1)])
    + hvc(SHARE, 20) + vq_add(RNG, 0, [(4 * 4096, 64, 1)]),
    'relinquish': hvc(RELINQUISH, DMA_PAGES + 1) + host(H_READ, DMA_PAGES + 1) + hvc(SHARE, DMA_PAGES + 2)
    + host(H_WRITE, DMA_PAGES + 2, 0x1234) + hvc(UNSHARE, DMA_PAGES + 2) + host(H_READ, DMA_PAGES + 2),
    'guard': hvc(GUARD_UNMAP, 1) + mmio_r(T_VIRTIO0, 0) + hvc(GUARD_MAP, 1) + mmio_r(T_VIRTIO0, 0)
    + hvc(GUARD_MAP, 6) + hvc(GUARD_MAP, 5) + mmio_r(T_LOW, 0) + hvc(GUARD_INFO) + hvc(MEMINFO),
    'host_attacks': host(H_READ, DMA_PAGES + 3) + host(H_READ, DMA_PAGES + 16) + host(H_WRITE, 3, 7)
    + host(H_RECLAIM, 0x800) + host(H_UNSHARE_GUEST, 0, 1 | (5 << 1)) + host(H_DONATE, 0x10, 1 | (3 << 1))
    + host(H_SHARE_HYP, 0x20) + host(H_UNSHARE_HYP, 0x20) + host(H_SPI, 16, 1),
    'calls': hvc(PSCI_VERSION) + hvc(PSCI_FEATURES, 0x84000008) + hvc(AFFINITY, 0) + hvc(SMCCC_VERSION)
    + hvc(HYP_RAW, 0, 0x42) + hvc(HOST_ABI, 0, 9) + hvc(RAW, 0, 0xc2000001) + hvc(PSCI_VERSION, smc=True),
    'timer_wfi': timer(0, 5000) + wfi() + timer(1, 100) + wfi() + gic(0, 0xff) + gic(1, 1)
    + gic(2, 1 << 40) + gic(3, 0) + mmio_w(T_GICD, 0, 3) + mmio_r(T_GICR, 0x14),
    'raw_registers': mmio_w(T_VIRTIO0 + BLK, 0x70, 1) + mmio_w(T_VIRTIO0 + BLK, 0x70, 3)
    + mmio_w(T_VIRTIO0 + BLK, 0x30, 0) + mmio_w(T_VIRTIO0 + BLK, 0x38, 4) + mmio_w(T_VIRTIO0 + BLK, 0x44, 1)
    + mmio_w(T_VIRTIO0 + BLK, 0x70, 0xf) + mmio_r(T_VIRTIO0 + BLK, 0x100, 3) + mmio_w(T_VIRTIO0 + NONE, 0x70, 1),
}


def main():
    out = os.path.join('fuzz', 'corpus', 'whole_vm')
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
