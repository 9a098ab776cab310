"""LAVA job templates and test definition (lava/, docs/LAVA.md): the validator accepts
them and rejects each missing required field; every template renders; the on-device
runner turns hal-conformance and `avf scenario run --json` output into one
lava-test-case per check and per scenario run; the bundle holds what the board runs."""
import copy
import json
import os
import pathlib
import subprocess
import sys
import tarfile

import pytest
import yaml

from simlib.qemu import REPO_ROOT, build_dir

LAVA = REPO_ROOT / "lava"
sys.dont_write_bytecode = True      # no __pycache__ inside lava/
sys.path.insert(0, str(LAVA))
import render  # noqa: E402
import validate  # noqa: E402

JOBS = sorted((LAVA / "jobs").glob("*.yaml"))
TESTDEFS = sorted((LAVA / "tests").glob("*.yaml"))


def test_everything_in_lava_is_valid():
    assert len(JOBS) >= 2 and TESTDEFS
    assert validate.check_dir(str(LAVA)) == []
    proc = subprocess.run([sys.executable, str(LAVA / "validate.py")], capture_output=True, text=True)
    assert proc.returncode == 0 and "lava: valid" in proc.stdout


@pytest.mark.parametrize("job", JOBS, ids=lambda p: p.name)
@pytest.mark.parametrize("field", ["device_type", "job_name", "timeouts", "priority", "visibility", "actions"])
def test_validator_requires_job_field(job, field):
    data = yaml.safe_load(job.read_text())
    del data[field]
    assert any(f"missing '{field}'" in e for e in validate.check_job(data, job.name))


@pytest.mark.parametrize("job", JOBS, ids=lambda p: p.name)
def test_validator_checks_actions_and_timeouts(job):
    data = yaml.safe_load(job.read_text())
    for kind in ("deploy", "boot", "test"):
        broken = copy.deepcopy(data)
        broken["actions"] = [a for a in broken["actions"] if kind not in a]
        assert any("deploy, then boot, then test" in e for e in validate.check_job(broken, "j"))
    broken = copy.deepcopy(data)
    broken["timeouts"]["job"] = {"minutes": 0}
    assert validate.check_job(broken, "j") == ["j: timeouts.job: must be a positive integer"]
    broken = copy.deepcopy(data)
    del broken["timeouts"]["action"]
    assert validate.check_job(broken, "j") == ["j: timeouts: missing 'action'"]
    broken = copy.deepcopy(data)
    broken["visibility"] = "everyone"
    assert validate.check_job(broken, "j") == ["j: visibility must be public/personal/group"]
    broken = copy.deepcopy(data)
    test = next(a["test"] for a in broken["actions"] if "test" in a)
    test["definitions"][0]["path"] = "lava/tests/nope.yaml"
    assert validate.check_job(broken, "j") == [
        "j: actions[2].test.definitions[0]: lava/tests/nope.yaml does not exist"]


@pytest.mark.parametrize("testdef", TESTDEFS, ids=lambda p: p.name)
def test_validator_requires_testdef_fields(testdef):
    data = yaml.safe_load(testdef.read_text())
    for key in ("name", "format", "description"):
        broken = copy.deepcopy(data)
        del broken["metadata"][key]
        assert validate.check_testdef(broken, "t"), key
    broken = copy.deepcopy(data)
    broken["run"]["steps"] = []
    assert validate.check_testdef(broken, "t") == ["t: run.steps must be a non-empty list of commands"]
    broken = copy.deepcopy(data)
    del broken["params"]["BACKEND"]
    assert validate.check_testdef(broken, "t") == [
        "t: run.steps uses ${BACKEND}, which params does not declare"]


@pytest.mark.parametrize("job", JOBS, ids=lambda p: p.name)
def test_templates_render(job):
    text = job.read_text()
    names = render.placeholders(text)
    assert {"AVF_COMMIT", "AVF_REPO_URL", "KERNEL_URL"} <= names
    values = {n: f"http://lava.example/{n.lower()}" for n in names}
    out = render.render(text, values)
    assert validate.check_job_text(out, job.name, rendered=True) == []
    assert "http://lava.example/avf_repo_url" in out
    with pytest.raises(KeyError):
        render.render(text, {})
    proc = subprocess.run([sys.executable, str(LAVA / "render.py"), str(job)],
                          capture_output=True, text=True, env={"PATH": os.environ["PATH"]})
    assert proc.returncode == 1 and "no value for" in proc.stderr


def _fake_bundle(root: pathlib.Path, flavour="cross", runner=True):
    bin_dir = root / "build" / flavour / "bin"
    bin_dir.mkdir(parents=True)
    (root / "scenarios").mkdir()
    hal = bin_dir / "hal-conformance"
    hal.write_text("#!/bin/sh\n[ \"$2\" = kvm ] || exit 2\n"
                   "echo 'PASS  kvm  regs-roundtrip  '\necho 'FAIL  kvm  gic-spi  no interrupt'\n"
                   "echo 'SKIP  kvm  inject-abort  needs HAL_CAP_INJECT_ABORT'\nexit 1\n")
    runs = [{"name": "lifecycle.shutdown", "file": "scenarios/lifecycle/shutdown.yaml",
             "mode": "process", "backend": "kvm", "seed": 0, "result": "pass", "reason": "",
             "trace_hash": None, "virtual_ns": None, "faults": "", "swarm_index": -1},
            {"name": "isolation.read", "file": "scenarios/isolation/read.yaml", "mode": "det",
             "backend": "kvm", "seed": 3, "result": "skip", "reason": "det needs sim",
             "trace_hash": None, "virtual_ns": None, "faults": "", "swarm_index": -1},
            {"name": "faults.blk-io", "file": "scenarios/faults/blk-io.yaml", "mode": "process",
             "backend": "kvm", "seed": 1, "result": "fail", "reason": "step 2: \"x\"",
             "trace_hash": None, "virtual_ns": None, "faults": "blk.io_error@1", "swarm_index": -1}]
    lines = "\n".join(json.dumps(r, separators=(",", ":")) for r in runs)
    avf = bin_dir / "avf"
    avf.write_text("#!/bin/sh\ncase \"$*\" in *'--backend kvm --json --junit'*) ;; *) exit 2;; esac\n"
                   f"cat <<'JSON'\n{lines}\nJSON\nexit 1\n")
    tools = [hal, avf]
    if runner:
        (bin_dir / "avf-scenario").write_text("#!/bin/sh\nexit 2\n")
        tools.append(bin_dir / "avf-scenario")
    for p in tools:
        p.chmod(0o755)


def _run(tmp_path, runner_path, src, extra_env=None, rc=0):
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    log = tmp_path / "cases.txt"
    log.unlink(missing_ok=True)
    fake = tools / "lava-test-case"
    fake.write_text(f"#!/bin/sh\necho \"$*\" >> {log}\n")
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{tools}:{os.environ['PATH']}", AVF_LAVA_OUT=str(tmp_path / "out"),
               **(extra_env or {}))
    proc = subprocess.run([str(runner_path), src, "kvm"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == rc, proc.stderr
    return log.read_text().splitlines()


KVM = "kvm-device --result " + ("pass" if os.path.exists("/dev/kvm") else "fail")
HAL_CASES = ["hal.regs-roundtrip --result pass", "hal.gic-spi --result fail",
             "hal.inject-abort --result skip"]
SCENARIO_CASES = ["lifecycle.shutdown.process --result pass", "isolation.read.det --result skip",
                  "faults.blk-io.process --result fail"]


def test_runner_reports_each_check_and_scenario(tmp_path):
    _fake_bundle(tmp_path / "bundle")
    cases = _run(tmp_path, LAVA / "avf-lava-run", str(tmp_path / "bundle"))
    assert cases == ["avf-bundle --result pass", KVM] + HAL_CASES + SCENARIO_CASES


def test_runner_without_a_scenario_runner_fails_loudly(tmp_path):
    _fake_bundle(tmp_path / "bundle", runner=False)
    cases = _run(tmp_path, LAVA / "avf-lava-run", str(tmp_path / "bundle"))
    assert cases == ["avf-bundle --result pass", KVM] + HAL_CASES + \
        ["avf-scenario-runner --result fail"]


def test_runner_native_builds_the_checkout(tmp_path):
    repo = tmp_path / "repo"
    _fake_bundle(repo, flavour="host")
    (repo / "lava").mkdir()
    runner = repo / "lava" / "avf-lava-run"
    runner.write_bytes((LAVA / "avf-lava-run").read_bytes())
    runner.chmod(0o755)
    cases = _run(tmp_path, runner, "native", {"AVF_LAVA_BUILD": "touch built"})
    assert (repo / "built").exists()
    assert cases == ["avf-build --result pass", KVM] + HAL_CASES + SCENARIO_CASES
    cases = _run(tmp_path, runner, "native", {"AVF_LAVA_BUILD": "false"}, rc=1)
    assert cases == ["avf-build --result fail"]


def test_bundle_holds_what_the_board_runs(tmp_path):
    cross = build_dir() / "cross" / "bin"
    assert (cross / "hal-conformance").is_file(), "make cross first"
    out = tmp_path / "bundle.tar.gz"
    subprocess.run([str(LAVA / "make-bundle"), str(build_dir()), str(out)], cwd=REPO_ROOT,
                   check=True, capture_output=True)
    with tarfile.open(out) as t:
        names = set(t.getnames())
    for needed in ("./build/cross/bin/hal-conformance", "./build/cross/bin/avf",
                   "./build/cross/bin/avf-vmm", "./lava/avf-lava-run",
                   "./lava/tests/avf-conformance.yaml", "./scenarios"):
        assert needed in names, needed
    assert any(n.startswith("./build/guest/img/") for n in names)
