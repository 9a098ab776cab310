"""Run a bare-metal guest image on QEMU's virt board or on `avf-sim run`.

Both runners return a RunResult with the console output (bytes, exactly as the guest
wrote it) and the exit status. A guest ends a run with PSCI SYSTEM_OFF, after which
QEMU (with -no-reboot) and avf-sim exit 0. A run that outlives its timeout is killed and
reported with timed_out=True and exit status 124 (the kvm-unit-tests convention).
"""
from __future__ import annotations

import dataclasses
import os
import pathlib
import shutil
import subprocess

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
TIMEOUT_STATUS = 124

# QEMU's virt board with a GICv3 and PSCI over HVC (the guest starts at EL1), 128 MiB of
# RAM as the guest runtime's default map assumes, no NIC (its option ROM is not
# installed), console on stdio.
QEMU_BASE_ARGS = ("-M", "virt,gic-version=3", "-m", "128M", "-nographic", "-no-reboot",
                  "-net", "none")


@dataclasses.dataclass(frozen=True)
class RunResult:
    argv: tuple[str, ...]
    output: bytes          # the guest console (stdout of the runner)
    stderr: bytes
    exit_status: int
    timed_out: bool

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")

    def describe(self) -> str:
        """A few lines for assertion messages."""
        status = "timed out" if self.timed_out else f"exit status {self.exit_status}"
        err = self.stderr.decode("utf-8", errors="replace").strip()
        return f"{' '.join(self.argv)}: {status}" + (f"\nstderr:\n{err}" if err else "")


def build_dir() -> pathlib.Path:
    """The build tree (the Makefile's BUILD, default build/ under the repository)."""
    return REPO_ROOT / os.environ.get("BUILD", "build")


def guest_image(name: str) -> pathlib.Path:
    return build_dir() / "guest" / "img" / f"{name}.elf"


def avf_sim_binary() -> pathlib.Path:
    return build_dir() / "host" / "bin" / "avf-sim"


def _run(argv: list[str], timeout: float) -> RunResult:
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=REPO_ROOT)
    try:
        out, err = proc.communicate(timeout=timeout)
        return RunResult(tuple(argv), out, err, proc.returncode, False)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return RunResult(tuple(argv), out, err, TIMEOUT_STATUS, True)


def qemu_binary() -> str:
    path = shutil.which("qemu-system-aarch64")
    if path is None:
        raise FileNotFoundError("qemu-system-aarch64 not found (scripts/deps.sh installs "
                                "qemu-system-arm)")
    return path


def run_qemu(image: os.PathLike | str, *, smp: int = 1, cpu: str = "cortex-a72",
             timeout: float = 60.0, icount: int | None = None,
             extra_args: tuple[str, ...] = ()) -> RunResult:
    """Run image on qemu-system-aarch64 -M virt,gic-version=3.

    icount: if given, `-icount shift=N`: guest time follows the instruction count
    instead of the host clock (used to show that an image's output does not depend on
    timing).
    """
    argv = [qemu_binary(), *QEMU_BASE_ARGS, "-cpu", cpu, "-smp", str(smp)]
    if icount is not None:
        argv += ["-icount", f"shift={icount}"]
    argv += [*extra_args, "-kernel", str(image)]
    return _run(argv, timeout)


def run_avf_sim(image: os.PathLike | str, *, smp: int = 1, timeout: float = 120.0,
                extra_args: tuple[str, ...] = ()) -> RunResult:
    """Run image on the simulator's board: `avf-sim run IMAGE --smp N`."""
    binary = avf_sim_binary()
    if not binary.exists():
        raise FileNotFoundError(f"{binary} is not built (make host)")
    argv = [str(binary), "run", str(image), "--smp", str(smp), *extra_args]
    return _run(argv, timeout)
