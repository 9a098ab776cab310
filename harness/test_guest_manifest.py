"""The harness's own helpers: manifest validation and parsing of guest test output."""
import pytest

from simlib import guest_tests

GOOD_OUTPUT = """IMAGE demo: 3 tests
  x = 0x1
PASS first
  FAIL demo.c:3: x = 0x1, expected 0x2
FAIL second
PASS third
SUMMARY: 3 tests, 1 failed
"""


def test_parse_output_reads_verdicts_and_summary():
    report = guest_tests.parse_output(GOOD_OUTPUT)
    assert report.results == {"first": "PASS", "second": "FAIL", "third": "PASS"}
    assert (report.total, report.failed) == (3, 1)
    assert report.failing == {"second"}


def test_parse_output_without_summary():
    report = guest_tests.parse_output("IMAGE demo: 1 tests\nPASS first\n")
    assert report.total is None and report.failed is None


def test_indented_lines_are_not_verdicts():
    # "  FAIL file:line: ..." is a check's message, not a test result.
    assert guest_tests.parse_output("  FAIL a.c:1: x\n").results == {}


def test_repository_manifest_is_valid():
    images = guest_tests.load_manifest()
    assert images and all(img.image.startswith("simtest-") for img in images)


@pytest.mark.parametrize("body, message", [
    ("images: {}", "images"),
    ("images:\n  - smp: 2\n", "needs a name"),
    ("images:\n  - name: a\n    colour: red\n", "unknown keys"),
    ("images:\n  - name: a\n    expect: fail\n", "failing_tests"),
    ("images:\n  - name: a\n    smp: 9\n", "smp"),
    ("images:\n  - name: a\n  - name: a\n", "duplicate"),
])
def test_bad_manifests_are_rejected(tmp_path, body, message):
    path = tmp_path / "manifest.yaml"
    path.write_text(body)
    with pytest.raises(ValueError, match=message):
        guest_tests.load_manifest(path)


def test_defaults(tmp_path):
    path = tmp_path / "manifest.yaml"
    path.write_text("images:\n  - name: demo\n")
    (img,) = guest_tests.load_manifest(path)
    assert (img.image, img.smp, img.qemu_cpu, img.expect) == ("simtest-demo", 1,
                                                               "cortex-a72", "pass")
