"""The guest-test manifest (sim/tests/manifest.yaml) and the output of the guest test
runtime (sim/tests/lib/test.h): one `PASS name` / `FAIL name` line per test and a final
`SUMMARY: N tests, M failed` line."""
from __future__ import annotations

import dataclasses
import re

import yaml

from simlib.qemu import REPO_ROOT

MANIFEST = REPO_ROOT / "sim" / "tests" / "manifest.yaml"

_KEYS = {"name", "image", "smp", "qemu_cpu", "timeout", "expect", "failing_tests",
         "description"}


@dataclasses.dataclass(frozen=True)
class GuestImage:
    name: str                   # test id
    image: str                  # build/guest/img/<image>.elf
    smp: int = 1
    qemu_cpu: str = "cortex-a72"
    timeout: float = 60.0       # seconds, per run, on either runner
    expect: str = "pass"        # "pass": every test passes; "fail": exactly failing_tests
    failing_tests: tuple[str, ...] = ()
    description: str = ""


def load_manifest(path=MANIFEST) -> list[GuestImage]:
    """Parse the manifest; a malformed entry raises ValueError naming it."""
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("images"), list):
        raise ValueError(f"{path}: expected a mapping with an 'images' list")
    images = []
    for i, raw in enumerate(doc["images"]):
        if not isinstance(raw, dict) or "name" not in raw:
            raise ValueError(f"{path}: images[{i}] needs a name")
        unknown = set(raw) - _KEYS
        if unknown:
            raise ValueError(f"{path}: {raw['name']}: unknown keys {sorted(unknown)}")
        entry = dict(raw)
        entry.setdefault("image", f"simtest-{raw['name']}")
        entry["failing_tests"] = tuple(entry.get("failing_tests", ()))
        img = GuestImage(**entry)
        if img.expect not in ("pass", "fail") or (img.expect == "fail") != bool(
                img.failing_tests):
            raise ValueError(f"{path}: {img.name}: expect must be 'pass', or 'fail' "
                             "with failing_tests")
        if not 1 <= img.smp <= 8:
            raise ValueError(f"{path}: {img.name}: smp must be 1..8")
        images.append(img)
    names = [img.name for img in images]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: duplicate image names")
    return images


_RESULT = re.compile(r"^(PASS|FAIL) (\S+)$")
_SUMMARY = re.compile(r"^SUMMARY: (\d+) tests, (\d+) failed$")


@dataclasses.dataclass(frozen=True)
class GuestReport:
    results: dict[str, str]     # test name -> "PASS" / "FAIL", in output order
    total: int | None           # from the SUMMARY line; None if there was none
    failed: int | None

    @property
    def failing(self) -> set[str]:
        return {name for name, verdict in self.results.items() if verdict == "FAIL"}


def parse_output(text: str) -> GuestReport:
    results: dict[str, str] = {}
    total = failed = None
    for line in text.splitlines():
        m = _RESULT.match(line)
        if m:
            results[m.group(2)] = m.group(1)
            continue
        m = _SUMMARY.match(line)
        if m:
            total, failed = int(m.group(1)), int(m.group(2))
    return GuestReport(results, total, failed)
