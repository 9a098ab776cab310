"""The HAL conformance kit (stack/hal/conformance, docs/HAL.md) on every backend.

`hal-conformance` runs on the sim (the host build) and on real KVM inside the rig
(docs/RIG.md, the cross build added to the initramfs for the run) in both modes: plain
KVM and kvm-arm.mode=protected (pKVM at EL2). The guest code is the same bytes on every
backend (embedded in the program from build/guest/img/halkit.bin).

  test_*_passes_every_check  every check PASSes; a SKIP only where the backend reports the
                             capability the check names as 0
  test_kvm_matches_sim       per check, kvm's verdict is the sim's, except where
                             capabilities explain the difference
  test_kvm_ran_in_the_mode   the kernel log says pKVM ran exactly in protected mode
  test_comparison_table      renders sim | kvm | kvm+pKVM (printed, and written to
                             build/reports/hal_conformance.txt)
  test_kvm_selftest          hal-kvm-selftest (stack/hal/kvm/selftest): what the kit cannot
                             reach in the kvm backend, in both modes
Each program runs once per mode per session (four rig boots, ~10-20 s each).
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import dataclass, field

import pytest

from simlib import rig as riglib

BUILD = os.path.join(riglib.REPO, os.environ.get("BUILD", "build"))
HOST_KIT = os.path.join(BUILD, "host", "bin", "hal-conformance")
CROSS_KIT = os.path.join(BUILD, "cross", "bin", "hal-conformance")
REPORT = os.path.join(BUILD, "reports", "hal_conformance.txt")
# Column label -> how to run the kit.
BACKENDS = {"sim": None, "kvm": "plain", "kvm+pKVM": "protected"}
KVM_COLUMNS = ["kvm", "kvm+pKVM"]

RESULT = re.compile(r"^(PASS|FAIL|SKIP)\s+(\S+)\s+(\S+)\s*(.*)$")
CAPS = re.compile(r"^backend (\S+) capabilities:((?: \w+=-?\d+)+)$")
SUMMARY = re.compile(r"^conformance (\S+): (\d+) passed, (\d+) failed, (\d+) skipped$")
NEEDS = re.compile(r"^needs (\w+)$")


@dataclass
class KitRun:
    label: str
    text: str
    status: int | None
    results: dict = field(default_factory=dict)   # check -> (verdict, detail)
    caps: dict = field(default_factory=dict)      # capability -> value
    summary: tuple | None = None                  # (passed, failed, skipped)
    kmsg: list = field(default_factory=list)

    def describe(self):
        return "%s: exit status %s\n%s" % (self.label, self.status, self.text)


def parse_kit_output(label, text, status=None, kmsg=()):
    """hal-conformance's output -> KitRun; ValueError if a line is not the kit's."""
    run = KitRun(label, text, status, kmsg=list(kmsg))
    for line in text.splitlines():
        if not line.strip():
            continue
        m = RESULT.match(line)
        if m:
            if m.group(3) in run.results:
                raise ValueError("check %s reported twice" % m.group(3))
            run.results[m.group(3)] = (m.group(1), m.group(4).strip())
            continue
        m = CAPS.match(line)
        if m:
            run.caps = {k: int(v) for k, v in
                        (kv.split("=") for kv in m.group(2).split())}
            continue
        m = SUMMARY.match(line)
        if m:
            run.summary = tuple(int(m.group(i)) for i in (2, 3, 4))
            continue
        raise ValueError("%s: unexpected line %r" % (label, line))
    if run.summary is None or not run.caps:
        raise ValueError("%s: no capabilities or summary line:\n%s" % (label, text))
    counts = [sum(v == k for v, _ in run.results.values()) for k in ("PASS", "FAIL", "SKIP")]
    if tuple(counts) != run.summary:
        raise ValueError("%s: summary %s but lines say %s" % (label, run.summary, counts))
    return run


def skip_is_explained(run, check):
    """A SKIP names the capability it needs; it is fine if the backend reports it as 0."""
    verdict, detail = run.results[check]
    m = NEEDS.match(detail)
    return verdict == "SKIP" and m is not None and run.caps.get(m.group(1)) == 0


@functools.lru_cache(maxsize=None)
def kit_checks():
    assert os.path.exists(HOST_KIT), "%s is not built (make host)" % HOST_KIT
    out = subprocess.run([HOST_KIT, "--list"], stdout=subprocess.PIPE, check=True, text=True)
    return tuple(out.stdout.split())


_runs: dict = {}


def kit_run(label):
    """The kit's run for one column of BACKENDS: once per session, failure included."""
    if label not in _runs:
        try:
            _runs[label] = _run_kit(label)
        except AssertionError as e:
            _runs[label] = e
    if isinstance(_runs[label], AssertionError):
        raise AssertionError(str(_runs[label]))
    return _runs[label]


def _run_kit(label):
    mode = BACKENDS[label]
    if mode is None:
        assert os.path.exists(HOST_KIT), "%s is not built (make host)" % HOST_KIT
        done = subprocess.run([HOST_KIT, "--backend", "sim"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=600)
        return parse_kit_output(label, done.stdout, done.returncode)
    assert os.path.exists(CROSS_KIT), "%s is not built (make cross)" % CROSS_KIT
    r = riglib.run(["hal-conformance", "--backend", "kvm"], mode=mode, timeout=300,
                   files=[CROSS_KIT], kmsg="all")
    assert r.rig_error is None and not r.timed_out and r.status is not None, r.describe()
    try:
        return parse_kit_output(label, r.text, r.status, r.kmsg)
    except ValueError as e:
        raise AssertionError("%s\n%s" % (e, r.describe())) from None


def assert_every_check_passes(run):
    assert run.status == 0, run.describe()
    assert sorted(run.results) == sorted(kit_checks()), run.describe()
    bad = [c for c, (v, _) in run.results.items()
           if v == "FAIL" or (v == "SKIP" and not skip_is_explained(run, c))]
    assert bad == [], "%s: %s\n%s" % (run.label, bad, run.describe())


# ---- the parser, without running anything ------------------------------------------------

SAMPLE = """PASS  sim  regs-roundtrip
SKIP  sim  inject-abort                 needs INJECT_ABORT
FAIL  sim  gic-spi                      IRQ handler acknowledged INTID 1023

backend sim capabilities: MAX_VCPUS=64 INJECT_ABORT=0 HOST_REVOKE=1
conformance sim: 1 passed, 1 failed, 1 skipped
"""


def test_parser_reads_verdicts_capabilities_and_summary():
    run = parse_kit_output("sim", SAMPLE)
    assert run.results == {"regs-roundtrip": ("PASS", ""),
                           "inject-abort": ("SKIP", "needs INJECT_ABORT"),
                           "gic-spi": ("FAIL", "IRQ handler acknowledged INTID 1023")}
    assert run.caps == {"MAX_VCPUS": 64, "INJECT_ABORT": 0, "HOST_REVOKE": 1}
    assert run.summary == (1, 1, 1)
    assert skip_is_explained(run, "inject-abort")
    assert not skip_is_explained(run, "regs-roundtrip")


def test_parser_rejects_what_is_not_the_kit():
    with pytest.raises(ValueError, match="summary"):
        parse_kit_output("sim", SAMPLE.replace("1 skipped", "2 skipped"))
    with pytest.raises(ValueError, match="unexpected line"):
        parse_kit_output("sim", "Segmentation fault\n" + SAMPLE)
    with pytest.raises(ValueError, match="no capabilities"):
        parse_kit_output("sim", "PASS  sim  regs-roundtrip\n")
    # A SKIP whose capability the backend does have is not explained.
    run = parse_kit_output("sim", SAMPLE.replace("INJECT_ABORT=0", "INJECT_ABORT=1"))
    assert not skip_is_explained(run, "inject-abort")


# ---- the backends ---------------------------------------------------------------------------

def test_sim_passes_every_check():
    assert_every_check_passes(kit_run("sim"))


@pytest.mark.parametrize("label", KVM_COLUMNS)
def test_kvm_passes_every_check(label):
    assert_every_check_passes(kit_run(label))


@pytest.mark.parametrize("label", KVM_COLUMNS)
def test_kvm_matches_sim(label):
    sim, kvm = kit_run("sim"), kit_run(label)
    unexplained = []
    for check in kit_checks():
        a, b = sim.results[check][0], kvm.results[check][0]
        if a == b:
            continue
        # Only PASS on one side and an explained SKIP on the other may differ.
        explained = ({a, b} == {"PASS", "SKIP"} and
                     skip_is_explained(sim if a == "SKIP" else kvm, check))
        if not explained:
            unexplained.append("%s: sim %s, %s %s" % (check, a, label, b))
    assert unexplained == [], "\n".join(unexplained)


@pytest.mark.parametrize("label", KVM_COLUMNS)
def test_kvm_ran_in_the_mode(label):
    """The protected column really ran under pKVM; the plain one did not."""
    kmsg = "\n".join(kit_run(label).kmsg)
    m = re.search(r"kvm \[\d+\]: (.*) mode initialized successfully", kmsg)
    assert m, "no KVM initialisation line in the kernel log:\n" + kmsg[-3000:]
    assert m.group(1).startswith("Protected ") == (BACKENDS[label] == "protected"), m.group(0)


@pytest.mark.parametrize("label", KVM_COLUMNS)
def test_kvm_capabilities_are_what_docs_say(label):
    """docs/HAL.md's kvm column, on the rig's kernel (Linux 6.12, no protected VMs)."""
    caps = kit_run(label).caps
    want = {"THREADED_VCPUS": 1, "IDLE_EXIT": 0, "BUDGET": 0, "VIRTUAL_TIME": 0,
            "DETERMINISTIC": 0, "SNAPSHOT": 0, "S2_ABORT_EXIT": 1, "S2_EXEC_CONTROL": 0,
            "S2_FETCH_ABORT": 0, "INJECT_ABORT": 1, "HOST_REVOKE": 1, "EL2_ISOLATION": 0,
            "PROTECTED_VM": 0, "STATE_HASH": 0, "MAX_IPA_BITS": 48}
    assert {k: caps.get(k) for k in want} == want
    assert caps["MAX_VCPUS"] >= 2


def render_table(runs):
    labels = list(runs)
    width = max(len(c) for c in kit_checks()) + 2
    lines = ["HAL conformance kit: verdict per check and backend (docs/HAL.md)",
             "%-*s%s" % (width, "check", "".join("%-10s" % l for l in labels))]
    for check in kit_checks():
        lines.append("%-*s%s" % (width, check, "".join(
            "%-10s" % runs[l].results.get(check, ("-",))[0] for l in labels)))
    caps = sorted(set().union(*(r.caps for r in runs.values())))
    differ = [c for c in caps if len({r.caps.get(c) for r in runs.values()}) > 1]
    lines.append("")
    lines.append("%-*s%s" % (width, "capabilities that differ:",
                               "".join("%-10s" % l for l in labels)))
    for c in differ:
        lines.append("%-*s%s" % (width, "  " + c, "".join(
            "%-10s" % runs[l].caps.get(c, "-") for l in labels)))
    return "\n".join(lines) + "\n"


def test_comparison_table(capsys):
    runs = {label: kit_run(label) for label in BACKENDS}
    table = render_table(runs)
    os.makedirs(os.path.dirname(REPORT), exist_ok=True)
    with open(REPORT, "w") as f:
        f.write(table)
    with capsys.disabled():
        print("\n" + table)
    rows = table.splitlines()[2:2 + len(kit_checks())]
    assert [r.split()[0] for r in rows] == list(kit_checks())
    assert all(len(r.split()) == 1 + len(BACKENDS) for r in rows)


# ---- the kvm backend's own selftest -----------------------------------------------------

SELFTEST_CHECKS = ["stage2-change-while-running", "mmio-sign-extension-mmu-on",
                   "s2-no-read-and-no-af", "smccc-routing", "refusals"]


@pytest.mark.parametrize("label", KVM_COLUMNS)
def test_kvm_selftest(label):
    r = riglib.run(["hal-kvm-selftest"], mode=BACKENDS[label], timeout=300)
    assert r.rig_error is None and not r.timed_out, r.describe()
    lines = r.text.splitlines()
    verdicts = {l.split()[1].rstrip(":"): l.split()[0] for l in lines
                if l.split()[:1] in (["PASS"], ["FAIL"])}
    assert verdicts == {c: "PASS" for c in SELFTEST_CHECKS}, r.describe()
    assert lines[-1] == "hal-kvm-selftest: %d passed, 0 failed" % len(SELFTEST_CHECKS)
    assert r.status == 0, r.describe()
