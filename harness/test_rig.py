"""The KVM test rig (docs/RIG.md): real arm64 KVM inside qemu-system-aarch64.

Boot tests (each boots the rig once, ~5-10 s; the timeout test waits its timeout out):
kvm-smoke in both KVM modes, how a command's arguments, environment, files, output bytes
and status travel, a command that cannot be executed, and the timeout.
Parser tests (no boot): how scripts/rig/run splits the console stream.
Needs `make rig-prep` (the Makefile's harness target does it).
"""
import importlib.machinery
import importlib.util
import io
import os

import pytest

from simlib import rig as riglib

SMOKE_CHECKS = [
    "kvm-mode", "open-dev-kvm", "api-version", "cap-arm-vm-ipa-size", "cap-one-reg",
    "cap-arm-psci-0-2", "vcpu-mmap-size", "create-vm", "smccc-filter-supported", "memslot",
    "create-vcpu", "vcpu-init", "set-pc", "vgic-v3-create", "vgic-v3-addresses",
    "vgic-v3-init", "smccc-filter-fwd-to-user", "smccc-filter-overlap-refused",
    "mmio-write", "mmio-read", "hvc-forwarded", "hvc-argument", "hvc-exit-pc",
    "hvc-return", "psci-in-kernel", "vgic-in-kernel", "psci-system-off",
]


def check_lines(text):
    """{check name: (passed, line)} from kvm-smoke's "PASS name: ..." lines."""
    checks = {}
    for line in text.splitlines():
        verdict, _, rest = line.partition(" ")
        if verdict in ("PASS", "FAIL"):
            checks[rest.split(":", 1)[0]] = (verdict == "PASS", line)
    return checks


@pytest.mark.parametrize("mode", riglib.MODES)
def test_kvm_smoke_passes_every_check(mode):
    r = riglib.run(["kvm-smoke", "--expect-mode", mode], mode=mode)
    assert r.exit == 0 and r.status == 0, r.describe()
    checks = check_lines(r.text)
    assert sorted(checks) == sorted(SMOKE_CHECKS), r.describe()
    failed = [line for ok, line in checks.values() if not ok]
    assert failed == [], r.describe()
    assert r.text.splitlines()[-1] == "kvm-smoke: %d passed, 0 failed" % len(SMOKE_CHECKS)
    want_mode = "Protected hVHE mode" if mode == "protected" else "VHE mode initialized"
    assert want_mode in checks["kvm-mode"][1], r.describe()


def test_command_io_travels_byte_exact(tmp_path):
    blob = bytes(range(256)) * 3 + b"\r\n\n\0end"
    (tmp_path / "blob").write_bytes(blob)
    r = riglib.run(["rig-probe", "args", "3", "a b", "", "@@RIG:x:END status=0@@",
                    "env", "RIG_GREETING", "env", "RIG_UNSET", "cat", "/data/blob",
                    "bytes", "noeol", "tail", "exit", "7"],
                   files=[(str(tmp_path / "blob"), "/data/blob")],
                   env={"RIG_GREETING": "hello world"})
    want = (b"[a b]\n[]\n[@@RIG:x:END status=0@@]\n"
            b"RIG_GREETING=hello world\nRIG_UNSET unset\n" + blob + bytes(range(256)) + b"tail")
    assert r.exit == 7 and r.status == 7, r.describe()
    assert r.output == want, r.describe()
    assert not r.timed_out and r.rig_error is None


def test_command_that_cannot_execute_reports_127():
    r = riglib.run(["no-such-program", "x"])
    assert r.exit == 127 and r.status == 127, r.describe()
    assert r.text == "rig-init: cannot execute no-such-program: No such file or directory\n"


def test_timeout_kills_the_machine_and_keeps_partial_output():
    # 60 s is ten idle boots' worth here and three on a machine loaded to 10 runnable
    # processes per core pair; the probe must be seen running before it hangs.
    r = riglib.run(["rig-probe", "hang"], timeout=60)
    assert r.exit == riglib.EXIT_TIMEOUT, r.describe()
    assert r.timed_out and r.status is None
    assert r.output == b"hang: waiting\n", r.describe()


# ---- the console parser of scripts/rig/run, without booting ---------------------------

def load_run_script():
    path = os.path.join(riglib.REPO, "scripts", "rig", "run")
    loader = importlib.machinery.SourceFileLoader("rig_run", path)
    spec = importlib.util.spec_from_loader("rig_run", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


class Log:
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s


def parse(stream, chunk=1):
    """Feeds `stream` to a Console in pieces of `chunk` bytes; returns (console, out, log)."""
    rig_run = load_run_script()
    out, log = io.BytesIO(), Log()
    console = rig_run.Console("n0nce", out, log)
    for i in range(0, len(stream), chunk):
        console.feed(stream[i:i + chunk])
    console.finish()
    return console, out.getvalue(), log.text


CONSOLE = (b"[    0.1] kernel noise\r\n\n@@RIG:n0nce:BEGIN@@\n"
           b"line 1\r\n\nno newline at end\n@@RIG:n0nce:END status=3@@\n"
           b"@@RIG:n0nce:KMSG@@\n<4>[1.000000] kvm: a warning\n@@RIG:n0nce:DONE@@\n"
           b"[    2.0] reboot: Power down\r\n")


@pytest.mark.parametrize("chunk", [1, 7, len(CONSOLE)])
def test_console_separates_output_status_and_kernel_log(chunk):
    console, out, log = parse(CONSOLE, chunk)
    assert out == b"line 1\r\n\nno newline at end"
    assert console.status == 3 and console.error is None and console.state == "done"
    assert console.kmsg == ["<4>[1.000000] kvm: a warning"]
    assert "kernel noise" in log and "reboot: Power down" in log and "line 1" not in log


def test_console_ignores_markers_with_another_nonce():
    stream = (b"\n@@RIG:n0nce:BEGIN@@\n@@RIG:forged:END status=0@@\n"
              b"\n@@RIG:n0nce:END status=1@@\n")
    console, out, _ = parse(stream)
    assert console.status == 1
    assert out == b"@@RIG:forged:END status=0@@\n"


def test_console_keeps_output_of_an_unfinished_command():
    console, out, _ = parse(b"noise\n\n@@RIG:n0nce:BEGIN@@\npartial\nline without end")
    assert console.status is None and console.state == "command"
    assert out == b"partial\nline without end"


def test_console_reports_rig_init_errors():
    console, out, log = parse(b"\n@@RIG:n0nce:ERROR /rig/argv: Invalid argument@@\n")
    assert console.error == "/rig/argv: Invalid argument"
    assert console.status is None and out == b""
    assert "rig-init error: /rig/argv: Invalid argument" in log
