"""The conformance report renderer (harness/simlib/conformance.py) on synthetic results:
cells equal to the sim's, differences flagged or explained, missing runs, JUnit and JSON
inputs, errors with file and line, the HTML page, the terminal summary, exit status, and
the harness hook that renders build/reports/conformance.html."""
import json
import textwrap

import pytest

from simlib import conformance as c


def jsonl(path, runs):
    path.write_text("".join(json.dumps({"name": n, "file": f"scenarios/{n}.yaml", "mode": m,
                                        "backend": "x", "seed": 0, "result": r, "reason": why,
                                        "trace_hash": None, "virtual_ns": None, "faults": "",
                                        "swarm_index": -1}) + "\n" for n, m, r, why in runs))
    return str(path)


@pytest.fixture
def files(tmp_path):
    sim = jsonl(tmp_path / "sim.jsonl", [
        ("lifecycle.boot", "det", "pass", ""), ("lifecycle.boot", "process", "pass", ""),
        ("isolation.read", "process", "pass", ""), ("faults.blk", "process", "pass", ""),
        ("policy.only-sim", "process", "skip", "needs det"),
        ("multivm.two", "process", "pass", "")])
    kvm = jsonl(tmp_path / "kvm.jsonl", [
        ("lifecycle.boot", "process", "pass", ""), ("isolation.read", "process", "fail", "read ok"),
        ("faults.blk", "process", "skip", "fault points need the sim"),
        ("policy.only-sim", "process", "skip", "needs det")])
    explained = tmp_path / "EXPLAINED.yaml"
    explained.write_text(textwrap.dedent("""\
        - scenario: faults.blk
          backend: kvm
          why: fault injection points exist only in sim builds
        - check: timer-ppi
          backend: kvm
          why: the board's timer runs at 24 MHz
        """))
    hal = tmp_path / "hal.txt"
    hal.write_text(textwrap.dedent("""\
        HAL conformance kit: verdict per check and backend (docs/HAL.md)
        check                       sim       kvm
        regs-roundtrip              PASS      PASS
        timer-ppi                   PASS      FAIL
        inject-abort                PASS      SKIP

        capabilities that differ:   sim       kvm
          BUDGET                    1         0
        """))
    return {"sim": sim, "kvm": kvm, "explained": str(explained), "hal": str(hal)}


def test_cells_against_the_sim_column(files):
    scen, hal = c.build({"sim": [files["sim"]], "kvm": [files["kvm"]]}, files["hal"], files["explained"])
    assert scen.columns == ["sim", "kvm"]
    st = {k: (v["kvm"].value, v["kvm"].status) for k, v in scen.rows.items()}
    assert st == {
        ("faults.blk", "process"): ("skip", "explained"),
        ("isolation.read", "process"): ("fail", "flagged"),
        ("lifecycle.boot", "det"): ("n/a", "n/a"),      # det mode is the sim's own
        ("multivm.two", "process"): ("missing", "flagged"),
        ("lifecycle.boot", "process"): ("pass", "same"),
        ("policy.only-sim", "process"): ("skip", "same"),
    }
    assert scen.rows[("faults.blk", "process")]["kvm"].why.startswith("fault injection points")
    assert all(v["sim"].status == "reference" for v in scen.rows.values())
    assert {k: v["kvm"].status for k, v in hal.rows.items()} == {
        "regs-roundtrip": "same", "timer-ppi": "explained", "inject-abort": "flagged"}
    assert c.verdicts([scen, hal]) == {"kvm": (5, 2, 3)}


def test_summary_names_every_unexplained_difference(files):
    matrices = c.build({"sim": [files["sim"]], "kvm": [files["kvm"]]}, files["hal"], files["explained"])
    assert c.summary(matrices) == textwrap.dedent("""\
        conformance: 6 scenarios rows, 3 hal conformance kit rows; reference column: sim
          kvm          NOT conformant: 3 unexplained difference(s), 2 explained
            isolation.read [process]: sim pass, kvm fail
            multivm.two [process]: sim pass, kvm missing
            inject-abort: sim PASS, kvm SKIP
        """)


def test_conformant_column(files, tmp_path):
    same = jsonl(tmp_path / "same.jsonl", [("lifecycle.boot", "det", "pass", "")])
    matrices = c.build({"sim": [same], "kvm+pKVM": [same]})
    assert c.summary(matrices).splitlines()[1] == "  kvm+pKVM     conformant"


def test_html_marks_and_escapes(files, tmp_path):
    matrices = c.build({"sim": [files["sim"]], "kvm": [files["kvm"]]}, files["hal"], files["explained"])
    page = c.render_html(matrices)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<td class="fail flagged" title="read ok">fail !</td>' in page
    assert '<td class="skip explained" title="fault injection points exist only in sim builds">skip *</td>' in page
    assert "kvm: <span class=\"bad\">NOT conformant</span> (5 differences, 2 explained, 3 unexplained)" in page
    evil = jsonl(tmp_path / "evil.jsonl", [("a<b>", "det", "fail", "\"<script>")])
    page = c.render_html(c.build({"sim": [evil]}))
    assert "<script>" not in page and "a&lt;b&gt; [det]" in page


def test_cli_exit_status_and_html(files, tmp_path):
    out = tmp_path / "r" / "conformance.html"
    rc = c.main(["--results", f"sim={files['sim']}", "--results", f"kvm={files['kvm']}",
                 "--hal", files["hal"], "--explained", files["explained"], "--html", str(out)])
    assert rc == 1 and "NOT conformant" in out.read_text()
    nothing_flagged = tmp_path / "all.yaml"
    nothing_flagged.write_text("".join(
        f"- {{scenario: {n}, backend: kvm, why: known}}\n" for n in ("isolation.read", "multivm.two")) +
        "- {check: inject-abort, backend: kvm, why: known}\n")
    rc = c.main(["--results", f"sim={files['sim']}", "--results", f"kvm={files['kvm']}",
                 "--hal", files["hal"], "--explained", files["explained"],
                 "--explained", str(nothing_flagged), "--html", str(out)])
    assert rc == 0 and "conformant" in out.read_text()
    rc = c.main(["--results", f"sim={files['sim']}", "--results", f"kvm={files['kvm']}",
                 "--hal", files["hal"], "--explained", files["explained"], "--html", str(out)])
    assert rc == 1 and "NOT conformant" in out.read_text()
    assert c.main(["--results", f"sim={files['sim']}", "--results", f"kvm={files['sim']}"]) == 0
    assert c.main(["--results", f"kvm={files['kvm']}"]) == 2        # no sim column


def test_junit_input(tmp_path):
    xml = tmp_path / "scenarios-det.xml"
    xml.write_text(textwrap.dedent("""\
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites><testsuite name="scenarios" tests="3" failures="1" skipped="1">
          <testcase classname="scenarios.det.faults" name="faults.a [det sim 0]"/>
          <testcase classname="scenarios.det.faults" name="faults.b [det sim 3]">
            <failure message="step 2: expected refused, got ok"/></testcase>
          <testcase classname="scenarios.det.faults" name="faults.c [det sim 0]">
            <skipped message="needs process mode"/></testcase>
        </testsuite></testsuites>
        """))
    assert c.load_results(str(xml)) == [
        c.Run("faults.a", "det", "pass"), c.Run("faults.b", "det", "fail", "step 2: expected refused, got ok"),
        c.Run("faults.c", "det", "skip", "needs process mode")]


def test_explanations_from_several_files(files, tmp_path):
    more = tmp_path / "more.yaml"
    more.write_text("- {scenario: isolation.read, backend: kvm, mode: process, why: rig only}\n")
    scen = c.build({"sim": [files["sim"]], "kvm": [files["kvm"]]}, None, [files["explained"], str(more)])[0]
    cell = scen.rows[("isolation.read", "process")]["kvm"]
    assert (cell.status, cell.why) == ("explained", "rig only")
    assert c.load_explained([str(tmp_path / "absent.yaml")]) == []


def test_bad_inputs_name_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"name":"a","mode":"det","result":"pass"}\n{"name":"b","mode":"det","result":"maybe"}\n')
    with pytest.raises(c.InputError, match=r"bad.jsonl:2: unknown result 'maybe'"):
        c.load_results(str(bad))
    bad.write_text('{"name":"a"}\n')
    with pytest.raises(c.InputError, match=r"bad.jsonl:1: not a scenario result"):
        c.load_results(str(bad))
    exp = tmp_path / "e.yaml"
    exp.write_text("- scenario: a\n  backend: kvm\n")
    with pytest.raises(c.InputError, match="entry 0: needs scenario or check, backend and why"):
        c.load_explained(str(exp))


def test_harness_hook_writes_the_page(files, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    assert c.build_report(str(reports), files["explained"]) == ""     # nothing yet
    (reports / "scenarios-det.xml").write_text(
        '<testsuites><testsuite><testcase name="lifecycle.boot [det sim 0]"/></testsuite></testsuites>')
    jsonl(reports / "scenarios-kvm.jsonl", [("lifecycle.boot", "det", "fail", "no kvm")])
    (reports / "hal_conformance.txt").write_text(open(files["hal"]).read())
    text = c.build_report(str(reports), files["explained"])
    assert "lifecycle.boot [det]: sim pass, kvm fail" in text
    page = (reports / "conformance.html").read_text()
    assert "lifecycle.boot [det]" in page and "regs-roundtrip" in page
