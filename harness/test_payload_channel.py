"""The VMM's payload channel, its test calls and its injected crashes, through avf-vmm on
the sim, driven by the scenario payload (stack/guest/payloads/scenario, docs/RUNTIME.md
"The scenario payload"; docs/VMM.md "Payload channel" and "Scenario hooks").

The payload is the real signed image, booted as a protected VM through the real pvmfw
and the runtime; its script comes from the command line (--append). The payload's reports
(ready / finished / error) must reach a Unix listener at <vsock path>_5000 as the lines
the service reads (docs/SERVICE.md, "payload service").
"""
import os
import signal
import socket
import subprocess
import tempfile

from simlib import rig as riglib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIM_VMM = os.path.join(REPO, "build", "san", "bin", "avf-vmm")
PVMFW = os.path.join(REPO, "build", "guest", "img", "pvmfw-dev.bin")
SCENARIO = os.path.join(REPO, "build", "guest", "img", "payload-scenario.payload")

BOOT = ["pvmfw: payload version 1, key id ccfcf4f13dc79b7f, entry 0x80000000",
        "runtime: payload version 1, normal mode, 32 MiB RAM"]


def run(script, env_faults=None, extra=(), relay=True, name="scn"):
    """Run the scenario payload with this script: (status, console lines, stderr, relay)."""
    env = dict(os.environ)
    env.pop("AVF_FAULTS", None)
    if env_faults is not None:
        env["AVF_FAULTS"] = env_faults
    with tempfile.TemporaryDirectory(prefix="avf-pc-") as d:
        uds = os.path.join(d, "vsock")
        listener = None
        if relay:
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(uds + "_5000")
            listener.listen(1)
        args = [SIM_VMM, "run", "--protected", "--pvmfw", PVMFW, "--mem", "32",
                "--name", name, "--vsock", "3," + uds] + list(extra)
        if script is not None:
            args += ["--append", "scenario=" + script]
        done = subprocess.run(args + [SCENARIO], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env, timeout=300)
        lines = ""
        if listener is not None:
            listener.settimeout(0)
            try:
                conn, _ = listener.accept()
            except BlockingIOError:
                conn = None
            if conn is not None:
                conn.settimeout(10)
                chunks = []
                while True:
                    b = conn.recv(4096)
                    if not b:
                        break
                    chunks.append(b)
                conn.close()
                lines = b"".join(chunks).decode()
            listener.close()
    return done.returncode, done.stdout.decode().splitlines(), done.stderr.decode(), lines


def test_script_runs_to_its_end():
    status, out, err, relay = run("print:hello;ready;mark:1;wait:2;fill:0:0x5a;check:0:0x5a;"
                                  "share:0;mark:3;wait:4;unshare:0;hvc:0xc6000420:1;finish:7")
    assert status == 0, err
    assert out == BOOT + [
        "scenario: 12 commands, scratch 0x80800000 (16 pages)",
        "scenario: hello",
        "scenario: ready",
        "scenario: mark 1",
        "scenario: wait 2 released",        # no hook in avf-vmm: every token is released
        "scenario: fill page 0 with 0x5a",
        "scenario: check page 0 ok",
        "scenario: share page 0 (0x80800000) -> 0",
        "scenario: mark 3",
        "scenario: wait 4 released",
        "scenario: unshare page 0 (0x80800000) -> 0",
        "scenario: hvc 0xc6000420 -> 0xffffffffffffffff",  # nobody answers: NOT_SUPPORTED
        "runtime: payload exited with 7",
    ]
    assert err.splitlines() == ["vmm: scn: mark 1", "vmm: scn: mark 3"]
    assert relay == "ready\nfinished 7\n"


def test_error_reports_are_relayed():
    status, out, err, relay = run("error:-5;ready;finish:-2")
    assert status == 0, err
    assert out[-1] == "runtime: payload exited with -2"
    assert relay == "error -5 scenario error -5\nready\nfinished -2\n"


def test_without_listener_the_vm_runs_on():
    status, out, err, relay = run("ready;finish:0", relay=False)
    assert status == 0, err
    assert out[-1] == "runtime: payload exited with 0"
    assert "payload relay: connect" in err and "_5000" in err


def test_bad_script_runs_nothing():
    status, out, err, relay = run("ready;bogus:1;finish:0")
    assert status == 0, err
    assert out == BOOT + ["scenario: bad script: unknown command in 'bogus:1'",
                          "runtime: payload exited with 2"]
    assert relay == "error 2 bad script: unknown command in 'bogus:1'\nfinished 2\n"


def test_no_script():
    status, out, err, relay = run(None)
    assert status == 0, err
    assert out[-2:] == ["scenario: bad script: no scenario= in /chosen/bootargs",
                        "runtime: payload exited with 2"]
    assert relay == "error 2 bad script: no scenario= in /chosen/bootargs\nfinished 2\n"


def test_failed_check():
    status, out, err, relay = run("fill:1:7;check:1:8;finish:0")
    assert status == 0, err
    assert out[-2:] == ["scenario: check page 1: byte +0x0 is 0x07, not 0x08",
                        "runtime: payload exited with 3"]
    assert relay == "error 3 check page 1: byte +0x0 is 0x07, not 0x08\nfinished 3\n"


def test_touch_outside_the_vm_is_fatal():
    """An address with no memory behind it: the guest takes the abort, the runtime
    reports a panic (code -1) and resets: the VMM exits 32 (reboot)."""
    status, out, err, relay = run("ready;touch:0x90000000;finish:0")
    assert status == 32, err
    assert out[-2] == "scenario: touch 0x90000000"
    assert out[-1].startswith("runtime: panic: unexpected exception: vector 4, ESR 0x96000010")
    assert out[-1].endswith("FAR 0x90000000")
    assert relay.startswith("ready\nerror -1 unexpected exception: vector 4")
    assert relay.count("\n") == 2


def test_panic():
    status, out, err, relay = run("panic:oops")
    assert status == 32, err
    assert out[-1] == "runtime: panic: oops"
    assert relay == "error -1 oops\n"


def test_spin_is_never_ready():
    status, out, err, relay = run("spin", extra=["--max-insns", "30000000"])
    assert status == 124, err
    assert out[-1] == "scenario: spinning"
    assert relay == ""


# ---- injected VMM crashes (AVF_FAULTS) --------------------------------------------------

def test_bad_fault_spec_is_refused():
    status, out, err, relay = run("finish:0", env_faults="vmm.crash.sometimes")
    assert status == 1
    assert out == []
    assert err == "avf-vmm: AVF_FAULTS: unknown fault point 'vmm.crash.sometimes'\n"


def test_crash_at_boot_is_sigabrt():
    status, out, err, relay = run("ready;finish:0", env_faults="vmm.crash.boot")
    assert status == -signal.SIGABRT
    assert out == []
    assert "vmm: scn: injected fault: vmm.crash.boot: aborting" in err
    assert relay == ""


def test_crash_at_ready_is_sigabrt():
    status, out, err, relay = run("print:before;ready;print:after;finish:0",
                                  env_faults="vmm.crash.ready:vm=scn")
    assert status == -signal.SIGABRT
    assert out[-2:] == ["scenario: before", "scenario: ready"]
    assert "vmm: scn: injected fault: vmm.crash.ready: aborting" in err
    assert relay == ""


def test_crash_on_mmio_is_sigabrt():
    status, out, err, relay = run("finish:0", env_faults="vmm.crash.mmio:at=1")
    assert status == -signal.SIGABRT
    assert out == []                      # pvmfw's first console byte is the first MMIO
    assert "injected fault: vmm.crash.mmio: aborting" in err


def test_fault_for_another_vm_does_not_fire():
    status, out, err, relay = run("ready;finish:0", env_faults="vmm.crash.ready:vm=other")
    assert status == 0, err
    assert relay == "ready\nfinished 0\n"


# ---- the same payload on pKVM (the KVM rig, docs/RIG.md) --------------------------------

def test_same_script_on_pkvm():
    """The threaded run loop and real pKVM answer the channel the same way: the console
    is byte-identical to the sim's, the marks are logged, WAIT is released."""
    cross_vmm = os.path.join(REPO, "build", "cross", "bin", "avf-vmm")
    script = ("print:hello;ready;mark:1;wait:2;fill:0:0x5a;check:0:0x5a;share:0;mark:3;"
              "wait:4;unshare:0;hvc:0xc6000420:1;finish:7")
    status, out, err, _ = run(script)
    assert status == 0, err
    r = riglib.run(["avf-vmm", "run", "--backend", "kvm", "--protected", "--pvmfw",
                    "/data/pvmfw.bin", "--mem", "32", "--name", "scn", "--append",
                    "scenario=" + script, "/data/scenario.payload"], mode="protected",
                   files=(cross_vmm, (PVMFW, "/data/pvmfw.bin"),
                          (SCENARIO, "/data/scenario.payload")))
    assert r.status == 0, r.describe()
    lines = r.text.splitlines()
    assert [l for l in lines if not l.startswith(("vmm: ", "avf-vmm: "))] == out, r.describe()
    assert [l for l in lines if l.startswith("vmm: ")] == ["vmm: scn: mark 1",
                                                           "vmm: scn: mark 3"], r.describe()
