"""Run commands inside the KVM test rig from Python (docs/RIG.md).

The rig boots Debian's arm64 kernel in qemu-system-aarch64 with real KVM at EL2 and runs
one command per boot from its initramfs. This module drives scripts/rig/run, which does the
work, and hands back what happened:

    from simlib import rig
    result = rig.run(["kvm-smoke", "--expect-mode", "plain"], mode="plain")
    assert result.status == 0, result.describe()

Programs in the base initramfs (build/rig/initramfs.cpio, from `make rig-prep`) are on the
command's PATH (/bin); `files` adds more for one run.
"""
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import List, Optional

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = os.path.join(REPO, "scripts", "rig", "run")
MODES = ("plain", "protected")
EXIT_TIMEOUT = 124
EXIT_RIG_ERROR = 125


def default_initrd() -> str:
    """The base initramfs: $AVF_RIG_INITRD, else build/rig/initramfs.cpio."""
    return os.environ.get("AVF_RIG_INITRD") or os.path.join(REPO, "build", "rig",
                                                           "initramfs.cpio")


@dataclass
class RigResult:
    exit: int                    # scripts/rig/run's exit status
    status: Optional[int]        # the command's (128+N for signal N); None if it never ended
    output: bytes                # its stdout and stderr, merged, byte-exact
    timed_out: bool
    rig_error: Optional[str]     # set when the rig itself failed
    kmsg: List[str] = field(default_factory=list)  # kernel log replayed after the command
    log: str = ""                # everything else the console and QEMU printed
    boot_seconds: Optional[float] = None
    total_seconds: Optional[float] = None

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", "replace")

    def describe(self) -> str:
        """A failure message with everything needed to see why."""
        return ("rig exit %s, command status %s, timed out %s, rig error %s\n"
                "--- output ---\n%s\n--- console log (tail) ---\n%s"
                % (self.exit, self.status, self.timed_out, self.rig_error, self.text,
                   "\n".join(self.log.splitlines()[-40:])))


def run(command: List[str], mode: str = "plain", timeout: float = 240,
        files: tuple = (), env: Optional[dict] = None, kmsg: str = "run",
        initrd: Optional[str] = None, kernel: Optional[str] = None,
        append: tuple = ()) -> RigResult:
    """Boots the rig, runs `command` in it and returns the result.

    mode     "plain" (KVM at EL2) or "protected" (kvm-arm.mode=protected: pKVM)
    timeout  seconds for the whole run, boot included; QEMU is killed when it passes
    files    (host_path, guest_path) pairs, or host paths that go to /bin/<name>
    env      extra environment for the command
    kmsg     "run": kernel records logged while the command ran; "all": the whole log
    """
    if mode not in MODES:
        raise ValueError("mode must be one of %s" % (MODES,))
    initrd = initrd or default_initrd()
    if not os.path.isfile(initrd):
        raise FileNotFoundError("%s is missing: run `make rig-prep` first" % initrd)
    with tempfile.TemporaryDirectory(prefix="riglib-") as tmp:
        res_path, log_path = os.path.join(tmp, "result.json"), os.path.join(tmp, "log")
        argv = [RUN, "--mode", mode, "--timeout", str(timeout), "--initrd", initrd,
                "--kmsg", kmsg, "--result", res_path, "--log", log_path]
        if kernel:
            argv += ["--kernel", kernel]
        for f in files:
            argv += ["--file", f if isinstance(f, str) else "%s:%s" % tuple(f)]
        for key, value in (env or {}).items():
            argv += ["--env", "%s=%s" % (key, value)]
        for a in append:
            argv += ["--append", a]
        done = subprocess.run(argv + ["--"] + list(command), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                              timeout=timeout + 120)
        log = _read(log_path) + done.stderr.decode("utf-8", "replace")
        try:
            with open(res_path) as f:
                res = json.load(f)
        except (OSError, ValueError):
            res = {"rig_error": "scripts/rig/run wrote no result (exit %d)" % done.returncode}
    return RigResult(exit=done.returncode, status=res.get("status"), output=done.stdout,
                     timed_out=bool(res.get("timed_out")), rig_error=res.get("rig_error"),
                     kmsg=res.get("kmsg", []), log=log,
                     boot_seconds=res.get("boot_seconds"),
                     total_seconds=res.get("total_seconds"))


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""
