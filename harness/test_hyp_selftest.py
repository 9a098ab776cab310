"""The hyp's guest-facing calls, driven by real guest code (stack/hyp/selftest/):
MEM_SHARE/UNSHARE/RELINQUISH, MMIO guard, faults on memory a protected guest does not own,
and scrubbing at teardown, on the sim backend and on real KVM (plain and pKVM) in the rig.
The same guest bytes run everywhere; the scenarios and their verdicts must be the same.
"""
import os
import re
import subprocess

import pytest

from simlib import rig as riglib

REPO = riglib.REPO
SCENARIOS = ["mem-share-unshare", "guest-fault-not-owned", "mmio-guard", "mem-relinquish"]


def verdicts(text, backend):
    """{scenario: (passed, line)} from hyp-selftest's "PASS  backend name" lines."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"(PASS|FAIL)\s+(\S+)\s+(\S+)", line)
        if m and m.group(2) == backend:
            out[m.group(3)] = (m.group(1) == "PASS", line)
    return out


def assert_all_pass(text, backend):
    got = verdicts(text, backend)
    assert sorted(got) == sorted(SCENARIOS), "scenarios reported: %s\n%s" % (sorted(got), text)
    failed = [line for ok, line in got.values() if not ok]
    assert not failed, "\n".join(failed)


def test_hyp_selftest_on_sim():
    binary = os.path.join(REPO, "build", "san", "bin", "hyp-selftest")
    done = subprocess.run([binary], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=300)
    text = done.stdout.decode()
    assert_all_pass(text, "sim")
    assert done.returncode == 0, text


@pytest.mark.parametrize("mode", riglib.MODES)
def test_hyp_selftest_on_kvm(mode):
    binary = os.path.join(REPO, "build", "cross", "bin", "hyp-selftest")
    r = riglib.run(["hyp-selftest", "--backend", "kvm"], mode=mode, files=(binary,))
    assert r.status is not None, r.describe()
    assert_all_pass(r.text, "kvm")
    assert r.status == 0, r.describe()
