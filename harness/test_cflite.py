"""ClusterFuzzLite layout (.clusterfuzzlite/, docs/FUZZING.md): build.sh run locally the
OSS-Fuzz way must put every fuzz target of the Makefile in $OUT with its seed corpus zip
and dictionary, and each target must run an input from its corpus.

The object tree is kept in $BUILD/cflite-work so that a second run is incremental.

make test builds every target already (the fuzz flavour), so here build.sh builds one
target per outside library the targets link (libcrypto, libfdt, libyaml) plus the
whole-VM target, with ASan+UBSan the OSS-Fuzz way (FUZZ_TARGETS); every declared target
is still checked for its corpus and dictionary. `CFLITE_ALL=1` builds them all (about 13
minutes from scratch on two cores)."""
import os
import pathlib
import subprocess
import zipfile

import pytest
import yaml

from simlib.qemu import REPO_ROOT, build_dir

CFLITE = REPO_ROOT / ".clusterfuzzlite"


SUBSET = ["payload_verify", "fdt_reader", "scenario_parser", "whole_vm"]


def built_fuzzers() -> list[str]:
    return makefile_fuzzers() if os.environ.get("CFLITE_ALL") else SUBSET


def makefile_fuzzers() -> list[str]:
    """FUZZERS as the Makefile declares them (independently of build.sh)."""
    out = subprocess.run(
        ["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", "/dev/stdin", "print-fuzzers"],
        input="print-fuzzers:\n\t@echo $(FUZZERS)\n", cwd=REPO_ROOT, text=True,
        capture_output=True, check=True).stdout.split()
    assert out, "the Makefile declares no fuzz targets"
    return out


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("cflite-out")
    env = dict(os.environ,
               CC="clang",
               CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link",
               LIB_FUZZING_ENGINE="-fsanitize=fuzzer",
               OUT=str(out), WORK=str(build_dir() / "cflite-work"))
    if not os.environ.get("CFLITE_ALL"):
        env["FUZZ_TARGETS"] = " ".join(SUBSET)
    proc = subprocess.run([str(CFLITE / "build.sh")], cwd=REPO_ROOT, env=env, text=True,
                          capture_output=True, timeout=3600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def test_project_files():
    project = yaml.safe_load((CFLITE / "project.yaml").read_text())
    assert project["language"] == "c"
    docker = (CFLITE / "Dockerfile").read_text()
    assert docker.startswith("#") and "FROM gcr.io/oss-fuzz-base/base-builder" in docker
    assert "COPY .clusterfuzzlite/build.sh $SRC/" in docker
    assert os.access(CFLITE / "build.sh", os.X_OK)


def test_every_target_has_corpus_and_dict():
    for t in makefile_fuzzers():
        seeds = sorted(p.name for p in (REPO_ROOT / "fuzz" / "corpus" / t).glob("*") if p.is_file())
        assert seeds, f"{t}: no seed corpus in fuzz/corpus/{t}"
        assert (REPO_ROOT / "fuzz" / f"{t}.dict").is_file(), f"{t}: no dictionary fuzz/{t}.dict"


def test_subset_names_real_targets():
    assert set(SUBSET) <= set(makefile_fuzzers())


def test_unknown_target_is_refused(tmp_path):
    env = dict(os.environ, CC="clang", LIB_FUZZING_ENGINE="-fsanitize=fuzzer",
               OUT=str(tmp_path), FUZZ_TARGETS="no_such_target")
    proc = subprocess.run([str(CFLITE / "build.sh")], cwd=REPO_ROOT, env=env, text=True,
                          capture_output=True, timeout=120)
    assert proc.returncode == 1
    assert "build.sh: FUZZ_TARGETS: no fuzz target 'no_such_target'" in proc.stderr


def test_built_targets_with_corpus_and_dict(out_dir):
    for t in built_fuzzers():
        binary = out_dir / t
        assert binary.is_file() and os.access(binary, os.X_OK), f"{t}: no target in $OUT"
        seeds = sorted(p.name for p in (REPO_ROOT / "fuzz" / "corpus" / t).glob("*") if p.is_file())
        assert seeds, f"{t}: no seed corpus in fuzz/corpus/{t}"
        with zipfile.ZipFile(out_dir / f"{t}_seed_corpus.zip") as z:
            assert sorted(z.namelist()) == seeds, f"{t}: the zip does not hold the corpus"
        dict_src = REPO_ROOT / "fuzz" / f"{t}.dict"
        assert dict_src.is_file(), f"{t}: no dictionary fuzz/{t}.dict"
        assert (out_dir / f"{t}.dict").read_bytes() == dict_src.read_bytes()


def test_targets_find_their_libraries(out_dir):
    """Libraries the base runner lacks travel in $OUT/lib, found through $ORIGIN."""
    for t in built_fuzzers():
        dyn = subprocess.run(["readelf", "-d", str(out_dir / t)], capture_output=True,
                             text=True, check=True).stdout
        assert "$ORIGIN/lib" in dyn, f"{t}: no $ORIGIN/lib run path"
        ldd = subprocess.run(["ldd", str(out_dir / t)], capture_output=True, text=True).stdout
        for line in ldd.splitlines():
            if any(lib in line for lib in ("libfdt", "libcrypto", "libyaml")):
                assert str(out_dir / "lib") in line, f"{t}: {line.strip()}"


def test_each_target_runs_one_seed(out_dir):
    for t in built_fuzzers():
        seed = sorted((REPO_ROOT / "fuzz" / "corpus" / t).glob("*"))[0]
        proc = subprocess.run([str(out_dir / t), "-runs=1", str(seed)], cwd=out_dir,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{t}: {proc.stderr[-2000:]}"
        assert "Executed" in proc.stderr, f"{t}: did not run the input"
