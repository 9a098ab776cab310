"""The coverage replay of fuzz corpora (fuzz/replay/, docs/FUZZING.md § Coverage): a fuzz
target linked with the plain main instead of libFuzzer replays every file of a corpus
directory once, in name order, and fails on a path it cannot read."""
import subprocess

import pytest

from simlib.qemu import REPO_ROOT, build_dir


@pytest.fixture(scope="module")
def replay():
    target = build_dir() / "cov" / "fuzz-replay" / "image_loader"
    subprocess.run(["make", "-s", "--no-print-directory", "-f", "Makefile", "-f",
                    "fuzz/replay/replay.mk", str(target.relative_to(REPO_ROOT))],
                   cwd=REPO_ROOT, check=True)
    return target


def test_replays_each_corpus_file_once(replay, tmp_path):
    corpus = REPO_ROOT / "fuzz" / "corpus" / "image_loader"
    files = [p for p in corpus.iterdir() if p.is_file()]
    assert files
    (tmp_path / "empty").write_bytes(b"")
    proc = subprocess.run([str(replay), str(corpus), str(tmp_path / "empty")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == f"replay: {len(files) + 1} inputs"


def test_unreadable_path_fails(replay, tmp_path):
    proc = subprocess.run([str(replay), str(tmp_path / "nope")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "nope: No such file or directory" in proc.stderr
    assert proc.stdout.strip() == "replay: 0 inputs"
    assert subprocess.run([str(replay)], capture_output=True).returncode == 2
