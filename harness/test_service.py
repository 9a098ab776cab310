"""The service (avfd), its C API (libavf) and CLI (avf), driven as a user drives them:
a real daemon per test on a temporary socket, the real `avf` tool, real avf-vmm
processes on the sim backend, payloads signed by avf-sign (docs/SERVICE.md).

Waiting is by polling the service's own answers with a generous deadline; nothing
asserts how long anything took."""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(REPO, "build", "san", "bin")
AVF = os.path.join(BIN, "avf")
AVFD = os.path.join(BIN, "avfd")
AVF_SIGN = os.path.join(BIN, "avf-sign")
# The VMMs run unsanitised: ASan would turn a signal into exit status 1, and 50 spinning
# sim VMMs under ASan would take the machine for minutes. avfd and avf are sanitised.
AVF_VMM = os.path.join(REPO, "build", "host", "bin", "avf-vmm")
HELLO = os.path.join(REPO, "build", "guest", "img", "vmm-testguest.bin")



def check_hello_output(out, name, instance_id):
    """The whole console of the VMM's test guest came through, with the name and
    instance id the service gave the VMM (the lines between are the guest's own)."""
    lines = out.splitlines(keepends=True)
    assert lines[0] == "testguest: hello from the VMM's test guest\n", out
    assert "testguest: normal VM\n" in lines, out
    assert "testguest: cpus 1, memory 0x80000000 size 0x4000000\n" in lines, out
    assert ("testguest: avf vm-name '%s' instance-id 0x%x\n" % (name, instance_id)) in lines, out
    assert lines[-1] == "testguest: bye\n", out

# Tiny raw guests (A64 words), loaded at 0x8000_0000 by avf-sign's default.
SPIN = [0x14000000]                                       # b .
REBOOT = [0x52800120, 0x72B08000, 0xD4000002, 0x14000000]  # PSCI SYSTEM_RESET; b .
HUNG = [0xD503207F, 0x17FFFFFF]                            # wfi; b .-4: nothing wakes it

DEADLINE = 60.0


def sh(*args, env=None, timeout=120):
    return subprocess.run(list(args), capture_output=True, text=True, env=env,
                          timeout=timeout)


@pytest.fixture(scope="module")
def material():
    """Keys and signed payloads shared by the module's tests."""
    d = tempfile.mkdtemp(prefix="avfsvc-keys-")
    keys = os.path.join(d, "keys")
    os.mkdir(keys)
    assert sh(AVF_SIGN, "keygen", os.path.join(d, "trusted.key")).returncode == 0
    shutil.move(os.path.join(d, "trusted.pub"), os.path.join(keys, "trusted.pub"))
    assert sh(AVF_SIGN, "keygen", os.path.join(d, "other.key")).returncode == 0
    out = {"dir": d, "keys": keys}

    def sign(name, raw, key="trusted"):
        src = os.path.join(d, name + ".bin")
        if isinstance(raw, list):
            with open(src, "wb") as f:
                f.write(struct.pack("<%dI" % len(raw), *raw))
        else:
            shutil.copy(raw, src)
        dst = os.path.join(d, name + ".payload")
        r = sh(AVF_SIGN, "sign", "--key", os.path.join(d, key + ".key"), "--version", "1",
               src, dst)
        assert r.returncode == 0, r.stderr
        out[name] = dst

    sign("hello", HELLO)
    sign("spin", SPIN)
    sign("reboot", REBOOT)
    sign("hung", HUNG)
    sign("foreign", SPIN, key="other")
    garbage = os.path.join(d, "garbage.payload")
    with open(garbage, "wb") as f:
        f.write(b"not a payload at all")
    out["garbage"] = garbage
    yield out
    shutil.rmtree(d)


class Daemon:
    """One avfd on a private run directory and socket."""

    def __init__(self, keys, *extra):
        self.dir = tempfile.mkdtemp(prefix="avfsvc-")
        self.sock = os.path.join(self.dir, "avfd.sock")
        self.run_dir = os.path.join(self.dir, "run")
        self.keys = keys
        self.extra = list(extra)
        if "--vmm" not in self.extra:
            self.extra += ["--vmm", AVF_VMM]
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [AVFD, "--run-dir", self.run_dir, "--socket", self.sock, "--keys", self.keys]
            + self.extra, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            assert self.proc.poll() is None, self.proc.stderr.read()
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(self.sock)
                return self
            except OSError:
                time.sleep(0.02)
        raise AssertionError("avfd did not come up")

    def stop(self):
        """SIGTERM; returns (exit status, stderr)."""
        if not self.proc:
            return 0, ""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=DEADLINE)
        rc = self.proc.returncode
        self.proc = None
        return rc, err

    def avf(self, *args, timeout=120):
        return sh(AVF, "--socket", self.sock, *args, timeout=timeout)

    def info(self, vm, missing_ok=False):
        r = self.avf("info", "--json", str(vm))
        if missing_ok and r.returncode == 3:
            return None
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def list(self):
        r = self.avf("list", "--json")
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def wait_state(self, vm, state):
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            i = self.info(vm, missing_ok=True)    # a client may not have created it yet
            if i and i["state"] == state:
                return i
            time.sleep(0.05)
        raise AssertionError("VM %s never reached %s: %s" % (vm, state, self.info(vm)))

    def vm_dir(self, vm):
        return os.path.join(self.run_dir, "vms", str(vm))


@pytest.fixture
def daemon(material):
    d = Daemon(material["keys"]).start()
    yield d
    rc, err = d.stop()
    assert rc == 0, err
    assert "Sanitizer" not in err and "runtime error" not in err, err
    shutil.rmtree(d.dir, ignore_errors=True)


def start_vm(d, payload, *opts):
    r = d.avf("start", *opts, payload)
    assert r.returncode == 0, r.stderr
    return int(r.stdout)


def pid_gone(pid):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().split(") ")[1].startswith("Z"):
                    return True     # a zombie has no VMM left in it
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def raw_request(sock_path, body):
    """Send one frame, return the response's (status, message)."""
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(sock_path)
        s.sendall(struct.pack("<I", len(body)) + body)
        n = struct.unpack("<I", s.recv(4, socket.MSG_WAITALL))[0]
        resp = s.recv(n, socket.MSG_WAITALL)
    version, kind, seq, status, mlen = struct.unpack("<HHIiH", resp[:14])
    assert (version, kind) == (1, 0x100)
    return seq, status, resp[14:14 + mlen].decode()


# ---- without a VM -------------------------------------------------------------------------

def test_list_empty(daemon):
    r = daemon.avf("list")
    assert (r.returncode, r.stdout, r.stderr) == (0, "no VMs\n", "")
    assert daemon.list() == []


def test_unknown_vm(daemon):
    r = daemon.avf("info", "42")
    assert (r.returncode, r.stderr) == (3, "avf: VM 42: no VM with id 42\n")
    r = daemon.avf("stop", "nope")
    assert (r.returncode, r.stderr) == (3, "avf: no VM with id or name 'nope'\n")
    r = daemon.avf("console", "7")
    assert (r.returncode, r.stderr) == (3, "avf: VM 7: no VM with id 7\n")


def test_policy_refuses_creation(material):
    d = Daemon(material["keys"])
    policy = os.path.join(d.dir, "policy")
    with open(policy, "w") as f:
        f.write("# nobody but uid 12345\nallow-create uid:12345\n")
    d.extra = ["--policy", policy]
    d.start()
    try:
        r = d.avf("start", material["spin"])
        assert r.returncode == 3
        assert r.stderr == "avf: create: uid %d may not create VMs (policy)\n" % os.getuid()
        assert d.list() == []
    finally:
        assert d.stop()[0] == 0


def test_policy_refuses_protected(material):
    d = Daemon(material["keys"])
    policy = os.path.join(d.dir, "policy")
    with open(policy, "w") as f:
        f.write("allow-create all\n")
    d.extra = ["--policy", policy]
    d.start()
    try:
        r = d.avf("start", "--protected", material["spin"])
        assert r.returncode == 3
        assert r.stderr == ("avf: create: uid %d may not create protected VMs (policy)\n"
                            % os.getuid())
    finally:
        assert d.stop()[0] == 0


def test_bad_policy_file_stops_the_daemon(material, tmp_path):
    policy = tmp_path / "policy"
    policy.write_text("allow-create everyone\n")
    r = sh(AVFD, "--run-dir", str(tmp_path / "run"), "--socket", str(tmp_path / "s"),
           "--keys", material["keys"], "--policy", str(policy))
    assert r.returncode == 1
    assert r.stderr.startswith("avfd: policy %s: line 1: bad principal 'everyone'" % policy)


@pytest.mark.parametrize("payload,reason", [
    ("foreign", "unknown-key: key_id is not the trusted key's"),
    ("garbage", "bad-magic"),
])
def test_untrusted_payload_never_reaches_a_vmm(daemon, material, payload, reason):
    r = daemon.avf("run", "--events", material[payload])
    assert r.returncode == 5, r.stderr
    lines = r.stderr.splitlines()
    assert lines[0].startswith("avf: VM 1: error %d: %s" % (8, reason)), r.stderr
    assert lines[-1] == "avf: VM 1 died: PAYLOAD_VERIFICATION_FAILED"
    assert "payload started" not in r.stderr
    assert daemon.list() == []              # an attached VM goes with its client
    vm = start_vm(daemon, material[payload])     # a detached one stays, dead
    i = daemon.info(vm)
    assert (i["state"], i["death_reason"], i["pid"]) == ("DEAD", "PAYLOAD_VERIFICATION_FAILED", 0)


def test_missing_vmm_is_start_failed(material):
    d = Daemon(material["keys"], "--vmm", "/nonexistent/avf-vmm").start()
    try:
        r = d.avf("run", material["spin"])
        assert r.returncode == 4
        assert r.stderr == ("avf: VM 1: error 6: cannot run the VMM /nonexistent/avf-vmm: "
                            "No such file or directory\navf: VM 1 died: START_FAILED\n")
        r = d.avf("start", material["spin"])    # detached: stays listed, dead
        assert r.returncode == 0
        assert d.info(int(r.stdout))["death_reason"] == "START_FAILED"
        r = d.avf("stop", r.stdout.strip())
        assert (r.returncode, r.stderr) == (3, "avf: stop: VM 2 is already dead "
                                               "(START_FAILED)\n")
    finally:
        assert d.stop()[0] == 0


def test_protocol_errors(daemon):
    # another protocol version
    seq, status, msg = raw_request(daemon.sock, struct.pack("<HHI", 2, 5, 77))
    assert (seq, status, msg) == (77, -93, "protocol version 2 is not 1")  # EPROTONOSUPPORT
    # a known kind with a trailing byte
    seq, status, msg = raw_request(daemon.sock, struct.pack("<HHIB", 1, 5, 3, 0))
    assert (seq, status, msg) == (3, -74, "malformed request")               # EBADMSG
    # an unknown kind
    seq, status, msg = raw_request(daemon.sock, struct.pack("<HHI", 1, 0x77, 4))
    assert (seq, status) == (4, -74)
    # a frame longer than the limit: the daemon hangs up
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(daemon.sock)
        s.sendall(struct.pack("<I", 65537))
        assert s.recv(1) == b""
    # it still serves
    assert daemon.list() == []


def test_client_disconnect_without_vms(daemon):
    for _ in range(70):     # more than the client table: slots are reused
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(daemon.sock)
    assert daemon.list() == []


def test_restart(material):
    d = Daemon(material["keys"]).start()
    busy = sh(AVFD, "--run-dir", d.run_dir, "--socket", d.sock, "--keys", material["keys"])
    assert busy.returncode == 1
    assert busy.stderr.startswith("avfd: socket %s: another avfd is serving it\n" % d.sock)
    assert d.stop()[0] == 0
    assert not os.path.exists(d.sock)
    d.start()
    assert d.list() == []
    assert d.stop()[0] == 0


@pytest.mark.parametrize("args,code,message", [
    ((), 2, None),
    (("bogus",), 2, "avf: unknown command 'bogus'\nTry 'avf --help'.\n"),
    (("--frob", "list"), 2, "avf: --frob: unknown option\nTry 'avf --help'.\n"),
    (("run",), 2, "avf: no payload: give exactly one PAYLOAD (try 'avf run --help')\n"),
    (("run", "a", "b"), 2, "avf: too many arguments: give exactly one PAYLOAD "
                           "(try 'avf run --help')\n"),
    (("run", "--mem", "lots", "p"), 2, "avf: --mem lots: not a number in 0..16384\n"),
    (("run", "--cpus", "65", "p"), 2, "avf: --cpus 65: not a number in 0..64\n"),
    (("run", "--mem", "2", "p"), 2, "avf: memory: 2 MiB is not in 4..16384\n"),
    (("run", "--name", "a b", "p"), 2, "avf: name 'a b': use 1..40 of A-Z a-z 0-9 . _ -\n"),
    (("run", "--mem"), 2, "avf: --mem: needs a value\n"),
    (("run", "--frob", "p"), 2, "avf: --frob: unknown option\n"),
    (("start", "--keys", "k", "p"), 2, "avf: --keys is for avf run's private daemon only\n"),
    (("info",), 2, "avf: info: which VM? (an id or a name)\n"),
    (("info", "1", "2"), 2, "avf: 2: unexpected argument\n"),
    (("connect", "1", "port"), 2, "avf: connect: port port: not a number in 0..4294967295\n"),
    (("connect", "1"), 2, "avf: connect: give a VM (id or name) and a port\n"),
    (("list", "--socket"), 2, "avf: --socket needs a value\n"),
])
def test_cli_usage_errors(args, code, message):
    r = sh(AVF, *args)
    assert r.returncode == code
    if message is not None:
        assert r.stderr == message
    else:
        assert r.stderr.startswith("usage: avf")


@pytest.mark.parametrize("cmd", [(), ("run",), ("start",), ("list",), ("info",), ("stop",), ("log",),
                                 ("destroy",), ("console",), ("connect",)])
def test_help_everywhere(cmd):
    r = sh(AVF, *cmd, "--help")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.startswith("usage: avf " + (cmd[0] if cmd else "["))


def test_avfd_usage_errors(tmp_path):
    r = sh(AVFD, "--backend", "qemu")
    assert (r.returncode, r.stderr) == (2, "avfd: --backend qemu: use sim or kvm\n")
    r = sh(AVFD, "--frob")
    assert r.returncode == 2 and r.stderr.startswith("avfd: unknown option")
    r = sh(AVFD, "--help")
    assert r.returncode == 0 and r.stdout.startswith("usage: avfd")
    r = sh(AVFD, "--keys", str(tmp_path / "none"), "--run-dir", str(tmp_path / "r"))
    assert r.returncode == 1
    assert r.stderr.startswith("avfd: keys: %s: No such file or directory" % (tmp_path / "none"))


# ---- with VMs (avf-vmm on the sim backend) --------------------------------------------

def test_run_streams_the_console_and_exits_as_the_vm(daemon, material):
    assert os.path.exists(AVF_VMM), "avf-vmm is not built"
    r = daemon.avf("run", "--events", "--name", "hello", "--instance-id", "9",
                   material["hello"])
    assert r.returncode == 0, r.stderr
    check_hello_output(r.stdout, "hello", 9)
    assert r.stderr == ("avf: VM 1: payload started\n"
                        "avf: VM 1: died: SHUTDOWN: the VMM exited with status 0 (SHUTDOWN)\n")
    r = daemon.avf("run", material["reboot"])
    assert (r.returncode, r.stderr) == (32, "avf: VM 2 died: REBOOT\n")
    r = daemon.avf("run", material["hung"])
    assert (r.returncode, r.stderr) == (33, "avf: VM 3 died: CRASH\n")
    r = daemon.avf("run", "--json", material["reboot"])
    assert r.returncode == 32
    assert json.loads(r.stdout) == {"id": 4, "death_reason": "REBOOT", "finished": False,
                                    "exit_code": 0, "status": 32}
    assert daemon.list() == []   # attached VMs go with their client


def test_run_without_a_daemon_starts_a_private_one(material, tmp_path):
    env = dict(os.environ, XDG_RUNTIME_DIR=str(tmp_path))
    r = sh(AVF, "run", "--keys", material["keys"], "--name", "solo", material["hello"], env=env)
    assert r.returncode == 0, r.stderr
    check_hello_output(r.stdout, "solo", 0)
    r = sh(AVF, "run", "--keys", material["keys"], material["foreign"], env=env)
    assert r.returncode == 5


def test_start_list_info_stop(daemon, material):
    vm = start_vm(daemon, material["spin"], "--name", "spinner", "--mem", "16", "--cpus", "2")
    i = daemon.info("spinner")
    assert (i["id"], i["name"], i["state"], i["cid"], i["memory_mib"], i["cpus"],
            i["backend"], i["detached"], i["protected"]) == \
        (vm, "spinner", "STARTED", 10 + vm, 16, 2, "sim", True, False)
    assert i["pid"] > 0
    with open("/proc/%d/cmdline" % i["pid"]) as f:
        assert f.read().rstrip("\0") == "avf-vmm: spinner"   # as ps shows it
    text = daemon.avf("list").stdout.splitlines()
    assert text[0].split() == ["ID", "NAME", "STATE", "CID", "MEM", "CPUS", "PROTECTED",
                               "BACKEND", "UPTIME"]
    assert text[1].split()[:8] == [str(vm), "spinner", "STARTED", str(10 + vm), "16M", "2",
                                   "no", "sim"]
    r = daemon.avf("start", "--name", "spinner", material["spin"])
    assert (r.returncode, r.stderr) == (3, "avf: create: a VM named 'spinner' exists\n")
    r = daemon.avf("stop", "spinner")
    assert (r.returncode, r.stdout) == (0, "VM %d: KILLED\n" % vm)
    assert pid_gone(i["pid"])
    i = daemon.info(vm)
    assert (i["state"], i["death_reason"], i["pid"]) == ("DEAD", "KILLED", 0)
    r = daemon.avf("destroy", str(vm))
    assert r.returncode == 0
    assert daemon.list() == []


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV, signal.SIGTERM])
def test_vmm_killed_or_crashed(daemon, material, sig):
    vm = start_vm(daemon, material["spin"])
    pid = daemon.info(vm)["pid"]
    os.kill(pid, sig)
    i = daemon.wait_state(vm, "DEAD")
    assert i["death_reason"] == "KILLED"
    assert daemon.list()[0]["id"] == vm     # the service goes on


def test_vmm_hang_is_killed_after_the_grace(daemon, material):
    vm = start_vm(daemon, material["spin"])
    pid = daemon.info(vm)["pid"]
    os.kill(pid, signal.SIGSTOP)            # a hung VMM ignores SIGTERM
    r = daemon.avf("stop", str(vm))
    assert (r.returncode, r.stdout) == (0, "VM %d: KILLED\n" % vm)
    assert pid_gone(pid)


def test_callbacks_ready_and_finished(daemon, material):
    """The guest's side of the payload service is played by the test: it connects to
    the host port the VMM bridges guest connections to (vsock_5000)."""
    p = subprocess.Popen([AVF, "--socket", daemon.sock, "run", "--events", material["spin"]],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        daemon.wait_state(1, "STARTED")
        with socket.socket(socket.AF_UNIX) as g:
            g.connect(os.path.join(daemon.vm_dir(1), "vsock_5000"))
            g.sendall(b"ready\n")
            daemon.wait_state(1, "READY")
            g.sendall(b"error 3 disk full\nfinished 7\n")
            i = daemon.wait_state(1, "FINISHED")
            assert i["exit_code"] == 7
        assert daemon.avf("stop", "1").returncode == 0
        _, err = p.communicate(timeout=DEADLINE)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 137
    assert err.splitlines() == [
        "avf: VM 1: payload started",
        "avf: VM 1: payload ready",
        "avf: VM 1: error 3: disk full",
        "avf: VM 1: payload finished with exit code 7",
        err.splitlines()[4],
        "avf: VM 1 died: KILLED",
    ]
    # avf-vmm ends on SIGTERM with status 143, or dies of it if it came before its handler
    assert err.splitlines()[4] in (
        "avf: VM 1: died: KILLED: the VMM exited with status 143 (KILLED)",
        "avf: VM 1: died: KILLED: the VMM was killed by signal 15 (Terminated)")


def test_hangup_when_never_ready(daemon, material):
    r = daemon.avf("run", "--ready-timeout", "200", material["spin"])
    assert (r.returncode, r.stderr) == (124, "avf: VM 1 died: HANGUP\n")


def test_payload_changed_for_an_instance(daemon, material):
    assert daemon.avf("run", "--instance-id", "5", material["hello"]).returncode == 0
    assert daemon.avf("run", "--instance-id", "5", material["hello"]).returncode == 0
    r = daemon.avf("run", "--instance-id", "5", material["reboot"])
    assert r.returncode == 6
    assert r.stderr == ("avf: VM 3: error 9: instance id ran another payload before\n"
                        "avf: VM 3 died: PAYLOAD_CHANGED\n")


def test_client_disconnect_destroys_attached_vms(daemon, material):
    p = subprocess.Popen([AVF, "--socket", daemon.sock, "run", material["spin"]],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    daemon.wait_state(1, "STARTED")
    pid = daemon.info(1)["pid"]
    detached = start_vm(daemon, material["spin"])
    p.kill()
    p.wait()
    assert pid_gone(pid)
    end = time.monotonic() + DEADLINE
    while [v["id"] for v in daemon.list()] != [detached] and time.monotonic() < end:
        time.sleep(0.05)
    assert [v["id"] for v in daemon.list()] == [detached]   # the detached one stays


def test_service_restart_leaves_no_orphan(material):
    d = Daemon(material["keys"]).start()
    try:
        vm = start_vm(d, material["spin"])
        pid = d.info(vm)["pid"]
        d.proc.kill()                     # the daemon dies without cleaning up
        d.proc.wait()
        assert pid_gone(pid)              # its VMMs die with it
        d.start()                         # and it comes back on the same socket
        assert d.list() == []
    finally:
        d.stop()
        shutil.rmtree(d.dir, ignore_errors=True)


def test_fifty_vms_at_once(daemon, material):
    """50 VMM processes at once. Each spinning sim VMM takes a whole core; on a small
    machine 50 of them would starve the daemon and the CLI for minutes, so each is
    frozen (SIGSTOP) once started: to the service it is a live VMM all the same."""
    ids = []
    for n in range(50):
        ids.append(start_vm(daemon, material["spin"], "--mem", "4", "--name", "vm%02d" % n))
        os.kill(daemon.info(ids[-1])["pid"], signal.SIGSTOP)
    vms = daemon.list()
    assert [v["id"] for v in vms] == ids
    assert {v["state"] for v in vms} == {"STARTED"}
    assert sorted(v["cid"] for v in vms) == [10 + i for i in ids]
    pids = [v["pid"] for v in vms]
    assert len(set(pids)) == 50
    for vm in ids:
        assert daemon.avf("destroy", str(vm)).returncode == 0
    assert all(pid_gone(p) for p in pids)
    end = time.monotonic() + DEADLINE
    while daemon.list() and time.monotonic() < end:
        time.sleep(0.05)
    assert daemon.list() == []


def test_console_log_and_connect_of_a_detached_vm(daemon, material):
    vm = start_vm(daemon, material["hello"], "--name", "bg", "--instance-id", "3")
    daemon.wait_state(vm, "DEAD")
    r = daemon.avf("console", "bg")
    assert r.returncode == 0, r.stderr
    check_hello_output(r.stdout, "bg", 3)
    assert daemon.avf("console", "--follow", str(vm)).stdout == r.stdout
    hung = start_vm(daemon, material["hung"])
    assert daemon.wait_state(hung, "DEAD")["death_reason"] == "CRASH"
    r = daemon.avf("log", str(hung))
    assert r.returncode == 0
    assert "the guest is hung" in r.stdout      # the VMM's own words, kept by the service
    r = daemon.avf("connect", str(vm), "5000")
    assert (r.returncode, r.stderr) == (3, "avf: connect: VM %d is DEAD, not running\n" % vm)


def test_sign_and_sim_hand_off(material):
    r = sh(AVF, "sign", "inspect", material["hello"])
    direct = sh(AVF_SIGN, "inspect", material["hello"])
    assert (r.returncode, r.stdout, r.stderr) == (0, direct.stdout, direct.stderr)
    r = sh(AVF, "sign", "verify", "--pub", os.path.join(material["keys"], "trusted.pub"),
           material["foreign"])
    assert r.returncode == 15                   # avf-sign's own status: unknown key
    r = sh(AVF, "sim", "--help")
    assert r.returncode == 0 and r.stdout.startswith("usage: avf-sim")


# ---- libavf under threads ---------------------------------------------------------------

AVFAPI_CHECK = os.path.join(BIN, "avfapi-check")
AVFAPI_CHECK_TSAN = os.path.join(REPO, "build", "tsan", "bin", "avfapi-check-tsan")


@pytest.mark.parametrize("binary", [AVFAPI_CHECK, AVFAPI_CHECK_TSAN], ids=["asan", "tsan"])
def test_libavf_from_many_threads(daemon, material, binary):
    """stack/api/tests/threads.c: 4 workers x 4 VM lifecycles, half on one shared
    connection with a dispatcher thread running callbacks, half on their own; exact
    per-thread last errors; exactly one started and one died(KILLED) callback per VM,
    none after avf_vm_free(). ASan+UBSan, then ThreadSanitizer (which exits 66 on a
    race it sees)."""
    r = sh(binary, "threads", daemon.sock, material["spin"], "4", "4", timeout=300)
    assert (r.returncode, r.stdout) == (0, "threads: 4 threads x 4 lifecycles: ok\n"), r.stderr
    assert "WARNING: ThreadSanitizer" not in r.stderr, r.stderr
    assert daemon.list() == []          # every VM went with its connection or was freed


# ---- protected VMs through the real pvmfw ------------------------------------------------

PVMFW = os.path.join(REPO, "build", "guest", "img", "pvmfw-dev.bin")
DEV_PUB = os.path.join(REPO, "stack", "guest", "keys", "dev.pub")
HELLO_PAYLOAD = os.path.join(REPO, "build", "guest", "img", "payload-hello.payload")
SCENARIO_PAYLOAD = os.path.join(REPO, "build", "guest", "img", "payload-scenario.payload")
SCENARIO_BIN = os.path.join(REPO, "build", "guest", "img", "payload-scenario.bin")
PVMFW_BOOT = "pvmfw: payload version 1, key id ccfcf4f13dc79b7f, entry 0x80000000\n"
RUNTIME_BOOT = "runtime: payload version 1, normal mode, 32 MiB RAM\n"


@pytest.fixture
def pkeys(material, tmp_path):
    """The service trusts the development key (the one pvmfw-dev.bin has built in) and
    the harness's own key (which the firmware does not know)."""
    keys = tmp_path / "pkeys"
    keys.mkdir()
    shutil.copy(DEV_PUB, keys / "dev.pub")
    shutil.copy(os.path.join(material["keys"], "trusted.pub"), keys / "trusted.pub")
    return str(keys)


def protected_daemon(keys, vmm=AVF_VMM):
    return Daemon(keys, "--pvmfw", PVMFW, "--vmm", vmm).start()


def scenario_vmm(tmp_path, script):
    """A VMM that is avf-vmm with the scenario payload's script on its command line
    (the service has no bootargs setting; docs/RUNTIME.md, "The scenario payload")."""
    path = tmp_path / "vmm-scenario.sh"
    path.write_text('#!/bin/sh\ncmd=$1\nshift\nexec %s "$cmd" --append "scenario=%s" "$@"\n'
                    % (AVF_VMM, script))
    path.chmod(0o755)
    return str(path)


def stop_daemon(d):
    rc, err = d.stop()
    shutil.rmtree(d.dir, ignore_errors=True)
    assert rc == 0, err
    assert "Sanitizer" not in err and "runtime error" not in err, err


def test_protected_hello_through_pvmfw_serves_rpc(pkeys):
    """The signed hello payload in a protected VM through the service: pvmfw verifies
    it, the runtime reports ready through the VMM's relay, and its vsock RPC echo server
    (docs/RPC.md) answers both `avf connect` (raw frames on stdin/stdout) and libavf's
    avf_vm_connect_vsock() + avf_rpc_*() (stack/api/tests/rpc.c), one VM each: hello
    serves one connection and then finishes with exit code 0."""
    d = protected_daemon(pkeys)
    try:
        vm = start_vm(d, HELLO_PAYLOAD, "--protected", "--mem", "32", "--name", "phello")
        i = d.wait_state(vm, "READY")
        assert i["protected"] is True
        console = d.avf("console", "phello").stdout
        assert console.startswith(PVMFW_BOOT + RUNTIME_BOOT +
                                  "hello: Hello from a verified payload\n"), console
        assert "hello: serving echo on vsock port 5678\n" in console, console
        body = b"echo through avf connect"
        frame = struct.pack("<IBBHiI", len(body), 1, 1, 1, 0, 7) + body
        r = subprocess.run([AVF, "--socket", d.sock, "connect", "phello", "5678"],
                           input=frame, capture_output=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert r.stdout == struct.pack("<IBBHiI", len(body), 1, 2, 1, 0, 7) + body
        # hello serves one connection, then returns 0 from AVmPayload_main.
        i = d.wait_state(vm, "DEAD")
        assert (i["death_reason"], i["exit_code"]) == ("SHUTDOWN", 0), i
        vm = start_vm(d, HELLO_PAYLOAD, "--protected", "--mem", "32", "--name", "phello2")
        d.wait_state(vm, "READY")
        r = sh(AVFAPI_CHECK, "rpc", d.sock, str(vm), "5678", "5679", timeout=300)
        assert (r.returncode, r.stdout) == (0, "rpc: 5 calls on port 5678 ok; port 5679 "
                                           "refused: vsock port 5679: the guest refused "
                                           "the connection\n"), r.stderr
        i = d.wait_state(vm, "DEAD")
        assert (i["death_reason"], i["exit_code"]) == ("SHUTDOWN", 0), i
    finally:
        stop_daemon(d)


@pytest.mark.parametrize("script,status,events", [
    ("ready;finish:42", 42, ["payload started", "payload ready",
                             "payload finished with exit code 42"]),
    ("ready;error:5;finish:3", 3, ["payload started", "payload ready",
                                   "error 5: scenario error 5",
                                   "payload finished with exit code 3"]),
])
def test_protected_payload_reports_reach_the_callbacks(pkeys, tmp_path, script, status,
                                                       events):
    """A real payload's AVmPayload_* reports (hypercalls the VMM relays as lines on
    vsock_5000) become the service's callbacks, and `avf run` exits with the payload's
    own exit code."""
    d = protected_daemon(pkeys, scenario_vmm(tmp_path, script))
    try:
        r = d.avf("run", "--protected", "--mem", "32", "--events", SCENARIO_PAYLOAD,
                  timeout=300)
        assert r.returncode == status, r.stdout + r.stderr
        assert r.stdout.startswith(PVMFW_BOOT + RUNTIME_BOOT), r.stdout
        assert "runtime: payload exited with %d\n" % status in r.stdout, r.stdout
        assert r.stderr.splitlines() == ["avf: VM 1: " + e for e in events] + [
            "avf: VM 1: died: SHUTDOWN: the VMM exited with status 0 (SHUTDOWN)"], r.stderr
    finally:
        stop_daemon(d)


def test_protected_payload_never_ready_is_hangup(pkeys, tmp_path):
    d = protected_daemon(pkeys, scenario_vmm(tmp_path, "spin"))
    try:
        r = d.avf("run", "--protected", "--mem", "32", "--ready-timeout", "3000",
                  SCENARIO_PAYLOAD, timeout=300)
        assert (r.returncode, r.stderr) == (124, "avf: VM 1 died: HANGUP\n"), r.stdout
        assert r.stdout.startswith(PVMFW_BOOT + RUNTIME_BOOT), r.stdout
    finally:
        stop_daemon(d)


def test_protected_payload_is_checked_by_the_service_and_by_pvmfw(pkeys, material, tmp_path):
    """Both checks are real. The service refuses what no key it trusts signed, before
    any VMM (a tampered copy of a good payload; one signed by an unknown key). A payload
    signed by a key the service trusts but the firmware does not passes the service and
    is refused by pvmfw inside the VM: reboot reason 3 on the console, REBOOT."""
    tampered = tmp_path / "tampered.payload"
    data = bytearray(open(SCENARIO_PAYLOAD, "rb").read())
    data[len(data) // 2] ^= 0x10
    tampered.write_bytes(bytes(data))
    service_only = str(tmp_path / "service-only.payload")
    r = sh(AVF_SIGN, "sign", "--key", os.path.join(material["dir"], "trusted.key"),
           "--version", "1", "--mem-size", "0x400000", SCENARIO_BIN, service_only)
    assert r.returncode == 0, r.stderr
    d = protected_daemon(pkeys)
    try:
        for payload in (str(tampered), material["foreign"]):
            r = d.avf("run", "--protected", "--mem", "32", payload)
            assert r.returncode == 5, r.stderr
            assert r.stderr.endswith("died: PAYLOAD_VERIFICATION_FAILED\n"), r.stderr
            assert r.stdout == ""            # no VMM, no console
        r = d.avf("run", "--protected", "--mem", "32", service_only, timeout=300)
        assert (r.returncode, r.stderr) == (32, "avf: VM 3 died: REBOOT\n")
        assert r.stdout == ("pvmfw: key_id is not the trusted key's\n"
                            "pvmfw: reboot-reason 3 PayloadVerificationError\n")
    finally:
        stop_daemon(d)


def test_protected_needs_the_protected_policy(pkeys, tmp_path):
    policy = tmp_path / "policy"
    policy.write_text("allow-create all\nallow-protected uid:%d\n" % (os.getuid() + 1))
    d = Daemon(pkeys, "--pvmfw", PVMFW, "--policy", str(policy)).start()
    try:
        r = d.avf("run", "--protected", "--mem", "32", HELLO_PAYLOAD)
        assert (r.returncode, r.stderr) == (
            3, "avf: create: uid %d may not create protected VMs (policy)\n" % os.getuid())
        assert d.list() == []
    finally:
        stop_daemon(d)
