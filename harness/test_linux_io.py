"""Stock Linux driving virtio I/O (docs/VMM.md "Linux guests").

Debian's arm64 kernel (the rig's, scripts/rig/fetch-kernel) boots with a small initramfs
(scripts/rig/mk-linux-initramfs) whose /init is linux-io-check's guest side
(stack/tools/linux-io-check): it loads Debian's virtio modules, reads the host's pattern
from /dev/vda and writes and flushes its own, exchanges patterns with the host over vsock
in both connection directions, and sends Ethernet frames on eth0 through a raw AF_PACKET
socket that the host side answers. The host side (`linux-io-check host`) prepares the disk
and the sockets, runs the VMM, serves the guest and checks the disk after the VM ended.

- QEMU (`-M virt`, virtio-mmio, TCG) on this machine: the peer run, blk and net (QEMU
  offers vsock only through vhost, which this machine lacks).
- avf-vmm on the sim backend on this machine: blk, vsock and net, the frames through
  avf-netswitch.
- avf-vmm on real KVM inside the rig: blk, vsock and net.
"""
import os
import struct
import subprocess
import time

import pytest

from simlib import rig as riglib

REPO = riglib.REPO
HOST_LIO = os.path.join(REPO, "build", "host", "bin", "linux-io-check")
CROSS_LIO = os.path.join(REPO, "build", "cross", "bin", "linux-io-check")
CROSS_VMM = os.path.join(REPO, "build", "cross", "bin", "avf-vmm")
MKINITRAMFS = os.path.join(REPO, "scripts", "rig", "mk-linux-initramfs")
GUEST_MAC = "02:4c:49:4f:00:03"
HOST_MAC = bytes.fromhex("024c494f0002")  # lio.h: lio_host_mac
# The rig's boot shortcuts (docs/RIG.md "The machine"): no jitter-entropy self-test, no
# certificate loading (the modules then load unverified: signatures are not enforced),
# no crypto self-tests, no rodata=full. They halve the work of a boot.
FAST_BOOT = ("quiet initcall_blacklist=jent_mod_init,load_system_certificate_list "
             "cryptomgr.notests=1 rodata=off")


@pytest.fixture(scope="module")
def kernel():
    done = subprocess.run([os.path.join(REPO, "scripts", "rig", "fetch-kernel")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    assert done.returncode == 0, "no cached kernel (make rig-prep): %s" % done.stderr.decode()
    return done.stdout.decode().strip()


@pytest.fixture(scope="module")
def initrd(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("lio") / "linux-io.cpio")
    done = subprocess.run([MKINITRAMFS, out, CROSS_LIO], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    return out


def guest_lines(text):
    return [l for l in text.splitlines() if l.startswith("lio: ")]


def assert_all_passed(text, guest_checks, host_checks):
    """The guest's and the host side's PASS lines, exactly these, and nothing failed."""
    guest = guest_lines(text)
    assert "lio: RESULT pass=%d fail=0" % len(guest_checks) in guest, text[-4000:]
    passed = [l.split(":")[1].split()[1] for l in guest if l.startswith("lio: PASS ")]
    assert passed == guest_checks, text[-4000:]
    host = [l for l in text.splitlines() if l.startswith("lio-host: ")]
    assert "lio-host: RESULT pass=%d fail=0" % len(host_checks) in host, text[-4000:]
    hpassed = [l.split(":")[1].split()[1] for l in host if l.startswith("lio-host: PASS ")]
    assert hpassed == host_checks, text[-4000:]


def qemu_command(d, kernel, initrd, items):
    return ["qemu-system-aarch64", "-M", "virt", "-cpu", "max,pauth-impdef=on", "-smp", "2",
            "-m", "256", "-nographic", "-no-reboot", "-nic", "none",
            "-kernel", kernel, "-initrd", initrd,
            "-append", "console=ttyAMA0 rdinit=/init panic=-1 %s lio.do=%s"
            % (FAST_BOOT, items),
            "-drive", "file=%s/disk.img,format=raw,if=none,id=d0" % d,
            "-device", "virtio-blk-device,drive=d0",
            "-netdev", "dgram,id=n0,local.type=unix,local.path=%s/qemu-net,"
            "remote.type=unix,remote.path=%s/net" % (d, d),
            "-device", "virtio-net-device,netdev=n0,mac=" + GUEST_MAC]


def test_qemu_peer_blk_and_net(kernel, initrd, tmp_path):
    d = str(tmp_path)
    done = subprocess.run([HOST_LIO, "host", "--dir", d, "--do", "blk,net", "--timeout",
                           "240", "--"] + qemu_command(d, kernel, initrd, "blk,net"),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    text = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, text[-4000:]
    assert_all_passed(text, ["modules", "blk-read", "blk-write", "net-up", "net-frames"],
                      ["vmm", "disk", "net"])
    assert "lio: PASS net-up: eth0 " + GUEST_MAC in text


def test_host_side_fails_when_the_guest_does_nothing(tmp_path):
    """The host side's checks cannot pass by default: a VMM command that runs no guest
    leaves the disk, vsock and frames unchecked, and each is reported failed."""
    done = subprocess.run([HOST_LIO, "host", "--dir", str(tmp_path), "--timeout", "30",
                           "--", "true"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=60)
    text = done.stdout.decode()
    assert done.returncode == 1, text
    assert "lio-host: PASS vmm: exit status 0" in text
    assert "lio-host: FAIL disk: first difference at byte 0 of the guest's half" in text
    assert "lio-host: FAIL vsock-out: the guest never connected" in text
    assert "lio-host: FAIL vsock-in: never got to connect to the guest" in text
    assert "lio-host: FAIL net: 0 of 16 request frames answered, 0 malformed, 0 other " \
           "frames" in text
    assert text.endswith("lio-host: RESULT pass=1 fail=4\n")


@pytest.mark.parametrize("args,message", [
    (["--do", "blk,nope", "--dir", "/tmp", "--", "true"], "--do: bad list 'blk,nope'"),
    (["--disk-mib", "3", "--dir", "/tmp", "--", "true"], "--disk-mib from 4 to 4096"),
    (["--timeout", "5s", "--dir", "/tmp", "--", "true"], "--timeout from 1 to 86400"),
    (["--dir", "/tmp"], "needs --dir, a COMMAND"),
])
def test_host_side_usage(args, message):
    done = subprocess.run([HOST_LIO, "host"] + args, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=30)
    assert done.returncode == 2
    assert message.encode() in done.stderr
    assert b"usage: linux-io-check host --dir DIR" in done.stderr
    assert done.stdout == b""


def avf_vmm_command(d, kernel, initrd, items, backend, cpus=1):
    return ["avf-vmm", "run", "--backend", backend, "--mem", "128", "--cpus", str(cpus),
            "--initrd", initrd,
            "--append", "console=ttyS0 rdinit=/init panic=-1 %s lio.do=%s" % (FAST_BOOT, items),
            "--disk", d + "/disk.img", "--vsock", "3," + d + "/vsock",
            "--net", "switch:" + d + "/net", kernel]


GUEST_CHECKS = ["modules", "blk-read", "blk-write", "vsock-connect", "vsock-send",
                "vsock-receive", "vsock-accept", "net-up", "net-frames"]
HOST_CHECKS = ["vmm", "disk", "vsock-out", "vsock-in", "net"]


def pcap_test_frames(path):
    """(frames to the host's MAC, frames from it) of ethertype 0x88b5 in a pcap file."""
    data = open(path, "rb").read()
    assert data[:4] == b"\xd4\xc3\xb2\xa1", "not a little-endian pcap file"
    to_host = from_host = 0
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if frame[12:14] == b"\x88\xb5":
            to_host += frame[0:6] == HOST_MAC
            from_host += frame[6:12] == HOST_MAC
    return to_host, from_host


def test_sim_blk_vsock_net_through_netswitch(kernel, initrd, tmp_path):
    """avf-vmm on the sim backend (the host build: the san one is too slow for a kernel
    boot) boots the stock kernel on two vCPUs; blk, vsock and net all work (about 30 s).
    The frames cross avf-netswitch, of which the VMM and the host side are both ports;
    the switch's capture has them."""
    d = str(tmp_path)
    switch = subprocess.Popen([os.path.join(REPO, "build", "host", "bin", "avf-netswitch"),
                               d + "/sw", "--pcap", d + "/sw.pcap"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if os.path.exists(d + "/sw"):
                break
            time.sleep(0.05)
        vmm = avf_vmm_command(d, kernel, initrd, "blk,vsock,net", "sim", cpus=2)
        vmm[0] = os.path.join(REPO, "build", "host", "bin", "avf-vmm")
        vmm[vmm.index("switch:" + d + "/net")] = "switch:" + d + "/sw"
        done = subprocess.run([HOST_LIO, "host", "--dir", d, "--net-switch", d + "/sw",
                               "--timeout", "240", "--"] + vmm, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=300)
    finally:
        switch.terminate()
        switch.communicate(timeout=30)
    text = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, text[-4000:]
    assert_all_passed(text, GUEST_CHECKS, HOST_CHECKS)
    to_host, from_host = pcap_test_frames(d + "/sw.pcap")
    assert to_host >= 16 and from_host >= 16, (to_host, from_host)


def test_kvm_rig_blk_vsock_net(kernel, initrd):
    """avf-vmm on plain KVM in the rig boots the stock kernel; its virtio devices carry
    the guest's disk, vsock and network checks. One vCPU: two pass as well (docs/VMM.md)
    but cost a third more CPU time in an already long test."""
    d = "/tmp/lio"
    cmd = ["linux-io-check", "host", "--dir", d, "--do", "blk,vsock,net", "--timeout",
           "240", "--"] + avf_vmm_command(d, "/data/Image", "/data/initrd.cpio",
                                           "blk,vsock,net", "kvm", cpus=1)
    r = riglib.run(cmd, mode="plain", timeout=300,
                   files=(CROSS_VMM, CROSS_LIO, (kernel, "/data/Image"),
                          (initrd, "/data/initrd.cpio")))
    assert r.status == 0, r.describe()
    assert_all_passed(r.text, GUEST_CHECKS, HOST_CHECKS)
