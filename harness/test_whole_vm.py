"""The whole-VM fuzz target (fuzz/whole_vm/, docs/FUZZING.md): its seed corpus runs
clean, every seed gets through its script, and the oracles fire when the system under
test is broken on purpose (WVM_BREAK=host_view gives the host the agent's private
arena, as a broken hyp or HAL would)."""
import re
import subprocess

import pytest

from simlib.qemu import REPO_ROOT, build_dir

CORPUS = REPO_ROOT / "fuzz" / "corpus" / "whole_vm"


@pytest.fixture(scope="module")
def target():
    binary = build_dir() / "fuzz" / "fuzz" / "whole_vm"
    subprocess.run(["make", "--no-print-directory", "-s", str(binary.relative_to(REPO_ROOT))],
                   cwd=REPO_ROOT, check=True)
    return binary


def run(target, inputs, env=None, timeout=300):
    import os
    return subprocess.run([str(target), *map(str, inputs)], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=timeout, env=dict(os.environ, **(env or {})))


def test_seeds_run_to_the_end(target):
    seeds = sorted(CORPUS.glob("*"))
    assert len(seeds) >= 10
    proc = run(target, seeds, {"WVM_TRACE": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    states = re.findall(r"whole_vm: state (\d+), (\d+) ops", proc.stderr)
    # libFuzzer runs an empty input first; every seed's script then ends (DONE = 4)
    # having run at least two ops.
    assert len(states) >= len(seeds)
    assert all(s == "4" for s, _ in states), states
    assert sum(int(n) >= 2 for _, n in states) >= len(seeds)


def counters(target, seed):
    """(runs, host ops, device faults) of running one seed (libFuzzer may run it twice)."""
    proc = run(target, [CORPUS / seed], {"WVM_STATS": "1", "WVM_TRACE": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = re.findall(r"whole_vm: state .*", proc.stderr)
    assert lines and len(set(lines)) == 1, f"not deterministic: {lines}"
    m = re.search(r"(\d+) host ops, (\d+) device faults", proc.stderr)
    return len(lines), int(m.group(1)), int(m.group(2))


def test_host_ops_are_served(target):
    runs, host_ops, faults = counters(target, "host_attacks")
    assert (host_ops, faults) == (9 * runs, 0)


def test_device_fault_on_an_unshared_page(target):
    # The rng request into the page the guest unshared is refused, then served once the
    # guest shares it again.
    runs, host_ops, faults = counters(target, "unshare_then_dma")
    assert (host_ops, faults) == (0, runs)


def test_device_oracle_fires_on_a_broken_host_view(target):
    # blk_bad points a descriptor at the private arena: with the host view broken the
    # device's access succeeds, which the device oracle must call a breach.
    proc = run(target, [CORPUS / "blk_bad"], {"WVM_BREAK": "host_view"})
    assert proc.returncode != 0
    assert "ORACLE VIOLATION: the VMM read guest page 0x8024" in proc.stderr, proc.stderr[-2000:]


def test_ownership_oracle_fires_on_a_broken_host_view(target):
    proc = run(target, [CORPUS / "probe"], {"WVM_BREAK": "host_view"})
    assert proc.returncode != 0
    assert re.search(r"ORACLE VIOLATION: page 0x[0-9a-f]+: host state 3 but the host view "
                     r"allows it", proc.stderr), proc.stderr[-2000:]
