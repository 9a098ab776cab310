"""The use-case payloads end to end (docs/PAYLOADS.md): drm, compile and ml, each signed
with the development key, booted through the real pvmfw in a protected VM by avf-vmm on
the sim backend, and driven over vsock RPC (docs/RPC.md) from here.

- drm: this file plays the license server (X25519 + HKDF + ChaCha20-Poly1305 from the
  `cryptography` package, independent of the guest's code): provisions a content key
  wrapped to the VM's public key, sends encrypted chunks and gets plaintext frames back;
  the key is sealed to the VM's disk, unsealed on the next boot of the same instance,
  useless to another instance; the key bytes never appear on the disk, the console or
  the host channel.
- compile: programs compiled in the VM, their artifacts checked byte for byte and run
  by a Python interpreter of the documented bytecode; compile errors come back as
  messages; a malicious source exploits the compiler's deliberate bug and kills only
  that VM, with its reason reported (by avf-vmm and by the service, avfd), while
  another VM compiling at the same time is unaffected.
- ml: inferences compared with a Python reference of the same int8 arithmetic, with the
  weights read from the C source the payload was built from; without a vsock device it
  classifies its built-in strokes, with the same console on the sim and on pKVM in the
  KVM rig (harness/simlib/rig.py).
- usecase-check, the host side of drm and of the compile exploit in C, gives the same
  output on the sim and on pKVM in the rig.
"""
import hashlib
import json
import os
import re
import socket
import struct
import subprocess
import tempfile
import threading
import time

import pytest
from simlib import rig as riglib
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import (X25519PrivateKey,
                                                              X25519PublicKey)
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VMM = os.path.join(REPO, "build", "san", "bin", "avf-vmm")
AVF = os.path.join(REPO, "build", "san", "bin", "avf")
AVFD = os.path.join(REPO, "build", "san", "bin", "avfd")
PVMFW = os.path.join(REPO, "build", "guest", "img", "pvmfw-dev.bin")
IMG = os.path.join(REPO, "build", "guest", "img")

DRM_PORT, COMPILE_PORT, ML_PORT = 5681, 5682, 5683
DRM_INFO, DRM_PROVISION, DRM_DECRYPT = 0x10, 0x11, 0x12
COMPILE = 0x20
ML_INFER = 0x30
EBADMSG, ENOKEY, EINVAL, ENOSYS = 74, 126, 22, 38

BOOT_TIMEOUT = 300


def payload(name):
    path = os.path.join(IMG, "payload-%s.payload" % name)
    assert os.path.exists(path), "%s missing: run make guest" % path
    return path


# ---- a VM under test ------------------------------------------------------------------

class Relay:
    """The service's end of the payload relay (docs/SERVICE.md): the lines the VMM writes
    to <vsock path>_5000 (ready, finished CODE, error CODE MESSAGE)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(1)
        self.data = b""
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        conn, _ = self.sock.accept()
        with conn:
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                self.data += chunk

    def lines(self):
        self.thread.join(timeout=30)
        return self.data.decode().splitlines()


class Rpc:
    """A client of the guest's RPC server: docs/RPC.md frames over the vsock bridge."""

    def __init__(self, uds, port):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(BOOT_TIMEOUT)
        self.sock.connect(uds)
        self.sock.sendall(b"CONNECT %d\n" % port)
        line = b""
        while not line.endswith(b"\n"):
            c = self.sock.recv(1)
            assert c, "the guest refused the connection to port %d" % port
            line += c
        assert line.startswith(b"OK "), line
        self.seq = 0

    def _recv(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("the guest closed the connection")
            data += chunk
        return data

    def call(self, method, body=b""):
        """(status, body): status 0 or a negative errno."""
        self.seq += 1
        self.sock.sendall(struct.pack("<IBBHiI", len(body), 1, 1, method, 0, self.seq) + body)
        length, version, kind, got_method, status, seq = struct.unpack(
            "<IBBHiI", self._recv(16))
        assert (version, kind, got_method, seq) == (1, 2, method, self.seq)
        return status, self._recv(length)

    def close(self):
        self.sock.close()


class Vm:
    """avf-vmm running a signed payload in a protected VM through pvmfw, on the sim."""

    def __init__(self, tmp, name, image, instance_id, disk=None, cid=3):
        self.name = name
        self.uds = os.path.join(tmp, name + ".vsock")
        self.console_path = os.path.join(tmp, name + ".console")
        self.relay = Relay(self.uds + "_5000")
        cmd = [VMM, "run", "--protected", "--pvmfw", PVMFW, "--mem", "32",
               "--instance-id", "%#x" % instance_id, "--name", name,
               "--console", self.console_path, "--vsock", "%d,%s" % (cid, self.uds)]
        if disk:
            cmd += ["--disk", disk]
        self.proc = subprocess.Popen(cmd + [image], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)

    def console(self):
        try:
            with open(self.console_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_for(self, text, timeout=BOOT_TIMEOUT):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.console():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("%s: %r never came; console:\n%s\nstderr:\n%s" % (
            self.name, text, self.console(),
            self.proc.stderr.read().decode() if self.proc.poll() is not None else "(running)"))

    def rpc(self, port):
        return Rpc(self.uds, port)

    def finish(self, timeout=BOOT_TIMEOUT):
        """Wait for the VMM: (exit status, console, stderr, relay lines)."""
        try:
            _, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            raise AssertionError("%s did not end; console:\n%s" % (self.name, self.console()))
        return self.proc.returncode, self.console(), err.decode(), self.relay.lines()


@pytest.fixture
def tmp():
    # Unix socket paths must stay short: a private directory under /tmp.
    with tempfile.TemporaryDirectory(prefix="avfp-", dir="/tmp") as d:
        yield d


# ---- drm: the license server -------------------------------------------------------------

def raw_public(key):
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def license_for(vm_pub, content_key, ephemeral_seed=b"\x42" * 32):
    """The PROVISION body: content_key wrapped to vm_pub (docs/PAYLOADS.md, "drm")."""
    e = X25519PrivateKey.from_private_bytes(ephemeral_seed)
    e_pub = raw_public(e)
    shared = e.exchange(X25519PublicKey.from_public_bytes(vm_pub))
    wrap = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"avf-drm license v1",
                info=e_pub + vm_pub).derive(shared)
    return e_pub + ChaCha20Poly1305(wrap).encrypt(b"\0" * 12, content_key,
                                                  b"avf-drm license v1")


def key_id(content_key):
    return hashlib.sha256(b"avf-drm key id" + content_key).digest()[:8]


def chunk(content_key, index, frame):
    nonce = struct.pack("<IQ", 0, index)
    return nonce + ChaCha20Poly1305(content_key).encrypt(nonce, frame, b"avf-drm content v1")


CONTENT_KEY = hashlib.sha256(b"harness content key").digest()
FRAMES = [b"frame %d: " % i + bytes(range(i, i + 40)) for i in range(4)]


def make_disk(tmp, name="drm.img", size=64 * 1024):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(b"\0" * size)
    return path


def assert_key_absent(where, data):
    assert CONTENT_KEY not in data, "the content key is visible in %s" % where


def drm_boot(tmp, disk, instance_id, name):
    vm = Vm(tmp, name, payload("drm"), instance_id, disk=disk)
    vm.wait_for("drm: serving on vsock port %d" % DRM_PORT)
    return vm, vm.rpc(DRM_PORT)


def test_drm_provision_seal_decrypt_and_reboot(tmp):
    disk = make_disk(tmp)
    # First boot: no key; the license server provisions one through the host.
    vm, rpc = drm_boot(tmp, disk, 0x51, "drm1")
    status, info = rpc.call(DRM_INFO)
    assert status == 0 and len(info) == 41
    vm_pub, has_key = info[:32], info[32]
    assert has_key == 0 and info[33:] == b"\0" * 8
    assert rpc.call(DRM_DECRYPT, chunk(CONTENT_KEY, 0, FRAMES[0])) == (-ENOKEY, b"")
    assert rpc.call(DRM_PROVISION, license_for(vm_pub, CONTENT_KEY)) == (0, key_id(CONTENT_KEY))
    for i, frame in enumerate(FRAMES):
        assert rpc.call(DRM_DECRYPT, chunk(CONTENT_KEY, i, frame)) == (0, frame)
    # A forged chunk is refused and releases nothing.
    bad = bytearray(chunk(CONTENT_KEY, 9, FRAMES[1]))
    bad[20] ^= 1
    assert rpc.call(DRM_DECRYPT, bytes(bad)) == (-EBADMSG, b"")
    rpc.close()
    status, console, err, relay = vm.finish()
    assert status == 0, err + console
    assert "drm: no content key yet\n" in console
    assert "drm: content key %s provisioned and sealed to disk 0\n" % key_id(CONTENT_KEY).hex() \
        in console
    assert relay == ["ready", "finished 0"]
    # What the host can see: the disk holds only the sealed form.
    with open(disk, "rb") as f:
        image = f.read()
    assert image.startswith(b"AVFDRMK1\x01\0\0\0\0\0\0\0")
    assert_key_absent("the disk image", image)
    assert_key_absent("the console", console.encode())
    assert_key_absent("the VMM's messages", err.encode())

    # Second boot of the same instance: the key comes back from the disk.
    vm, rpc = drm_boot(tmp, disk, 0x51, "drm2")
    status, info = rpc.call(DRM_INFO)
    assert (status, info[:32], info[32], info[33:]) == (0, vm_pub, 1, key_id(CONTENT_KEY))
    for i, frame in enumerate(FRAMES):
        assert rpc.call(DRM_DECRYPT, chunk(CONTENT_KEY, 100 + i, frame)) == (0, frame)
    rpc.close()
    status, console, err, relay = vm.finish()
    assert status == 0, err + console
    assert "drm: content key %s unsealed from disk 0\n" % key_id(CONTENT_KEY).hex() in console
    with open(disk, "rb") as f:
        assert f.read() == image       # nothing rewritten


def test_drm_other_instance_cannot_unseal(tmp):
    disk = make_disk(tmp)
    vm, rpc = drm_boot(tmp, disk, 0x61, "owner")
    vm_pub = rpc.call(DRM_INFO)[1][:32]
    assert rpc.call(DRM_PROVISION, license_for(vm_pub, CONTENT_KEY))[0] == 0
    rpc.close()
    assert vm.finish()[0] == 0
    # Another instance on the same disk: another provisioning key, and the seal does
    # not open; it says so on the host channel and has no key.
    vm, rpc = drm_boot(tmp, disk, 0x62, "thief")
    status, info = rpc.call(DRM_INFO)
    assert status == 0 and info[32] == 0 and info[:32] != vm_pub
    assert rpc.call(DRM_DECRYPT, chunk(CONTENT_KEY, 0, FRAMES[0])) == (-ENOKEY, b"")
    # A license meant for the first VM does not open here either.
    assert rpc.call(DRM_PROVISION, license_for(vm_pub, CONTENT_KEY)) == (-EBADMSG, b"")
    rpc.close()
    status, console, err, relay = vm.finish()
    assert status == 0, err + console
    assert "drm: the sealed key on disk 0 does not open here\n" in console
    assert relay == ["error 4 the sealed key on disk 0 does not open here", "ready",
                     "finished 0"]


def test_drm_tampered_disk_refused(tmp):
    disk = make_disk(tmp)
    vm, rpc = drm_boot(tmp, disk, 0x71, "seal")
    vm_pub = rpc.call(DRM_INFO)[1][:32]
    assert rpc.call(DRM_PROVISION, license_for(vm_pub, CONTENT_KEY))[0] == 0
    rpc.close()
    assert vm.finish()[0] == 0
    with open(disk, "r+b") as f:
        f.seek(30)                      # inside the sealed ciphertext
        byte = f.read(1)
        f.seek(30)
        f.write(bytes([byte[0] ^ 0x01]))
    vm, rpc = drm_boot(tmp, disk, 0x71, "tampered")
    assert rpc.call(DRM_INFO)[1][32] == 0
    rpc.close()
    status, console, _, relay = vm.finish()
    assert status == 0
    assert "drm: the sealed key on disk 0 does not open here\n" in console
    assert relay[0] == "error 4 the sealed key on disk 0 does not open here"


# ---- compile -------------------------------------------------------------------------------

MASK = (1 << 64) - 1


def signed(v):
    v &= MASK
    return v - (1 << 64) if v >> 63 else v


def run_bytecode(art, args):
    """A Python interpreter of the artifact format (stack/guest/usecase/bytecode.h)."""
    assert art[:5] == b"AVBC\x01" and art[7] == 0
    nlocals, nargs = art[5], art[6]
    assert struct.unpack("<I", art[8:12])[0] == len(art) - 12 and len(args) >= nargs
    code, pc, stack, local, out = art[12:], 0, [], [0] * nlocals, []
    while True:
        op = code[pc]
        pc += 1
        if op == 0x00:
            assert pc == len(code)
            return out
        if op == 0x01:
            stack.append(signed(struct.unpack("<Q", code[pc:pc + 8])[0]))
            pc += 8
        elif op in (0x02, 0x03, 0x04):
            n = code[pc]
            pc += 1
            if op == 0x02:
                stack.append(args[n])
            elif op == 0x03:
                stack.append(local[n])
            else:
                local[n] = stack.pop()
        elif 0x10 <= op <= 0x14:
            b, a = stack.pop(), stack.pop()
            if op in (0x13, 0x14):
                assert b != 0
                q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)   # toward zero
                r = a - q * b
            stack.append(signed({0x10: a + b, 0x11: a - b, 0x12: a * b,
                                 0x13: q if op == 0x13 else 0,
                                 0x14: r if op == 0x14 else 0}[op]))
        elif op == 0x15:
            stack.append(signed(-stack.pop()))
        elif op == 0x20:
            out.append(stack.pop())
        else:
            raise AssertionError("opcode %#x" % op)
        assert len(stack) <= 64


def compile_ok(rpc, source):
    status, body = rpc.call(COMPILE, source.encode())
    assert status == 0 and body[0] == 0, body
    return body[1:]


PROGRAM = """# a small program with every construct
const scale = 3;
const bias = -7;
let a = arg(0) * scale + bias;
let b = (arg(1) - a) / 2;
out a;
out b;
out a % 5;
out -(a + b) * (a - b);
out 9223372036854775807 + arg(2);
"""


def program_expected(x, y, z):
    a = x * 3 - 7
    b = int((y - a) / 2)
    r = a - int(a / 5) * 5
    return [a, b, r, signed(-(a + b) * (a - b)), signed(0x7fffffffffffffff + z)]


def compile_boot(tmp, name, instance_id, cid):
    vm = Vm(tmp, name, payload("compile"), instance_id, cid=cid)
    vm.wait_for("compile: serving on vsock port %d" % COMPILE_PORT)
    return vm, vm.rpc(COMPILE_PORT)


def test_compile_artifacts_run_on_the_host(tmp):
    vm, rpc = compile_boot(tmp, "cc", 0x81, 3)
    # Byte for byte: the artifact the unit test pins (usecase_compile_test.c).
    art = compile_ok(rpc, "const k = 2;  # a comment\nlet x = arg(0) * k;\nout x + -1;")
    assert art == (b"AVBC\x01\x01\x01\x00\x1d\x00\x00\x00" + b"\x02\x00" +
                   b"\x01" + struct.pack("<q", 2) + b"\x12\x04\x00\x03\x00" +
                   b"\x01" + struct.pack("<q", 1) + b"\x15\x10\x20\x00")
    assert run_bytecode(art, [20]) == [39]
    art = compile_ok(rpc, PROGRAM)
    for args in ([5, 100, 1], [-9, 4, -3], [0, 0, 0], [123456789, -987654321, 2 ** 40]):
        assert run_bytecode(art, args) == program_expected(*args)
    # Compile errors come back as messages, and the server goes on.
    status, body = rpc.call(COMPILE, b"let x = 1;\nout x +;\n")
    assert (status, body) == (0, b"\x01line 2 col 8: expected an expression")
    status, body = rpc.call(COMPILE, b"let q = 1;\nlet q = 2;")
    assert (status, body) == (0, b"\x01line 2 col 5: redefinition of 'q'")
    assert rpc.call(0x21, b"") == (-ENOSYS, b"")
    rpc.close()
    status, console, err, relay = vm.finish()
    assert status == 0, err + console
    assert "compile: request 2: %d bytes of source, %d bytes of bytecode\n" % (
        len(PROGRAM), len(art)) in console
    assert console.endswith("compile: 4 requests, the host closed the connection\n"
                            "runtime: payload exited with 0\n")
    assert relay == ["ready", "finished 0"]


# The exploit (docs/PAYLOADS.md, "the deliberate bug"): sixteen names fill the table,
# the seventeenth const lands on the emitter's function pointer, the next statement
# makes the compiler call it.
HIJACK = 0x4141414141414000
EXPLOIT = "".join("const n%d = %d;\n" % (i, i) for i in range(16)) + \
    "const pwn = %d;\nout 1;\n" % HIJACK


def test_compile_exploit_kills_only_that_vm(tmp):
    victim, vrpc = compile_boot(tmp, "victim", 0x91, 3)
    bystander, brpc = compile_boot(tmp, "bystander", 0x92, 4)
    art = compile_ok(brpc, PROGRAM)
    # The malicious source: the victim's connection dies with the VM.
    with pytest.raises((ConnectionError, OSError)):
        vrpc.call(COMPILE, EXPLOIT.encode())
    status, console, err, relay = victim.finish()
    # The runtime's panic report on the host channel, then SYSTEM_RESET: the VMM ends
    # with status 32, which the service reports as the REBOOT death reason.
    assert status == 32, err + console
    assert "the guest asked for a reset" in err
    panic = [line for line in relay if line.startswith("error -1 ")]
    assert len(panic) == 1, relay
    assert re.match(r"error -1 unexpected exception: vector \d+, ESR 0x[0-9a-f]+, "
                    r"ELR %#x, FAR 0x[0-9a-f]+$" % HIJACK, panic[0]), panic[0]
    assert "runtime: panic: unexpected exception" in console
    assert "compile: request 1:" not in console     # it never answered
    # The other VM compiled before, during and after, and ends normally.
    for _ in range(3):
        assert compile_ok(brpc, PROGRAM) == art
    brpc.close()
    status, console, err, relay = bystander.finish()
    assert status == 0, err + console
    assert relay == ["ready", "finished 0"]
    assert "compile: 4 requests, the host closed the connection\n" in console


class Service:
    """A private avfd (docs/SERVICE.md) trusting the development key, with pvmfw."""

    def __init__(self, tmp):
        keys = os.path.join(tmp, "keys")
        os.mkdir(keys)
        with open(os.path.join(REPO, "stack", "guest", "keys", "dev.pub"), "rb") as src, \
                open(os.path.join(keys, "dev.pub"), "wb") as dst:
            dst.write(src.read())
        self.sock = os.path.join(tmp, "avfd.sock")
        self.run_dir = os.path.join(tmp, "run")
        # The VMMs unsanitised, as harness/test_service.py runs them.
        self.proc = subprocess.Popen(
            [AVFD, "--run-dir", self.run_dir, "--socket", self.sock, "--keys", keys,
             "--vmm", os.path.join(REPO, "build", "host", "bin", "avf-vmm"),
             "--pvmfw", PVMFW], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while True:
            assert self.proc.poll() is None, self.proc.stderr.read()
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(self.sock)
                break
            except OSError:
                assert time.time() < deadline, "avfd did not come up"
                time.sleep(0.05)

    def avf(self, *args):
        return subprocess.run([AVF, "--socket", self.sock] + list(args), capture_output=True,
                              text=True, timeout=120)

    def run(self, name, instance_id):
        """`avf run --events` of a protected compile VM: its process."""
        return subprocess.Popen([AVF, "--socket", self.sock, "run", "--events", "--protected",
                                 "--name", name, "--mem", "32", "--instance-id",
                                 "%#x" % instance_id, payload("compile")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def connect(self, name):
        """Once NAME serves: an RPC client on its vsock bridge."""
        deadline = time.time() + BOOT_TIMEOUT
        while time.time() < deadline:
            r = self.avf("--json", "info", name)
            if r.returncode == 0:
                vm = json.loads(r.stdout)
                vm_dir = os.path.join(self.run_dir, "vms", str(vm["id"]))
                try:
                    with open(os.path.join(vm_dir, "console.log")) as f:
                        if "compile: serving on vsock port" in f.read():
                            return Rpc(os.path.join(vm_dir, "vsock"), COMPILE_PORT)
                except FileNotFoundError:
                    pass
            time.sleep(0.05)
        raise AssertionError("%s never served" % name)

    def stop(self):
        self.proc.terminate()
        _, err = self.proc.communicate(timeout=60)
        return self.proc.returncode, err


def test_compile_exploit_reported_by_the_service(tmp):
    """The same attack through avfd: the client sees the payload's error report (the
    hijacked ELR) and the REBOOT death reason; a VM of the same service is unaffected."""
    svc = Service(tmp)
    try:
        victim = svc.run("victim", 0xc1)
        vrpc = svc.connect("victim")
        bystander = svc.run("bystander", 0xc2)
        brpc = svc.connect("bystander")
        art = compile_ok(brpc, PROGRAM)
        with pytest.raises((ConnectionError, OSError)):
            vrpc.call(COMPILE, EXPLOIT.encode())
        _, err = victim.communicate(timeout=BOOT_TIMEOUT)
        assert victim.returncode == 32, err
        assert ("avf: VM 1: error -1: unexpected exception: vector 4, ESR 0x86000004, "
                "ELR %#x, FAR %#x\n" % (HIJACK, HIJACK)) in err, err
        assert "avf: VM 1: died: REBOOT: the VMM exited with status 32 (REBOOT)\n" in err, err
        assert json.loads(svc.avf("--json", "info", "bystander").stdout)["state"] == "READY"
        assert compile_ok(brpc, PROGRAM) == art
        brpc.close()
        _, err = bystander.communicate(timeout=BOOT_TIMEOUT)
        assert bystander.returncode == 0, err
        assert "error" not in err and "died: SHUTDOWN" in err, err
    finally:
        rc, err = svc.stop()
    assert rc == 0, err


def test_compile_sixteen_names_are_fine(tmp):
    """The boundary of the bug: sixteen names compile and run normally in the VM."""
    vm, rpc = compile_boot(tmp, "sixteen", 0xa1, 3)
    source = "".join("const n%d = %d;\n" % (i, i * 3) for i in range(16)) + "out n15 - n1;\n"
    assert run_bytecode(compile_ok(rpc, source), []) == [42]
    rpc.close()
    assert vm.finish()[0] == 0


# ---- ml ---------------------------------------------------------------------------------------

def model():
    """The weights, read from the C source the payload was built from."""
    with open(os.path.join(REPO, "stack", "guest", "usecase", "ml_model.c")) as f:
        text = f.read()

    def array(name):
        body = re.search(r"%s\[[^=]*=\s*\{(.*?)\n\};" % name, text, re.S).group(1)
        rows = re.findall(r"\{([^}]*)\}", body)
        if rows:
            return [[int(v) for v in r.split(",") if v.strip()] for r in rows]
        return [int(v) for v in body.split(",") if v.strip()]

    return array("ml_w1"), array("ml_b1"), array("ml_w2"), array("ml_b2")


def test_ml_model_is_what_the_generator_makes(tmp):
    """ml_model.c is generated: the checked-in file equals a fresh run of the script."""
    out = os.path.join(tmp, "ml_model.c")
    subprocess.run(["/usr/bin/python3", os.path.join(REPO, "stack", "guest", "usecase",
                                                     "gen_ml_model.py"), out], check=True)
    with open(out) as fresh, open(os.path.join(REPO, "stack", "guest", "usecase",
                                               "ml_model.c")) as checked_in:
        assert fresh.read() == checked_in.read()


def reference(x, weights):
    """docs/PAYLOADS.md's arithmetic: int32 accumulators, (acc*3 + 32) >> 6 clamped to
    0..127, then the output layer and the first largest logit."""
    w1, b1, w2, b2 = weights
    h = [min(127, max(0, (sum(xi * wi for xi, wi in zip(x, row)) + b) * 3 + 32 >> 6))
         for row, b in zip(w1, b1)]
    logits = [sum(hj * wj for hj, wj in zip(h, row)) + b for row, b in zip(w2, b2)]
    best = max(range(len(logits)), key=lambda k: (logits[k], -k))
    return best, logits[best]


def stroke(kind):
    pixels = {0: [8, 9, 10, 11], 1: [1, 5, 9, 13], 2: [0, 5, 10, 15], 3: [3, 6, 9, 12]}[kind]
    return [100 if i in pixels else 3 for i in range(16)]


def test_ml_inference_matches_reference(tmp):
    weights = model()
    vm = Vm(tmp, "ml", payload("ml"), 0xb1)
    vm.wait_for("ml: 16x16x4 int8 network, serving on vsock port %d" % ML_PORT)
    rpc = vm.rpc(ML_PORT)
    inputs = [stroke(k) for k in range(4)]
    seed = 12345
    for _ in range(40):
        x = []
        for _ in range(16):
            seed = (seed * 1103515245 + 12345) & 0x7fffffff
            x.append((seed >> 16) % 256 - 128)
        inputs.append(x)
    inputs += [[127] * 16, [-128] * 16]
    for n, x in enumerate(inputs):
        status, body = rpc.call(ML_INFER, struct.pack("<16b", *x))
        assert status == 0 and len(body) == 5, (status, body)
        got = (body[0], struct.unpack("<i", body[1:])[0])
        assert got == reference(x, weights), (x, got)
        if n < 4:
            assert got[0] == n          # the strokes are recognised
    assert rpc.call(ML_INFER, b"\0" * 15) == (-EINVAL, b"")
    rpc.close()
    status, console, err, relay = vm.finish()
    assert status == 0, err + console
    assert "ml: %d inferences, the host closed the connection\n" % len(inputs) in console
    assert relay == ["ready", "finished 0"]


def test_ml_builtin_strokes_same_on_sim_and_pkvm():
    """No vsock device: the payload classifies its four strokes. The same signed bytes
    through the same pvmfw give the same console on the sim and on pKVM."""
    weights = model()
    args = ["run", "--protected", "--pvmfw", PVMFW, "--mem", "32", "--instance-id", "0x1234",
            payload("ml")]
    done = subprocess.run([VMM] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=BOOT_TIMEOUT)
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode() + out
    want = "".join("ml: stroke %d: class %d score %d\n" % ((k,) + reference(stroke(k), weights))
                   for k in range(4))
    assert out.endswith("ml: no vsock device: classifying the built-in strokes\n" + want +
                        "runtime: payload exited with 0\n"), out
    assert all("class %d" % k in line for k, line in enumerate(want.splitlines()))
    cross_vmm = os.path.join(REPO, "build", "cross", "bin", "avf-vmm")
    r = riglib.run(["avf-vmm", "run", "--backend", "kvm", "--protected", "--pvmfw",
                    "/data/pvmfw.bin", "--mem", "32", "--instance-id", "0x1234",
                    "/data/ml.payload"], mode="protected",
                   files=(cross_vmm, (PVMFW, "/data/pvmfw.bin"),
                          (payload("ml"), "/data/ml.payload")))
    assert r.status == 0, r.describe()
    got = "".join(line for line in r.text.splitlines(keepends=True)
                  if not line.startswith(("vmm: ", "avf-vmm: ")))
    assert got == out, r.describe()


# ---- drm and the compile exploit on pKVM: usecase-check, the same on both backends -------------

def only_console(text):
    """Drop the VMM's own lines (stderr, merged by the rig, in no fixed place)."""
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith(("vmm: ", "avf-vmm: ")))


@pytest.mark.parametrize("scenario", ["compile-exploit", "drm"])
def test_usecase_check_same_on_sim_and_pkvm(tmp, scenario):
    """usecase-check (stack/guest/usecase/rigcheck) is the host side in C: the drm
    license server and player across two boots, or the compile exploit. Its verdicts and
    the VM's console must be the same on the sim and on pKVM in the rig."""
    image = payload("drm" if scenario == "drm" else "compile")

    def vmm_args(vmm, work, fw, img, backend):
        args = [vmm, "run", "--backend", backend, "--protected", "--pvmfw", fw, "--mem",
                "32", "--instance-id", "0x77", "--vsock", "3,%s/vsock" % work]
        return args + (["--disk", "%s/disk.img" % work] if scenario == "drm" else []) + [img]

    work = os.path.join(tmp, "work")
    done = subprocess.run([os.path.join(REPO, "build", "san", "bin", "usecase-check"),
                           scenario, work, "--"] + vmm_args(VMM, work, PVMFW, image, "sim"),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=BOOT_TIMEOUT * 2)
    sim_out = only_console(done.stdout.decode())
    assert done.returncode == 0, sim_out
    assert sim_out.endswith("usecase-check: %s: all checks passed\n" % scenario)
    assert "usecase-check: FAIL" not in sim_out
    if scenario == "compile-exploit":
        assert "runtime: panic: unexpected exception: vector 4, ESR 0x86000004, " \
               "ELR 0x4141414141414000" in sim_out
    r = riglib.run(["usecase-check", scenario, "/tmp/uc", "--"] +
                   vmm_args("avf-vmm", "/tmp/uc", "/data/pvmfw.bin", "/data/payload", "kvm"),
                   mode="protected", timeout=400,
                   files=(os.path.join(REPO, "build", "cross", "bin", "usecase-check"),
                          os.path.join(REPO, "build", "cross", "bin", "avf-vmm"),
                          (PVMFW, "/data/pvmfw.bin"), (image, "/data/payload")))
    assert r.status == 0, r.describe()
    assert only_console(r.text) == sim_out, r.describe()
