#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validate the LAVA job templates and test definitions of lava/ (docs/LAVA.md).

    python3 lava/validate.py [DIR]      (default: the directory of this file)

Jobs (jobs/*.yaml) need: device_type, job_name, timeouts (job, action; each with a
positive days/hours/minutes/seconds), priority (high|medium|low or 0..100), visibility
(public|personal|group), and actions holding deploy (with to), boot (with method) and
test (with definitions: repository, from, path, name) in that order; a git test
definition's path must exist here. Test definitions (tests/*.yaml) need metadata
(format "Lava-Test Test Definition 1.0", name, description) and run.steps (non-empty
list of strings); params used as ${NAME} in the steps must be declared. PyYAML only
(Debian python3-yaml). Exit 0 when everything is valid, 1 otherwise."""
import os
import re
import sys

import yaml

TIME_UNITS = ("days", "hours", "minutes", "seconds")
VISIBILITY = ("public", "personal", "group")
PRIORITIES = ("high", "medium", "low")
TESTDEF_FORMAT = "Lava-Test Test Definition 1.0"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def _timeout_errors(where: str, t) -> list[str]:
    if not isinstance(t, dict) or len(t) != 1 or next(iter(t)) not in TIME_UNITS:
        return [f"{where}: expected one of {'/'.join(TIME_UNITS)}"]
    value = next(iter(t.values()))
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return [f"{where}: must be a positive integer"]
    return []


def _action_errors(name: str, actions) -> list[str]:
    errors = []
    if not isinstance(actions, list) or not actions:
        return [f"{name}: actions: expected a non-empty list"]
    kinds = []
    for i, a in enumerate(actions):
        if not isinstance(a, dict) or len(a) != 1:
            errors.append(f"{name}: actions[{i}]: expected one of deploy/boot/test")
            continue
        kind, body = next(iter(a.items()))
        kinds.append(kind)
        where = f"{name}: actions[{i}].{kind}"
        if not isinstance(body, dict):
            errors.append(f"{where}: expected a mapping")
            continue
        if "timeout" in body:
            errors += _timeout_errors(f"{where}.timeout", body["timeout"])
        if kind == "deploy" and not body.get("to"):
            errors.append(f"{where}: missing 'to'")
        elif kind == "boot" and not body.get("method"):
            errors.append(f"{where}: missing 'method'")
        elif kind == "test":
            errors += _test_action_errors(where, body)
        elif kind not in ("deploy", "boot", "test", "command"):
            errors.append(f"{where}: unknown action")
    order = [k for k in kinds if k in ("deploy", "boot", "test")]
    if order[:1] != ["deploy"] or "boot" not in order or "test" not in order or \
            order.index("boot") > order.index("test"):
        errors.append(f"{name}: actions must deploy, then boot, then test (have {kinds})")
    return errors


def _test_action_errors(where: str, body: dict) -> list[str]:
    defs = body.get("definitions")
    if not isinstance(defs, list) or not defs:
        return [f"{where}: missing 'definitions'"]
    errors = []
    for j, d in enumerate(defs):
        for key in ("repository", "from", "path", "name"):
            if not isinstance(d, dict) or not d.get(key):
                errors.append(f"{where}.definitions[{j}]: missing '{key}'")
        if isinstance(d, dict) and d.get("from") == "git" and d.get("path") and \
                not os.path.isfile(os.path.join(REPO, d["path"])):
            errors.append(f"{where}.definitions[{j}]: {d['path']} does not exist")
    return errors


def check_job(job, name: str, rendered: bool = False) -> list[str]:
    if not isinstance(job, dict):
        return [f"{name}: not a mapping"]
    errors = []
    for key in ("device_type", "job_name", "timeouts", "priority", "visibility", "actions"):
        if key not in job:
            errors.append(f"{name}: missing '{key}'")
    if not isinstance(job.get("device_type", ""), str) or not job.get("device_type"):
        errors.append(f"{name}: device_type must be a non-empty string")
    t = job.get("timeouts")
    if isinstance(t, dict):
        for key in ("job", "action"):
            if key not in t:
                errors.append(f"{name}: timeouts: missing '{key}'")
        for key, value in t.items():
            errors += _timeout_errors(f"{name}: timeouts.{key}", value)
    elif t is not None:
        errors.append(f"{name}: timeouts: expected a mapping")
    p = job.get("priority")
    if p is not None and p not in PRIORITIES and not (isinstance(p, int) and 0 <= p <= 100):
        errors.append(f"{name}: priority must be high/medium/low or 0..100")
    v = job.get("visibility")
    if v is not None and v not in VISIBILITY and not (isinstance(v, dict) and "group" in v):
        errors.append(f"{name}: visibility must be public/personal/group")
    if "actions" in job:
        errors += _action_errors(name, job["actions"])
    if rendered and re.search(r"\{\{.*?\}\}", yaml.safe_dump(job)):
        errors.append(f"{name}: placeholders left after rendering")
    return errors


def check_job_text(text: str, name: str, rendered: bool = False) -> list[str]:
    try:
        job = yaml.safe_load(text)
    except yaml.YAMLError as e:
        return [f"{name}: YAML: {e}"]
    return check_job(job, name, rendered)


def check_testdef(d, name: str) -> list[str]:
    if not isinstance(d, dict):
        return [f"{name}: not a mapping"]
    errors = []
    meta = d.get("metadata")
    if not isinstance(meta, dict):
        errors.append(f"{name}: missing 'metadata'")
        meta = {}
    if meta.get("format") != TESTDEF_FORMAT:
        errors.append(f"{name}: metadata.format must be '{TESTDEF_FORMAT}'")
    for key in ("name", "description"):
        if not isinstance(meta.get(key), str) or not meta.get(key).strip():
            errors.append(f"{name}: metadata.{key}: missing or empty")
    steps = (d.get("run") or {}).get("steps") if isinstance(d.get("run"), dict) else None
    if not isinstance(steps, list) or not steps or \
            not all(isinstance(s, str) and s.strip() for s in steps):
        errors.append(f"{name}: run.steps must be a non-empty list of commands")
        steps = []
    params = d.get("params") or {}
    if not isinstance(params, dict):
        errors.append(f"{name}: params must be a mapping")
        params = {}
    for s in steps:
        for var in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=+?][^}]*)?\}", s):
            if var not in params:
                errors.append(f"{name}: run.steps uses ${{{var}}}, which params does not declare")
    return errors


def check_dir(root: str) -> list[str]:
    errors = []
    jobs = sorted(os.listdir(os.path.join(root, "jobs")))
    tests = sorted(os.listdir(os.path.join(root, "tests")))
    if not any(j.endswith(".yaml") for j in jobs):
        errors.append(f"{root}/jobs: no job templates")
    if not any(t.endswith(".yaml") for t in tests):
        errors.append(f"{root}/tests: no test definitions")
    for j in jobs:
        if j.endswith(".yaml"):
            path = os.path.join(root, "jobs", j)
            errors += check_job_text(open(path).read(), path)
    for t in tests:
        if t.endswith(".yaml"):
            path = os.path.join(root, "tests", t)
            try:
                errors += check_testdef(yaml.safe_load(open(path)), path)
            except yaml.YAMLError as e:
                errors.append(f"{path}: YAML: {e}")
    return errors


def main(argv: list[str]) -> int:
    errors = check_dir(argv[1] if len(argv) > 1 else HERE)
    for e in errors:
        print(e, file=sys.stderr)
    print("lava: valid" if not errors else f"lava: {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
