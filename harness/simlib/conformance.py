"""The conformance report: the scenario x backend matrix (and the HAL check x backend
matrix) as an HTML page and a terminal summary, every cell that differs from the sim's
column flagged unless scenarios/EXPLAINED.yaml explains it. A port is conformant when
its column matches the sim's (docs/FUZZING.md § Conformance report; issue 9).

Inputs:
  - scenario results per backend: `avf scenario run --json` output (one JSON object per
    line: name, mode, backend, result, reason; docs/SCENARIOS.md) or its `--junit` XML
    (testcase name "NAME [MODE BACKEND SEED]"); each file is given a column label
    ("sim", "kvm", "kvm+pKVM", ...). A row is one scenario in one mode.
  - the HAL conformance matrix (build/reports/hal_conformance.txt, written by
    harness/test_hal_conformance.py): one row per check, one column per backend.
  - explanations (YAML): a list of {scenario: NAME or check: NAME, backend: LABEL,
    mode: MODE (optional), why: TEXT}; a difference they name is shown, not flagged.

    python3 harness/simlib/conformance.py --results sim=build/reports/scenarios-det.xml \\
        --results kvm=kvm.jsonl --hal build/reports/hal_conformance.txt \\
        --explained scenarios/EXPLAINED.yaml --explained scripts/rig/scenarios-explained.yaml \
    --html build/reports/conformance.html
"""
import argparse
import dataclasses
import html
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

import yaml

REFERENCE = "sim"
RESULTS = ("pass", "fail", "skip")


@dataclasses.dataclass(frozen=True)
class Run:
    name: str
    mode: str
    result: str
    reason: str = ""


@dataclasses.dataclass
class Cell:
    value: str              # pass/fail/skip/missing (scenarios), PASS/FAIL/SKIP (HAL)
    reason: str = ""
    status: str = "same"    # same, reference, explained, flagged, n/a
    why: str = ""


@dataclasses.dataclass
class Matrix:
    title: str
    columns: list           # column labels, reference first
    rows: dict              # row key -> {column: Cell}


class InputError(Exception):
    """A results file that cannot be read; the message names the file and line."""


# ---- loading ----------------------------------------------------------------------------

def load_json_lines(path: str) -> list:
    runs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                o = json.loads(line)
                run = Run(o["name"], o["mode"], o["result"], o.get("reason") or "")
            except (ValueError, KeyError, TypeError) as e:
                raise InputError(f"{path}:{n}: not a scenario result: {e}") from None
            if run.result not in RESULTS:
                raise InputError(f"{path}:{n}: unknown result {run.result!r}")
            runs.append(run)
    return runs


JUNIT_NAME = re.compile(r"^(\S+) \[(\w+) \S+(?: \S+)?\]$")


def load_junit(path: str) -> list:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise InputError(f"{path}: {e}") from None
    runs = []
    for tc in root.iter("testcase"):
        m = JUNIT_NAME.match(tc.get("name", ""))
        if not m:
            raise InputError(f"{path}: testcase {tc.get('name')!r}: expected 'NAME [MODE BACKEND SEED]'")
        failure = tc.find("failure")
        if failure is None:
            failure = tc.find("error")
        skipped = tc.find("skipped")
        if failure is not None:
            result, reason = "fail", failure.get("message") or (failure.text or "")
        elif skipped is not None:
            result, reason = "skip", skipped.get("message") or ""
        else:
            result, reason = "pass", ""
        runs.append(Run(m.group(1), m.group(2), result, reason.strip()))
    return runs


def load_results(path: str) -> list:
    with open(path) as f:
        head = f.read(64).lstrip()
    return load_junit(path) if head.startswith("<") else load_json_lines(path)


def load_hal(path: str) -> tuple:
    """(backends, {check: {backend: verdict}}) from the kit's matrix text."""
    backends, checks = None, {}
    with open(path) as f:
        for line in f:
            words = line.split()
            if not words:
                if backends:
                    break       # the capability table follows the blank line
                continue
            if words[0] == "check":
                backends = words[1:]
            elif backends:
                if len(words) != len(backends) + 1:
                    raise InputError(f"{path}: {line.strip()!r}: expected a verdict per backend")
                checks[words[0]] = dict(zip(backends, words[1:]))
    if not backends:
        raise InputError(f"{path}: no 'check' header line")
    return backends, checks


def load_explained(path) -> list:
    """Explanations from one file or a list of files (missing files are empty)."""
    if isinstance(path, (list, tuple)):
        return [e for p in path for e in load_explained(p)]
    if not path or not os.path.exists(path):
        return []
    with open(path) as f:
        data = yaml.safe_load(f) or []
    if isinstance(data, dict):
        data = data.get("explained") or []
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of explanations")
    for i, e in enumerate(data):
        if not isinstance(e, dict) or not e.get("backend") or not e.get("why") or \
                not (e.get("scenario") or e.get("check")):
            raise InputError(f"{path}: entry {i}: needs scenario or check, backend and why")
    return data


# ---- comparing --------------------------------------------------------------------------

def _explanation(explained: list, kind: str, name: str, mode: str, backend: str) -> str:
    for e in explained:
        if e.get(kind) == name and e["backend"] == backend and e.get("mode") in (None, mode):
            return str(e["why"])
    return ""


def _compare(rows: dict, columns: list, kind: str, explained: list) -> None:
    for key, cells in rows.items():
        name, mode = key if isinstance(key, tuple) else (key, None)
        ref = cells.get(REFERENCE)
        for col in columns:
            if col == REFERENCE:
                cells.setdefault(col, Cell("missing")).status = "reference"
                continue
            if kind == "scenario" and mode == "det" and col not in cells:
                # Deterministic mode is the simulator itself (every VM in one process
                # on the sim): other backends have no such column to compare.
                cells[col] = Cell("n/a")
                cells[col].status = "n/a"
                continue
            cell = cells.setdefault(col, Cell("missing"))
            if ref is not None and cell.value == ref.value:
                continue
            why = _explanation(explained, kind, name, mode, col)
            cell.status, cell.why = ("explained", why) if why else ("flagged", "")


def scenario_matrix(results: dict, explained: list) -> Matrix:
    """results: {label: [Run]}; the sim column is the reference."""
    if REFERENCE not in results:
        raise InputError(f"no '{REFERENCE}' results: the reference column is missing")
    columns = [REFERENCE] + [c for c in results if c != REFERENCE]
    rows = {}
    for col, runs in results.items():
        for r in runs:
            rows.setdefault((r.name, r.mode), {})[col] = Cell(r.result, r.reason)
    rows = dict(sorted(rows.items()))
    _compare(rows, columns, "scenario", explained)
    return Matrix("Scenarios", columns, rows)


def hal_matrix(backends: list, checks: dict, explained: list) -> Matrix:
    if REFERENCE not in backends:
        raise InputError(f"the HAL matrix has no '{REFERENCE}' column")
    columns = [REFERENCE] + [b for b in backends if b != REFERENCE]
    rows = {name: {b: Cell(v) for b, v in verdicts.items()} for name, verdicts in checks.items()}
    _compare(rows, columns, "check", explained)
    return Matrix("HAL conformance kit", columns, rows)


def verdicts(matrices: list) -> dict:
    """{column: (differences, explained, flagged)} over every matrix but the reference."""
    out = {}
    for m in matrices:
        for col in m.columns[1:]:
            d, e, f = out.get(col, (0, 0, 0))
            for cells in m.rows.values():
                s = cells[col].status
                d += s in ("explained", "flagged")
                e += s == "explained"
                f += s == "flagged"
            out[col] = (d, e, f)
    return out


# ---- rendering --------------------------------------------------------------------------

def _row_name(key) -> str:
    return f"{key[0]} [{key[1]}]" if isinstance(key, tuple) else key


def summary(matrices: list) -> str:
    lines = []
    sizes = ", ".join(f"{len(m.rows)} {m.title.lower()} rows" for m in matrices)
    lines.append(f"conformance: {sizes}; reference column: {REFERENCE}")
    for col, (d, e, f) in verdicts(matrices).items():
        if not f:
            note = f" ({d} differences, all explained)" if d else ""
            lines.append(f"  {col:<12} conformant{note}")
        else:
            lines.append(f"  {col:<12} NOT conformant: {f} unexplained difference(s), {e} explained")
        for m in matrices:
            if col not in m.columns:
                continue
            for key, cells in m.rows.items():
                if cells[col].status == "flagged":
                    lines.append(f"    {_row_name(key)}: {REFERENCE} {cells[REFERENCE].value}, "
                                 f"{col} {cells[col].value}")
    return "\n".join(lines) + "\n"


CSS = """body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:2em}
td,th{border:1px solid #bbb;padding:2px 8px;text-align:left}
.pass,.PASS{background:#dfd}.fail,.FAIL{background:#fdd}.skip,.SKIP,.missing{background:#eee}
.flagged{outline:3px solid #d00;font-weight:bold}.explained{outline:2px dashed #888}
.ok{color:#070}.bad{color:#b00}"""


def _html_matrix(m: Matrix) -> str:
    out = [f"<h2>{html.escape(m.title)}</h2>", "<table>", "<tr><th></th>"]
    out += [f"<th>{html.escape(c)}</th>" for c in m.columns]
    out.append("</tr>")
    for key, cells in m.rows.items():
        out.append(f"<tr><th>{html.escape(_row_name(key))}</th>")
        for col in m.columns:
            c = cells[col]
            title = c.why or c.reason
            mark = " !" if c.status == "flagged" else (" *" if c.status == "explained" else "")
            out.append(f'<td class="{html.escape(c.value)} {c.status}" title="{html.escape(title)}">'
                       f"{html.escape(c.value)}{mark}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def render_html(matrices: list) -> str:
    out = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8"><title>AVF conformance</title>',
           f"<style>{CSS}</style></head><body>", "<h1>AVF conformance report</h1>",
           f"<p>Every column is compared with <b>{REFERENCE}</b>. "
           "<b>!</b> marks an unexplained difference, <b>*</b> an explained one "
           "(hover for the explanation or the reason).</p>", "<ul>"]
    for col, (d, e, f) in verdicts(matrices).items():
        cls, text = ("ok", "conformant") if not f else ("bad", "NOT conformant")
        out.append(f'<li>{html.escape(col)}: <span class="{cls}">{text}</span> '
                   f"({d} differences, {e} explained, {f} unexplained)</li>")
    out.append("</ul>")
    out += [_html_matrix(m) for m in matrices]
    out.append("</body></html>\n")
    return "\n".join(out)


def build(results: dict, hal_path: str = None, explained_path=None) -> list:
    """results: {label: [path, ...]}; the matrices: scenarios (if any), then HAL (if any)."""
    explained = load_explained(explained_path)
    matrices = []
    if results:
        runs = {k: [r for p in ps for r in load_results(p)] for k, ps in results.items()}
        matrices.append(scenario_matrix(runs, explained))
    if hal_path:
        matrices.append(hal_matrix(*load_hal(hal_path), explained))
    return matrices


def build_report(reports: str, explained_path) -> str:
    """The harness hook (harness/conftest.py, at the end of a session): render
    REPORTS/conformance.html from whatever results the session left in REPORTS: the sim
    column from scenarios-det.xml and scenarios-process.xml (harness/test_scenarios.py),
    other columns from scenarios-LABEL.jsonl (e.g. the rig's kvm runs), the HAL matrix
    from hal_conformance.txt. Returns the terminal summary ("" if nothing to report)."""
    results = {}
    for mode in ("det", "process"):
        p = os.path.join(reports, f"scenarios-{mode}.xml")
        if os.path.exists(p):
            results.setdefault(REFERENCE, []).append(p)
    for name in sorted(os.listdir(reports)) if os.path.isdir(reports) else []:
        m = re.fullmatch(r"scenarios-(.+)\.jsonl", name)
        if m:
            results.setdefault(m.group(1), []).append(os.path.join(reports, name))
    hal = os.path.join(reports, "hal_conformance.txt")
    hal = hal if os.path.exists(hal) else None
    if REFERENCE not in results:
        results = {}
    if not results and not hal:
        return ""
    matrices = build(results, hal, explained_path)
    with open(os.path.join(reports, "conformance.html"), "w") as f:
        f.write(render_html(matrices))
    return summary(matrices)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", action="append", default=[], metavar="LABEL=FILE",
                    help="scenario results (JSON lines or JUnit XML) for a column; repeatable; "
                         "several files may share a label")
    ap.add_argument("--hal", help="the HAL conformance matrix (hal_conformance.txt)")
    ap.add_argument("--explained", action="append", default=[],
                    help="explanations of known differences (YAML); repeatable")
    ap.add_argument("--html", help="write the HTML report here")
    args = ap.parse_args(argv)
    results = {}
    for spec in args.results:
        label, sep, path = spec.partition("=")
        if not sep:
            ap.error(f"--results {spec}: expected LABEL=FILE")
        results.setdefault(label, []).append(path)
    try:
        matrices = build(results, args.hal, args.explained)
    except (InputError, OSError, yaml.YAMLError) as e:
        print(f"conformance: {e}", file=sys.stderr)
        return 2
    if not matrices:
        ap.error("nothing to report: give --results and/or --hal")
    if args.html:
        os.makedirs(os.path.dirname(os.path.abspath(args.html)), exist_ok=True)
        with open(args.html, "w") as f:
            f.write(render_html(matrices))
    sys.stdout.write(summary(matrices))
    return 1 if any(f for _, _, f in verdicts(matrices).values()) else 0


if __name__ == "__main__":
    sys.exit(main())
