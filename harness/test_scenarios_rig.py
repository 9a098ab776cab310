"""The scenario suites on the kvm backend inside the KVM test rig (docs/RIG.md "Scenarios
in the rig"), in both rig modes, against the sim: one rig boot per mode runs every suite
in process mode (`avf-scenario run scenarios --mode process --backend kvm --json`; the
private avfd and one avf-vmm per VM, all cross-built, inside the rig), while the host runs
the same suites on the sim in process and det mode.

Every scenario runs on kvm whatever its `backends:` says (scripts/rig/scenarios
--all-backends): no suite lists kvm yet, and running them is how to learn which hold.
Asserted: every scenario that passes on the sim in process mode passes on KVM and on
pKVM, unless scenarios/EXPLAINED.yaml or scripts/rig/scenarios-explained.yaml explains
the difference for that backend label (`kvm`, `pkvm`); an explanation that no longer applies (the scenario passes after all) is
an error too, so explanations cannot rot; nothing fails on kvm unexplained; kvm skips
exactly what the sim's process mode skips, for the same reasons.

Results (JSON lines, `avf scenario run --json` records) in build/reports/:
scenarios-kvm.json and scenarios-pkvm.json (also as .jsonl, the name the conformance
report's hook picks up as the `kvm` and `pkvm` columns), scenarios-sim-process.json and
scenarios-sim-det.json."""
import concurrent.futures
import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORTS = os.path.join(REPO, "build", "reports")
RUNNER = os.path.join(REPO, "build", "host", "bin", "avf-scenario")
RIG_SCENARIOS = os.path.join(REPO, "scripts", "rig", "scenarios")
# The conformance report's explanations, and this harness's own until the scenario runner
# can live with a non-scenario YAML file in scenarios/ (scripts/rig/scenarios-explained.yaml).
EXPLAINED = (os.path.join(REPO, "scenarios", "EXPLAINED.yaml"),
             os.path.join(REPO, "scripts", "rig", "scenarios-explained.yaml"))
# rig mode -> the backend label of its results (and of EXPLAINED.yaml's entries)
LABELS = {"plain": "kvm", "protected": "pkvm"}
RIG_TIMEOUT = 900


def records(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def write_jsonl(recs, *names):
    os.makedirs(REPORTS, exist_ok=True)
    for name in names:
        with open(os.path.join(REPORTS, name), "w") as f:
            for r in recs:
                f.write(json.dumps(r, sort_keys=True) + "\n")


def sim_suite(mode):
    r = subprocess.run([RUNNER, "run", "scenarios", "--mode", mode, "--json", "--keep-going"],
                       capture_output=True, text=True, cwd=REPO, timeout=1800)
    recs = records(r.stdout)
    write_jsonl(recs, "scenarios-sim-%s.json" % mode)
    return r.returncode, recs, r.stderr


def rig_suite(mode):
    label = LABELS[mode]
    out = os.path.join(REPORTS, "scenarios-%s.json" % label)
    text = os.path.join(REPORTS, "scenarios-%s.txt" % label)
    os.makedirs(REPORTS, exist_ok=True)
    for stale in (out, out + "l", text):  # a run that writes nothing must not look done
        if os.path.exists(stale):
            os.remove(stale)
    r = subprocess.run([RIG_SCENARIOS, "--mode", mode, "--all-backends", "--out", out,
                        "--output", text, "--timeout", str(RIG_TIMEOUT)],
                       capture_output=True, text=True, cwd=REPO, timeout=RIG_TIMEOUT + 300)
    if not os.path.exists(out):
        return r.returncode, [], r.stdout + r.stderr
    with open(out) as f:
        recs = [json.loads(line) for line in f if line.strip()]
    shutil.copyfile(out, out + "l")  # .jsonl: the conformance report's column
    return r.returncode, recs, r.stdout + r.stderr


@pytest.fixture(scope="module")
def runs():
    """All four suites at once: the two rig boots mostly wait for the emulated machine."""
    for prog in ("avf-scenario", "avfd", "avf-vmm", "avf-sign", "rig-init"):
        if not os.path.isfile(os.path.join(REPO, "build", "cross", "bin", prog)):
            pytest.fail("build/cross/bin/%s missing: make cross" % prog)
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        jobs = {label: ex.submit(rig_suite, mode) for mode, label in LABELS.items()}
        jobs["sim-process"] = ex.submit(sim_suite, "process")
        jobs["sim-det"] = ex.submit(sim_suite, "det")
        return {k: j.result() for k, j in jobs.items()}


def explanations():
    """The EXPLAINED files (the conformance report's format): lists of
    {scenario, backend, mode (optional), why}."""
    out = []
    for path in EXPLAINED:
        if os.path.exists(path):
            with open(path) as f:
                data = yaml.safe_load(f) or []
            out += data.get("explained", []) if isinstance(data, dict) else data
    return out


def explained(name, label, mode="process"):
    return next((e["why"] for e in explanations() if e.get("scenario") == name and
                 e.get("backend") == label and e.get("mode") in (None, mode)), "")


def by_name(recs):
    return {r["name"]: r for r in recs}


def test_explanations_are_well_formed():
    for e in explanations():
        assert e.get("scenario") and e.get("backend") and e.get("why"), e


def test_the_sim_passes_in_process_mode(runs):
    status, recs, log = runs["sim-process"]
    assert status == 0 and recs, log
    assert not [r for r in recs if r["result"] == "fail"], log


@pytest.mark.parametrize("mode", sorted(LABELS))
def test_the_rig_ran_every_scenario(runs, mode):
    status, recs, log = runs[LABELS[mode]]
    assert status in (0, 1), "the rig run did not finish (status %d):\n%s" % (status, log)
    sim = by_name(runs["sim-process"][1])
    assert sorted(by_name(recs)) == sorted(sim), log
    # scripts/rig/scenarios shows the kernel's KVM line (and refuses a wrong mode).
    kvm_line = "rig: kvm [1]: %s mode initialized successfully" % (
        "Protected hVHE" if mode == "protected" else "VHE")
    assert kvm_line in log, log
    for r in recs:
        assert r["mode"] == "process" and r["backend"] == "kvm", r
        assert r["trace_hash"] is None and r["virtual_ns"] is None, r


@pytest.mark.parametrize("mode", sorted(LABELS))
def test_what_passes_on_the_sim_passes_on_kvm(runs, mode):
    label = LABELS[mode]
    kvm = by_name(runs[label][1])
    assert kvm, "no results from the rig:\n" + runs[label][2]
    bad = []
    for name, s in sorted(by_name(runs["sim-process"][1]).items()):
        k = kvm.get(name)
        if s["result"] != "pass" or k is None:
            continue
        why = explained(name, label)
        if k["result"] != "pass" and not why:
            bad.append("%s: sim pass, %s %s: %s" % (name, label, k["result"], k["reason"]))
        if k["result"] == "pass" and why:
            bad.append("%s: passes on %s; remove its explanation (EXPLAINED files)"
                       % (name, label))
    assert not bad, "\n".join(bad) + "\n" + runs[label][2]


@pytest.mark.parametrize("mode", sorted(LABELS))
def test_kvm_fails_nothing_unexplained_and_skips_what_the_sim_skips(runs, mode):
    label = LABELS[mode]
    sim = by_name(runs["sim-process"][1])
    assert runs[label][1], "no results from the rig:\n" + runs[label][2]
    bad = []
    for name, k in sorted(by_name(runs[label][1]).items()):
        if k["result"] == "fail" and not explained(name, label):
            bad.append("%s: fails on %s: %s" % (name, label, k["reason"]))
        if k["result"] == "skip" and (sim[name]["result"], sim[name]["reason"]) != \
                ("skip", k["reason"]):
            bad.append("%s: skipped on %s only: %s" % (name, label, k["reason"]))
    assert not bad, "\n".join(bad)


def test_the_det_suite_is_recorded(runs):
    status, recs, log = runs["sim-det"]
    assert status == 0 and recs, log
    assert all(r["mode"] == "det" and r["backend"] == "sim" for r in recs)


def load_rig_scenarios():
    loader = importlib.machinery.SourceFileLoader("rig_scenarios", RIG_SCENARIOS)
    spec = importlib.util.spec_from_loader("rig_scenarios", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_all_backends_copies_list_kvm(tmp_path):
    """What --all-backends carries into the rig: each suite file with exactly one
    top-level `backends: [sim, kvm]` (added, or replacing the file's own), other files
    as they are; and the runner still accepts every copy."""
    m = load_rig_scenarios()
    (tmp_path / "in").mkdir()
    plain = "name: t.a\ndescription: d\nvms: {a: {payload: raw-off}}\nsteps: [{start: a}]\n"
    (tmp_path / "in" / "a.yaml").write_text(plain)
    (tmp_path / "in" / "b.yaml").write_text(plain.replace("t.a", "t.b") + "backends: [sim]\n")
    (tmp_path / "in" / "data.bin").write_bytes(b"\0\xffbackends: [sim]\n")
    pairs = dict((dest, src) for src, dest in m.stage_files(str(tmp_path), str(tmp_path / "in"),
                                                            True))
    for name in ("a.yaml", "b.yaml"):
        text = open(pairs["/avf/scenarios/" + name]).read()
        assert text.count("backends:") == 1 and text.endswith("backends: [sim, kvm]\n"), text
    with open(pairs["/avf/scenarios/data.bin"], "rb") as f:
        assert f.read() == b"\0\xffbackends: [sim]\n"
    assert "/avf/build/cross/bin/avf-scenario" in pairs
    assert "/avf/build/guest/img/vmm-testguest.bin" in pairs
    assert "/avf/stack/guest/keys/dev.key" in pairs
    r = subprocess.run([RUNNER, "check", str(tmp_path / "scenarios")], capture_output=True,
                       text=True)
    assert r.returncode == 0 and r.stderr.startswith("2 scenario files are valid"), r.stderr
