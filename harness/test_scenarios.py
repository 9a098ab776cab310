"""The scenario runner (docs/SCENARIOS.md) over the suites in scenarios/, in both modes:
every scenario passes or is skipped with a reason, never fails; deterministic runs replay
(the same seed gives the same trace hash for every scenario); bad files are refused with
FILE:LINE:COL messages; failures print what was expected, what happened and a replay
command that reproduces them; swarms report per seed.

The runner is the host build's avf-scenario, so the avfd and avf-vmm next to it are the
host builds too (process mode)."""
import json
import os
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(REPO, "build", "host", "bin")
RUNNER = os.path.join(BIN, "avf-scenario")
AVF = os.path.join(BIN, "avf")
SUITES = os.path.join(REPO, "scenarios")
REPORTS = os.path.join(REPO, "build", "reports")


def run(*args, timeout=1800):
    return subprocess.run([RUNNER, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=REPO)


def records(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def suite(mode, seed=None):
    os.makedirs(REPORTS, exist_ok=True)
    args = ["run", "scenarios", "--mode", mode, "--json", "--keep-going",
            "--junit", os.path.join(REPORTS, "scenarios-%s.xml" % mode)]
    if seed is not None:
        args += ["--seed", str(seed)]
    r = run(*args)
    return r, records(r.stdout)


@pytest.fixture(scope="module")
def det_runs():
    return suite("det")


def test_every_file_is_valid():
    r = run("check", "scenarios")
    assert r.returncode == 0, r.stderr
    n = int(r.stderr.split()[0])
    assert n >= 60, r.stderr


def test_det_suites_pass(det_runs):
    r, recs = det_runs
    failed = [x for x in recs if x["result"] == "fail"]
    assert not failed, r.stderr
    assert r.returncode == 0, r.stderr
    passed = [x for x in recs if x["result"] == "pass"]
    assert len(passed) >= 45, r.stderr
    for x in recs:
        assert x["mode"] == "det" and x["backend"] == "sim"
        if x["result"] == "skip":
            assert x["reason"], x           # every skip says why
            assert x["trace_hash"] is None
        else:
            # A VM whose VMM crashes at boot never runs: 0 ns is possible.
            assert len(x["trace_hash"]) == 16 and x["virtual_ns"] >= 0, x
    assert sum(x["virtual_ns"] or 0 for x in passed) > 0
    assert "scenarios: %d passed, 0 failed, %d skipped" % (
        len(passed), len(recs) - len(passed)) in r.stderr


def test_process_suites_pass():
    r, recs = suite("process")
    failed = [x for x in recs if x["result"] == "fail"]
    assert not failed, r.stderr
    assert r.returncode == 0, r.stderr
    passed = [x for x in recs if x["result"] == "pass"]
    assert len(passed) >= 25, r.stderr
    for x in recs:
        assert x["trace_hash"] is None and x["virtual_ns"] is None
        if x["result"] == "skip":
            assert x["reason"], x


def test_det_replays_with_the_same_seed(det_runs):
    """Every deterministic scenario run again with the same seed gives the same hash."""
    _, first = det_runs
    _, again = suite("det")
    a = {x["name"]: x["trace_hash"] for x in first if x["result"] == "pass"}
    b = {x["name"]: x["trace_hash"] for x in again if x["result"] == "pass"}
    assert a and a == b


def test_seed_changes_the_interleaving():
    """Multi-VM runs under other seeds interleave differently (their traces differ);
    each seed still replays."""
    f = "scenarios/multivm/two-guests.yaml"
    hashes = {}
    for seed in (1, 2, 3, 1):
        r = run("run", f, "--mode", "det", "--seed", str(seed), "--json")
        assert r.returncode == 0, r.stderr
        (x,) = records(r.stdout)
        assert x["seed"] == seed
        assert "seed %d] trace-hash %s" % (seed, x["trace_hash"]) in r.stderr
        hashes.setdefault(seed, set()).add(x["trace_hash"])
    assert len(hashes[1]) == 1
    assert len({next(iter(h)) for h in hashes.values()}) > 1


BAD = [
    ("syntax.yaml", "name: [x\n", "syntax.yaml:2:1: YAML: did not find expected ',' or ']'"),
    ("missing.yaml", "name: x\ndescription: y\nsteps: [{start: a}]\n",
     "missing.yaml:1:1: the scenario: missing 'vms'"),
    ("unknown-step.yaml",
     "name: x\ndescription: y\nvms: {a: {payload: raw-off}}\nsteps: [{launch: a}]\n",
     "unknown-step.yaml:4:10: unknown step 'launch'"),
    ("wrong-type.yaml",
     "name: x\ndescription: y\nvms: {a: {payload: raw-off, vcpus: many}}\nsteps: [{start: a}]\n",
     "wrong-type.yaml:3:36: vcpus: expected an integer, got 'many'"),
    ("unknown-key.yaml",
     "name: x\ndescription: y\nvms: {a: {payload: raw-off}}\nsteps: [{start: a}]\nexpct: []\n",
     "unknown-key.yaml:5:1: unknown key 'expct' in the scenario"),
    ("bad-fault.yaml",
     "name: x\ndescription: y\nvms: {a: {payload: raw-off}}\nfaults: [{point: disk.boom}]\n"
     "steps: [{start: a}]\n",
     "bad-fault.yaml:4:18: point: 'disk.boom' is not a fault point (lib/fault/fault.c)"),
]


@pytest.mark.parametrize("name,text,message", BAD, ids=[b[0] for b in BAD])
def test_bad_file(tmp_path, name, text, message):
    p = tmp_path / name
    p.write_text(text)
    for cmd in ("run", "check"):
        r = run(cmd, str(p))
        assert r.returncode == 2
        assert r.stderr == str(tmp_path) + "/" + message + "\n"
        assert r.stdout == ""


def test_a_bad_file_stops_the_whole_run(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("name: g\ndescription: y\nvms: {a: {payload: raw-off}}\nsteps: [{start: a}]\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: b\n")
    r = run("run", str(tmp_path), "--mode", "det")
    assert r.returncode == 2
    assert "bad.yaml:1:1: the scenario: missing 'description'" in r.stderr
    assert "PASS" not in r.stderr


def test_duplicate_names(tmp_path):
    for n in ("one", "two"):
        (tmp_path / (n + ".yaml")).write_text(
            "name: same\ndescription: y\nvms: {a: {payload: raw-off}}\nsteps: [{start: a}]\n")
    r = run("check", str(tmp_path))
    assert r.returncode == 2
    assert r.stderr == "%s/two.yaml:1:1: scenario 'same' is also defined at %s/one.yaml\n" % (
        tmp_path, tmp_path)


def test_failure_says_where_what_and_how_to_replay(tmp_path):
    p = tmp_path / "wrong.yaml"
    p.write_text("name: wrong\ndescription: expects the wrong death\nmodes: [det]\n"
                 "vms: {a: {payload: raw-reset}}\nsteps:\n  - start: a\n"
                 "  - wait: {vm: a, state: dead, timeout_ms: 1000}\n"
                 "  - expect: {vm: a, death: shutdown}\n")
    r = run("run", str(p), "--seed", "5", "--json")
    assert r.returncode == 1
    (x,) = records(r.stdout)
    assert x["result"] == "fail"
    assert x["reason"] == ("%s:8:5: step 3 (expect): vm a: death: expected shutdown, got "
                           "reboot: vcpu 0: the guest asked for a reset (PSCI SYSTEM_RESET)"
                           % p)
    lines = r.stderr.splitlines()
    assert lines[0].startswith("FAIL wrong [det sim seed 5] trace-hash " + x["trace_hash"])
    assert "  " + x["reason"] in lines
    replay = [l for l in lines if l.startswith("  replay: ")]
    assert replay == ["  replay: avf scenario run %s --mode det --backend sim --seed 5" % p]
    # The replay command (through the avf hand-off) reproduces the same run.
    again = subprocess.run([AVF] + replay[0].split()[2:] + ["--json"], capture_output=True,
                           text=True, timeout=600)
    assert again.returncode == 1
    (y,) = records(again.stdout)
    assert y["trace_hash"] == x["trace_hash"] and y["reason"] == x["reason"]


def test_host_read_checks_bytes_and_fault(tmp_path):
    """expect_bytes compares what the host read byte for byte (the first difference fails
    the step, saying where); result fault is -EFAULT outside the VM's memory."""
    head = ("name: %s\ndescription: y\nmodes: [det]\nvms: {a: {payload: raw-spin}}\n"
            "steps:\n  - start: a\n  - advance: {ms: 1}\n")
    good = tmp_path / "good.yaml"
    good.write_text(head % "good" +
                    "  - host_write: {vm: a, ipa: 0x80100000, data: \"AB\", result: ok}\n"
                    "  - host_read: {vm: a, ipa: 0x80100000, result: ok, expect_bytes: \"4142\"}\n"
                    "  - host_read: {vm: a, ipa: 0x84000000, size: 1, result: fault}\n"
                    "  - expect: {vm: a, host_result: fault}\n")
    r = run("run", str(good), "--json")
    assert r.returncode == 0, r.stderr
    assert records(r.stdout)[0]["result"] == "pass"
    bad = tmp_path / "bad.yaml"
    bad.write_text(head % "bad" +
                   "  - host_write: {vm: a, ipa: 0x80100000, data: \"AB\", result: ok}\n"
                   "  - host_read: {vm: a, ipa: 0x80100000, result: ok, expect_bytes: \"4143\"}\n")
    r = run("run", str(bad), "--json")
    assert r.returncode == 1
    assert records(r.stdout)[0]["reason"] == (
        "%s:9:5: step 4 (host_read): vm a: IPA 0x80100000: expect_bytes: byte 1 "
        "(IPA 0x80100001) is 0x42, expected 0x43 (1 of 2 bytes differ)" % bad)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(head % "wrong" +
                     "  - host_read: {vm: a, ipa: 0x84000000, size: 1, result: ok}\n")
    r = run("run", str(wrong), "--json")
    assert r.returncode == 1
    assert records(r.stdout)[0]["reason"] == (
        "%s:8:5: step 3 (host_read): vm a: IPA 0x84000000+1: expected ok, got fault "
        "(-EFAULT: outside the VM's memory)" % wrong)


def test_skip_is_counted_as_skip_not_pass(tmp_path):
    p = tmp_path / "detonly.yaml"
    p.write_text("name: detonly\ndescription: y\nvms: {a: {payload: raw-spin}}\n"
                 "steps:\n  - start: a\n  - advance: {ms: 1}\n  - stop: a\n")
    r = run("run", str(p), "--json")
    assert r.returncode == 0, r.stderr
    det, proc = records(r.stdout)
    assert det["result"] == "pass" and proc["result"] == "skip"
    assert proc["reason"] == "%s:6:5: step 2 (advance) needs det mode" % p
    assert "scenarios: 1 passed, 0 failed, 1 skipped" in r.stderr


def test_swarm_reports_per_seed():
    r = run("run", "scenarios/faults/swarm-lifecycle.yaml", "--mode", "det", "--swarm", "4",
            "--seed", "100", "--json")
    assert r.returncode == 0, r.stderr
    recs = records(r.stdout)
    assert [x["swarm_index"] for x in recs] == [0, 1, 2, 3]
    assert [x["seed"] for x in recs] == [100, 101, 102, 103]
    for x in recs:
        for rule in filter(None, x["faults"].split(",")):
            assert rule.split(":")[0] in ("vmm.crash.boot", "vmm.crash.mmio", "hyp.pool_oom",
                                          "hyp.host_call")
    assert len(r.stderr.splitlines()) == 5      # one line per run, then the summary


def test_avf_hands_over():
    r = subprocess.run([AVF, "scenario", "list", "scenarios/lifecycle/shutdown.yaml"],
                       capture_output=True, text=True, timeout=60, cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("lifecycle.shutdown\tdet,process\t")


USAGE = [
    ([], "usage: avf scenario run FILE|DIR..."),
    (["run"], "avf-scenario: run: no FILE or DIR given"),
    (["launch", "x"], "avf-scenario: unknown command 'launch' (run, check, list)"),
    (["run", "--mode", "fast", "scenarios"], "avf-scenario: --mode: 'fast' is not det or process"),
    (["run", "--swarm", "0", "scenarios"], "avf-scenario: --swarm: at least 1"),
    (["run", "--faults", "disk.boom", "scenarios"],
     "avf-scenario: --faults: unknown fault point 'disk.boom'"),
    (["run", "/nonexistent"], "/nonexistent: No such file or directory"),
]


@pytest.mark.parametrize("args,first_line", USAGE, ids=[" ".join(u[0]) or "none" for u in USAGE])
def test_usage_errors(args, first_line):
    r = run(*args)
    assert r.returncode == 2
    assert r.stderr.splitlines()[0].startswith(first_line), r.stderr
    assert "PASS" not in r.stderr and r.stdout == ""
