"""sim-risu: random A64 instruction sequences run on qemu-aarch64 (the oracle, through
build/cross/risu/risu-runner) and on the sim must leave the same registers, flags, FP
status and memory (sim/risu/, docs/SIM.md "Differential testing with sim-risu").

A quick campaign for `make test`: two seeds of 3000 tests each (a few seconds). The long
campaign is `make risu RISU_SEED=... RISU_COUNT=...`.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from simlib import qemu

SIM_RISU = qemu.build_dir() / "host" / "bin" / "sim-risu"
RUNNER = qemu.build_dir() / "cross" / "risu" / "risu-runner"


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    assert SIM_RISU.exists(), f"{SIM_RISU} is not built (make host)"
    assert RUNNER.exists(), f"{RUNNER} is not built (make {RUNNER.relative_to(qemu.REPO_ROOT)})"
    if shutil.which("qemu-aarch64") is None:
        pytest.fail("qemu-aarch64 not found (scripts/deps.sh installs qemu-user)")
    return subprocess.run([str(SIM_RISU), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=qemu.REPO_ROOT)


@pytest.mark.parametrize("seed", [1, 20240611])
def test_risu_campaign(seed):
    run = _run("--seed", str(seed), "--count", "3000")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr
    assert (f"sim-risu: seed {seed}: 3000 tests from 0, length 24, groups all: 0 failed"
            in run.stdout), run.stdout[-2000:]


def test_risu_detects_a_difference():
    """The tester can fail: QEMU's cortex-a72 lacks the LSE atomics the sim executes, so
    the first test with one must be reported, with its seed, index and disassembly."""
    run = _run("--seed", "5", "--count", "50", "--groups", "atomic",
               "--qemu-cpu", "cortex-a72")
    assert run.returncode == 1, run.stdout + run.stderr
    out = run.stdout
    assert "sim-risu: MISMATCH: seed 5, test 0" in out, out
    assert "end of run: qemu UNDEFINED" in out, out
    assert "reproduce: sim-risu --seed 5 --start 0 --count 1" in out, out
    assert "==> " in out, out                  # the culprit, marked in the disassembly
    assert "first disagreement after instruction" in out, out


def test_risu_is_deterministic():
    """Everything derives from --seed: two runs print the same sequences."""
    args = ("--seed", "77", "--start", "10", "--count", "3", "--show")
    first, second = _run(*args), _run(*args)
    assert first.returncode == 0 and second.returncode == 0, first.stdout + first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.count("brk\t#0x5a5") == 3, first.stdout


def test_risu_rejects_bad_options():
    run = _run("--groups", "alu,nonsense")
    assert run.returncode == 2
    assert "--groups: unknown group in 'alu,nonsense'" in run.stderr
