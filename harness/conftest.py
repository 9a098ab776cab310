"""pytest configuration of the harness: make harness/simlib importable."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))


def pytest_terminal_summary(terminalreporter):
    """The conformance report (harness/simlib/conformance.py): at the end of every
    session, build/reports/conformance.html from the results the session left there,
    and its summary in the terminal."""
    import os
    from simlib import conformance
    from simlib.qemu import REPO_ROOT, build_dir

    try:
        # scripts/rig/scenarios-explained.yaml holds the rig's explanations until the
        # scenario runner can skip a non-scenario scenarios/EXPLAINED.yaml.
        text = conformance.build_report(
            str(build_dir() / "reports"),
            [os.path.join(REPO_ROOT, "scenarios", "EXPLAINED.yaml"),
             os.path.join(REPO_ROOT, "scripts", "rig", "scenarios-explained.yaml")])
    except (conformance.InputError, OSError, ValueError) as e:
        text = f"conformance: report not written: {e}\n"
    if text:
        terminalreporter.section("conformance")
        for line in text.splitlines():
            terminalreporter.write_line(line)
