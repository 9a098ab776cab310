"""Differential tests: every guest image of sim/tests/manifest.yaml runs on QEMU's virt
board (the oracle) and on `avf-sim run`; both must print the same console output and
exit the same way.

Per image:
  test_qemu_oracle      the image really tests something: on QEMU every test passes
                        (or exactly the manifest's failing_tests fail) and it powers off;
  test_qemu_timing      QEMU prints the same with guest time tied to the instruction
                        count (-icount), so the output does not depend on timing;
  test_sim_matches_qemu avf-sim prints byte for byte what QEMU printed, same exit status.
The QEMU run of an image is done once and shared by its tests.
"""
from __future__ import annotations

import difflib

import pytest

from simlib import guest_tests, qemu

IMAGES = guest_tests.load_manifest()
_qemu_runs: dict[str, qemu.RunResult] = {}


def _image_path(img: guest_tests.GuestImage):
    path = qemu.guest_image(img.image)
    assert path.exists(), f"{path} is not built (make guest)"
    return path


def _qemu_run(img: guest_tests.GuestImage) -> qemu.RunResult:
    if img.name not in _qemu_runs:
        _qemu_runs[img.name] = qemu.run_qemu(_image_path(img), smp=img.smp,
                                             cpu=img.qemu_cpu, timeout=img.timeout)
    return _qemu_runs[img.name]


def _diff(expected: str, actual: str, labels: tuple[str, str]) -> str:
    lines = difflib.unified_diff(expected.splitlines(), actual.splitlines(), *labels,
                                 lineterm="", n=2)
    return "\n".join(list(lines)[:80])


def _ids(images):
    return [img.name for img in images]


@pytest.mark.parametrize("img", IMAGES, ids=_ids(IMAGES))
def test_qemu_oracle(img):
    run = _qemu_run(img)
    assert not run.timed_out and run.exit_status == 0, run.describe() + "\n" + run.text
    report = guest_tests.parse_output(run.text)
    assert report.total is not None, "no SUMMARY line:\n" + run.text
    assert report.total > 0 and report.total == len(report.results), run.text
    assert report.failing == set(img.failing_tests), (
        f"failing tests {sorted(report.failing)}, manifest expects "
        f"{sorted(img.failing_tests)}:\n{run.text}")
    assert report.failed == len(img.failing_tests), run.text


@pytest.mark.parametrize("img", IMAGES, ids=_ids(IMAGES))
def test_qemu_timing(img):
    timed = qemu.run_qemu(_image_path(img), smp=img.smp, cpu=img.qemu_cpu,
                          timeout=img.timeout, icount=0)
    assert not timed.timed_out, timed.describe()
    reference = _qemu_run(img)
    assert timed.output == reference.output, (
        "output depends on timing:\n" +
        _diff(reference.text, timed.text, ("qemu", "qemu -icount shift=0")))


@pytest.mark.parametrize("img", IMAGES, ids=_ids(IMAGES))
def test_sim_matches_qemu(img):
    reference = _qemu_run(img)
    sim = qemu.run_avf_sim(_image_path(img), smp=img.smp, timeout=img.timeout * 2)
    assert sim.output == reference.output, (
        sim.describe() + "\n" +
        _diff(reference.text, sim.text, ("qemu", "avf-sim")))
    assert (sim.exit_status, sim.timed_out) == (reference.exit_status,
                                                reference.timed_out), sim.describe()
