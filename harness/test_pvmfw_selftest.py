"""The pvmfw-like firmware (stack/guest/pvmfw, docs/PAYLOAD.md) booting protected VMs on
the real hyp: a signed payload runs with the expected handover; tampered, unsigned,
truncated, rolled-back payloads, bad DTs and a missing config are refused with their
reboot reason on the console and the host channel; the device secret never survives in
guest memory. The same firmware bytes on the sim backend and on real KVM (plain and pKVM)
in the rig must give the same verdicts.
"""
import os
import re
import subprocess

import pytest

from simlib import rig as riglib

REPO = riglib.REPO
SCENARIOS = ["good-payload", "debug-instance", "hello-runtime", "hello-debug", "dice-runtime", "tampered", "unknown-key", "unsigned",
             "truncated", "rollback", "no-avf", "no-config", "bad-dt", "dt-not-memory"]


def verdicts(text, backend):
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
    assert not failed, "\n".join(failed) + "\n" + text


def test_pvmfw_selftest_on_sim():
    binary = os.path.join(REPO, "build", "san", "bin", "pvmfw-selftest")
    done = subprocess.run([binary], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=600)
    text = done.stdout.decode()
    assert_all_pass(text, "sim")
    assert done.returncode == 0, text


@pytest.mark.parametrize("mode", riglib.MODES)
def test_pvmfw_selftest_on_kvm(mode):
    binary = os.path.join(REPO, "build", "cross", "bin", "pvmfw-selftest")
    r = riglib.run(["pvmfw-selftest", "--backend", "kvm"], mode=mode, files=(binary,),
                   timeout=400)
    assert r.status is not None, r.describe()
    assert_all_pass(r.text, "kvm")
    assert r.status == 0, r.describe()
