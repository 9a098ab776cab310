"""The runtime's virtio drivers and payload I/O API end to end (docs/RUNTIME.md, "virtio";
docs/RPC.md): the `hello` payload on avf-vmm on the sim, with every device it drives.

Two boots of the same code:
- protected: the signed payload through the real pvmfw, memory donated, so every
  virtqueue and buffer must live in the DMA pool the runtime shared (MEM_SHARE) with the
  host, and the transports offer VIRTIO_F_ACCESS_PLATFORM;
- normal: the payload's ELF entered directly by the VMM, without pvmfw (the runtime boots
  from the DT alone, with no secrets), through the same bounce path.

In both, hello writes on the virtio console, reads entropy from virtio-rng, reads sector 0
of a disk image and writes sector 1 (checked in the file afterwards), sends a frame to a
Unix-datagram peer on the user-space switch and prints the answer, then serves the echo
RPC on vsock port 5678, which avf-rpc-echo (libavf's C RPC client) calls until it closes.
On the sim the test also plays the host side of a connection hello opens itself (host
port 5679: 50000 bytes up, 100000 down, so credit has to flow both ways). In the KVM rig
the same payload runs on real KVM (normal VM) and pKVM (protected) with a disk and the
echo client. Waiting is by blocking reads with generous deadlines; nothing asserts how
long anything took.
"""
import os
import socket
import struct
import subprocess
import tempfile
import threading
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The VMM runs unsanitised (a spinning guest under ASan is slow); the client is sanitised.
VMM = os.path.join(REPO, "build", "host", "bin", "avf-vmm")
NETSWITCH = os.path.join(REPO, "build", "host", "bin", "avf-netswitch")
RPC_ECHO = os.path.join(REPO, "build", "san", "bin", "avf-rpc-echo")
PVMFW = os.path.join(REPO, "build", "guest", "img", "pvmfw-dev.bin")
HELLO_SIGNED = os.path.join(REPO, "build", "guest", "img", "payload-hello.payload")
HELLO_ELF = os.path.join(REPO, "build", "guest", "img", "payload-hello.elf")
PORT = 5678
CALLS = 10
DEADLINE = 180
DISK_TEXT = b"AVF runtime test disk, sector zero"
HOST_MAC = bytes.fromhex("020000000001")
HOST_PORT = 5679
TO_HOST = 50000            # bytes hello sends to HOST_PORT: byte i = i * 31 + 7
TO_GUEST = 100000          # bytes the host answers: byte i = i * 13 + 1
ETHERTYPE = b"\x88\xb5"

MODES = {
    "protected": ["--protected", "--pvmfw", PVMFW, HELLO_SIGNED],
    "normal": [HELLO_ELF],
}


def make_disk(path, sectors=128):
    data = bytearray(sectors * 512)
    data[:len(DISK_TEXT)] = DISK_TEXT
    data[512:1024] = b"\xee" * 512          # hello overwrites this sector
    with open(path, "wb") as f:
        f.write(data)


class Switch:
    """avf-netswitch plus our own port on it (registered before the VM starts)."""

    def __init__(self, d):
        self.path = os.path.join(d, "switch.sock")
        self.proc = subprocess.Popen([NETSWITCH, self.path], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        end = time.monotonic() + 30
        while not os.path.exists(self.path):
            assert time.monotonic() < end, "avf-netswitch did not create its socket"
            time.sleep(0.02)
        self.port = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.port.bind("")                   # autobind: the switch can answer us
        self.port.connect(self.path)
        self.port.send(b"")                  # registers the port
        self.port.settimeout(DEADLINE)

    def answer_guest(self):
        """Wait for hello's broadcast frame, answer it; returns the guest's frame."""
        while True:
            frame = self.port.recv(2048)
            if len(frame) >= 14 and frame[12:14] == ETHERTYPE:
                break
        reply = frame[6:12] + HOST_MAC + ETHERTYPE + b"hello from the host".ljust(46, b"\0")
        self.port.send(reply)
        return frame

    def close(self):
        self.port.close()
        self.proc.terminate()
        self.proc.wait(timeout=30)


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


TO_GUEST_BYTES = bytes((i * 13 + 1) & 0xff for i in range(TO_GUEST))


class HostListener:
    """The host side of hello's own connection (docs/VIRTIO.md: a guest connecting to
    host port P reaches the Unix socket <uds>_P): reads TO_HOST bytes, checks them,
    answers TO_GUEST bytes and closes. More than the guest's 16 KiB receive buffer and
    than one packet each way, so credit updates have to flow both ways."""

    def __init__(self, uds):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind("%s_%d" % (uds, HOST_PORT))
        self.sock.listen(1)
        self.sock.settimeout(DEADLINE)
        self.received = None
        self.error = None
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            conn, _ = self.sock.accept()
            conn.settimeout(DEADLINE)
            data = b""
            while len(data) < TO_HOST:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            self.received = data
            conn.sendall(TO_GUEST_BYTES)
            conn.close()
        except Exception as e:  # reported by the test
            self.error = repr(e)

    def close(self):
        self.thread.join(timeout=DEADLINE)
        self.sock.close()


def boot(mode, tmp, *, net=True, disk_ro=False, seed=0, rpc=True, listener=True):
    """Run hello in @mode with the devices; returns (status, console, stderr, echo output,
    guest frame)."""
    disk = os.path.join(tmp, "disk.img")
    make_disk(disk)
    uds = os.path.join(tmp, "vsock.sock")
    console = os.path.join(tmp, "console.txt")
    args = [VMM, "run", "--mem", "32", "--seed", str(seed), "--console", console, "--rng",
            "--disk", disk + (",ro" if disk_ro else ""), "--vsock", "3," + uds]
    sw = Switch(tmp) if net else None
    host = HostListener(uds) if listener else None
    if sw:
        args += ["--net", "switch:" + sw.path]
    vm = subprocess.Popen(args + MODES[mode], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    echo, frame = None, None
    try:
        if sw:
            frame = sw.answer_guest()
        if rpc:
            echo = subprocess.run([RPC_ECHO, uds, str(PORT), str(CALLS)], capture_output=True,
                                  text=True, timeout=DEADLINE)
        _, err = vm.communicate(timeout=DEADLINE)
    finally:
        if vm.poll() is None:
            vm.kill()
            vm.wait()
        if sw:
            sw.close()
        if host:
            host.close()
    if host:
        assert host.error is None, host.error
        assert host.received == bytes((i * 31 + 7) & 0xff for i in range(TO_HOST))
    with open(console) as f:
        out = f.read()
    return vm.returncode, out, err.decode(), echo, frame


def lines_of(out):
    return out.splitlines()


@pytest.mark.parametrize("mode", ["protected", "normal"])
def test_hello_drives_every_device(mode):
    with tempfile.TemporaryDirectory(prefix="avf-rt-") as tmp:
        status, out, err, echo, frame = boot(mode, tmp)
        assert status == 0, out + err
        assert echo.returncode == 0, echo.stdout + echo.stderr
        assert echo.stdout.splitlines()[-2:] == ["method 99: status -ENOSYS ok",
                                                 "all calls ok"], echo.stdout
        # The virtio console's line goes through another device than the UART, whose
        # bytes the VMM writes to the same sink on its own schedule: it may land anywhere,
        # even inside a UART line. Its bytes must be there, whole, exactly once.
        vcons = "hello: virtio-console works\n"
        assert out.count(vcons) == 1, out
        lines = lines_of(out.replace(vcons, ""))
        if mode == "protected":
            assert lines[0].startswith("pvmfw: payload version 1, key id ")
            assert lines[1] == "runtime: payload version 1, normal mode, 32 MiB RAM"
            assert lines[3].startswith("hello: instance secret fingerprint ")
        else:
            assert lines[0] == "runtime: no pvmfw handover: normal VM without secrets"
            assert lines[1] == "runtime: payload version 0, normal mode, 32 MiB RAM"
            assert lines[3] == "hello: no instance secret (no pvmfw)"
        uart = lines[2:]
        mac = frame[6:12]
        assert uart[:1] + uart[2:] == [
            "hello: Hello from a verified payload",
            "hello: slept 1 ms on the virtual timer",
            uart[3],                                     # rng bytes, checked below
            "hello: disk 0: 128 sectors, sector 0 says '%s'" % DISK_TEXT.decode(),
            "hello: disk 0: wrote, flushed and read back sector 1",
            "hello: net %s sent a frame" % ":".join("%02x" % b for b in mac),
            "hello: net got 'hello from the host'",
            "hello: host port %d: sent %d bytes, got %d bytes, fnv1a %08x"
            % (HOST_PORT, TO_HOST, TO_GUEST, fnv1a(TO_GUEST_BYTES)),
            "hello: serving echo on vsock port %d" % PORT,
            "hello: the host closed the connection after %d calls" % CALLS,
            "runtime: payload exited with 0",
        ], out
        assert uart[3].startswith("hello: rng ") and len(uart[3]) == len("hello: rng ") + 32
        int(uart[3][len("hello: rng "):], 16)
        # The frame as the guest built it: broadcast, from its MAC, our type and text.
        assert frame[:6] == b"\xff" * 6 and frame[12:14] == ETHERTYPE
        assert frame[14:34] == b"hello from the guest" and len(frame) == 60
        with open(os.path.join(tmp, "disk.img"), "rb") as f:
            disk = f.read()
        assert disk[:len(DISK_TEXT)] == DISK_TEXT
        assert disk[512:1024] == b"hello wrote sector 1".ljust(512, b"\0")
        assert disk[1024:] == bytes(len(disk) - 1024)


def rng_line(out):
    return [l for l in lines_of(out) if l.startswith("hello: rng ")][0]


def test_rng_bytes_follow_the_seed():
    """The sim's entropy is the seeded machine stream: same seed, same guest bytes."""
    runs = {}
    for seed in (1, 1, 2):
        with tempfile.TemporaryDirectory(prefix="avf-rt-") as tmp:
            status, out, err, echo, _ = boot("normal", tmp, net=False, seed=seed)
            assert status == 0 and echo.returncode == 0, out + err
            runs.setdefault(seed, []).append(rng_line(out))
    assert runs[1][0] == runs[1][1]
    assert runs[2][0] != runs[1][0]


def test_read_only_disk_is_left_alone():
    with tempfile.TemporaryDirectory(prefix="avf-rt-") as tmp:
        status, out, err, echo, _ = boot("protected", tmp, net=False, disk_ro=True)
        assert status == 0 and echo.returncode == 0, out + err
        assert ("hello: disk 0: 128 sectors (read-only), sector 0 says '%s'"
                % DISK_TEXT.decode()) in lines_of(out)
        assert "hello: disk 0: wrote, flushed and read back sector 1" not in out
        with open(os.path.join(tmp, "disk.img"), "rb") as f:
            assert f.read()[512:1024] == b"\xee" * 512


def test_client_refused_on_a_port_nobody_serves():
    """The C client against a guest that never listens on the port: after its deadline
    it reports the refusal (the device closed the stream without OK every time)."""
    with tempfile.TemporaryDirectory(prefix="avf-rt-") as tmp:
        uds = os.path.join(tmp, "vsock.sock")
        console = os.path.join(tmp, "console.txt")
        vm = subprocess.Popen([VMM, "run", "--mem", "32", "--console", console, "--vsock",
                               "3," + uds, HELLO_ELF], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
        try:
            wrong = subprocess.run([RPC_ECHO, uds, "5679", "1"], capture_output=True,
                                   text=True, timeout=DEADLINE,
                                   env=dict(os.environ, AVF_RPC_ECHO_CONNECT_MS="10000"))
            assert wrong.returncode == 1, wrong.stdout + wrong.stderr
            assert wrong.stdout.startswith("connect: vsock %s port 5679: Connection refused"
                                           % uds), wrong.stdout
            good = subprocess.run([RPC_ECHO, uds, str(PORT), "2"], capture_output=True,
                                  text=True, timeout=DEADLINE)
            assert good.returncode == 0, good.stdout
            vm.communicate(timeout=DEADLINE)
        finally:
            if vm.poll() is None:
                vm.kill()
                vm.wait()
        assert vm.returncode == 0
        with open(console) as f:
            out = f.read()
        assert "hello: nobody listens on host vsock port %d\n" % HOST_PORT in out
        assert "hello: the host closed the connection after 2 calls\n" in out


# ---- the KVM rig: the same bytes on real KVM and on pKVM ------------------------------------

CROSS_VMM = os.path.join(REPO, "build", "cross", "bin", "avf-vmm")
CROSS_RPC_ECHO = os.path.join(REPO, "build", "cross", "bin", "avf-rpc-echo")


@pytest.mark.parametrize("rig_mode", ["protected", "plain"])
def test_rig_hello_disk_and_echo(rig_mode):
    """hello's drivers on real KVM (a normal VM, its ELF, no pvmfw) and on pKVM (protected,
    through pvmfw: the DMA pool really shared with MEM_SHARE, transports really MMIO-guard
    mapped). The rig runs one program and has no shell, so avf-rpc-echo starts the VMM
    itself and reports its exit status."""
    from simlib import rig as riglib

    with tempfile.TemporaryDirectory(prefix="avf-rt-") as tmp:
        disk = os.path.join(tmp, "disk.img")
        make_disk(disk)
        image = ["--protected", "--pvmfw", "/data/pvmfw.bin", "/data/hello.payload"] \
            if rig_mode == "protected" else ["/data/hello.elf"]
        r = riglib.run(["avf-rpc-echo", "/tmp/v.sock", str(PORT), "4", "--", "avf-vmm", "run",
                        "--backend", "kvm", "--mem", "32", "--disk", "/data/disk.img",
                        "--vsock", "3,/tmp/v.sock"] + image, mode=rig_mode,
                       files=(CROSS_VMM, CROSS_RPC_ECHO, (PVMFW, "/data/pvmfw.bin"),
                              (HELLO_SIGNED, "/data/hello.payload"),
                              (HELLO_ELF, "/data/hello.elf"), (disk, "/data/disk.img")))
    assert r.status == 0, r.describe()
    # The virtio console's bytes may land inside another line (see above): take them out.
    assert r.text.count("hello: virtio-console works\n") == 1, r.describe()
    out = r.text.replace("hello: virtio-console works\n", "")
    for line in ["hello: disk 0: 128 sectors, sector 0 says '%s'" % DISK_TEXT.decode(),
                 "hello: disk 0: wrote, flushed and read back sector 1",
                 "hello: nobody listens on host vsock port %d" % HOST_PORT,
                 "hello: serving echo on vsock port %d" % PORT,
                 "echo 2: 8192 bytes ok", "method 99: status -ENOSYS ok", "all calls ok",
                 "hello: the host closed the connection after 4 calls",
                 "runtime: payload exited with 0",
                 "avf-rpc-echo: the VMM exited with 0"]:
        assert line + "\n" in out, r.describe()
    if rig_mode == "protected":
        assert out.startswith("pvmfw: payload version 1, key id "), r.describe()
    else:
        assert out.startswith("runtime: no pvmfw handover: normal VM without secrets\n"), \
            r.describe()


def test_protected_io_agrees_with_the_hyp_spec():
    """The protected boot with a disk and vsock, every hyp call (the runtime's MEM_SHARE of
    its DMA pool and MMIO_GUARD_MAP of the transports included) checked against the hyp's
    executable specification, which aborts the VMM on any disagreement."""
    with tempfile.TemporaryDirectory(prefix="avf-rt-") as tmp:
        disk = os.path.join(tmp, "disk.img")
        make_disk(disk)
        uds = os.path.join(tmp, "vsock.sock")
        console = os.path.join(tmp, "console.txt")
        r = subprocess.run([RPC_ECHO, uds, str(PORT), "2", "--", VMM, "run", "--check-spec",
                            "--mem", "16", "--console", console, "--disk", disk, "--vsock",
                            "3," + uds] + MODES["protected"], capture_output=True, text=True,
                           timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
        assert r.stdout.splitlines()[-2:] == ["all calls ok",
                                              "avf-rpc-echo: the VMM exited with 0"], r.stdout
        with open(console) as f:
            out = f.read().replace("hello: virtio-console works\n", "")
        assert "hello: disk 0: wrote, flushed and read back sector 1\n" in out
        assert out.endswith("hello: the host closed the connection after 2 calls\n"
                            "runtime: payload exited with 0\n"), out


def rpc_frame(kind, method, status, seq, body=b"", version=1):
    """docs/RPC.md's frame, written here independently of rpc_frame.c."""
    return struct.pack("<IBBHiI", len(body), version, kind, method, status, seq) + body


def hybrid_connect(uds, port):
    """The VMM's hybrid vsock handshake by hand (docs/VIRTIO.md), retried until the
    guest listens."""
    end = time.monotonic() + DEADLINE
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(DEADLINE)
        try:
            s.connect(uds)
            s.sendall(b"CONNECT %d\n" % port)
            line = b""
            while not line.endswith(b"\n"):
                c = s.recv(1)
                if not c:
                    raise ConnectionRefusedError
                line += c
            assert line.startswith(b"OK "), line
            return s
        except (ConnectionRefusedError, FileNotFoundError):
            s.close()
            assert time.monotonic() < end, "the guest never listened"
            time.sleep(0.05)


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        c = s.recv(n - len(data))
        assert c, "the guest closed after %d of %d bytes" % (len(data), n)
        data += c
    return data


def test_wire_format_by_hand_and_a_malformed_frame():
    """The guest's server against a client written from docs/RPC.md alone: exact response
    bytes for echo and for an unknown method; then a frame with version 2, on which the
    server closes the connection and hello reports its server failed (error 10)."""
    with tempfile.TemporaryDirectory(prefix="avf-rt-") as tmp:
        uds = os.path.join(tmp, "vsock.sock")
        console = os.path.join(tmp, "console.txt")
        vm = subprocess.Popen([VMM, "run", "--mem", "32", "--console", console, "--vsock",
                               "3," + uds, HELLO_ELF], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
        try:
            s = hybrid_connect(uds, PORT)
            s.sendall(rpc_frame(1, 1, 0, 77, b"xyz"))
            assert recv_exact(s, 19) == rpc_frame(2, 1, 0, 77, b"xyz")
            s.sendall(rpc_frame(1, 7, 0, 78, b"?"))
            assert recv_exact(s, 16) == rpc_frame(2, 7, -38, 78)
            # Two requests in one write are answered in order.
            s.sendall(rpc_frame(1, 1, 0, 1, b"a") + rpc_frame(1, 1, 0, 2, b"bc"))
            assert recv_exact(s, 35) == rpc_frame(2, 1, 0, 1, b"a") + rpc_frame(2, 1, 0, 2, b"bc")
            s.sendall(rpc_frame(1, 1, 0, 79, b"bad", version=2))
            assert s.recv(1) == b""          # closed without an answer
            s.close()
            _, err = vm.communicate(timeout=DEADLINE)
        finally:
            if vm.poll() is None:
                vm.kill()
                vm.wait()
        assert vm.returncode == 0, err
        with open(console) as f:
            out = f.read()
        assert out.endswith("hello: serving echo on vsock port %d\n"
                            "hello: the echo server failed\n"
                            "runtime: payload exited with 10\n" % PORT), out
