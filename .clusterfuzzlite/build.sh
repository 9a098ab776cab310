#!/bin/bash -eu
# Build every fuzz target of the project the OSS-Fuzz way (docs/FUZZING.md):
#   $CC $CFLAGS             compiler and flags (sanitizers, coverage instrumentation)
#   $LIB_FUZZING_ENGINE     what to link the engine with (e.g. -fsanitize=fuzzer)
#   $OUT                    where the targets, NAME_seed_corpus.zip and NAME.dict go
#   $WORK (optional)        scratch space; the object tree goes to $WORK/avf-build
#   $FUZZ_TARGETS (optional) build only these targets (names from the Makefile's
#                           FUZZERS; local use: the harness builds a few, not all)
# Works in the ClusterFuzzLite container ($SRC/avf) and locally from a checkout:
#   CC=clang CFLAGS="-O1 -g -fsanitize=address,fuzzer-no-link" \
#     LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out ./.clusterfuzzlite/build.sh
# The project's Makefile builds the targets (its fuzz flavour, with the compiler and
# flags overridden from the environment), so the target list is the Makefile's FUZZERS.
: "${CC:?set CC}" "${OUT:?set OUT}"
OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)
[ -z "${WORK:-}" ] || WORK=$(mkdir -p "$WORK" && cd "$WORK" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." 2>/dev/null && pwd)
[ -f "$src/Makefile" ] || src=${SRC:-.}/avf
cd "$src"
CFLAGS=${CFLAGS:-}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:?set LIB_FUZZING_ENGINE}
work=${WORK:-$OUT/.work}
build=$work/avf-build
jobs=${JOBS:-2}
mkdir -p "$OUT" "$build"

# make does not track flags: objects built with other ones are thrown away.
flags="$CC|$CFLAGS|$LIB_FUZZING_ENGINE"
if [ "$(cat "$build/.flags" 2>/dev/null)" != "$flags" ]; then
  rm -rf "$build/fuzz"
  printf '%s' "$flags" >"$build/.flags"
fi

# The container (Dockerfile) or the developer installed the packages; do not let make
# run scripts/deps.sh (it would try apt-get as the build user).
touch "$build/.deps-ok"

fuzzers=$(make -s --no-print-directory BUILD="$build" -f Makefile \
            -f <(printf 'print-fuzzers:\n\t@echo $(FUZZERS)\n') print-fuzzers)
[ -n "$fuzzers" ] || { echo "build.sh: the Makefile declares no fuzzers" >&2; exit 1; }
if [ -n "${FUZZ_TARGETS:-}" ]; then
  for t in $FUZZ_TARGETS; do
    grep -qw -- "$t" <<<"$fuzzers" || { echo "build.sh: FUZZ_TARGETS: no fuzz target '$t'" >&2; exit 1; }
  done
  fuzzers=$FUZZ_TARGETS
fi

# Libraries outside the base runner image travel with the targets, found via $ORIGIN.
# ($$ is make's escape; the single quotes keep the recipe's shell off $ORIGIN.)
rpath="-Wl,-rpath,'\$\$ORIGIN/lib'"
targets=()
for t in $fuzzers; do targets+=("$build/fuzz/fuzz/$t"); done
make -j"$jobs" --no-print-directory BUILD="$build" \
  CC_fuzz="$CC" \
  CF_fuzz='$(filter-out -Werror -Wshadow,$(COMMON)) -DAVF_FUZZING=1 $(if $(filter x86_64,$(shell uname -m)),-mcx16) '"$CFLAGS" \
  LD_fuzz="$CFLAGS $LIB_FUZZING_ENGINE $rpath" \
  "${targets[@]}"

mkdir -p "$OUT/lib"
for t in $fuzzers; do
  cp "$build/fuzz/fuzz/$t" "$OUT/$t"
  [ -f "fuzz/$t.dict" ] && cp "fuzz/$t.dict" "$OUT/$t.dict"
  if [ -d "fuzz/corpus/$t" ] && [ -n "$(ls -A "fuzz/corpus/$t")" ]; then
    rm -f "$OUT/${t}_seed_corpus.zip"
    (cd "fuzz/corpus/$t" && python3 -m zipfile -c "$OUT/${t}_seed_corpus.zip" ./*)
  fi
  # Copy the shared libraries the base runner does not have (libfdt, libcrypto, libyaml:
  # everything but the C runtime's), once.
  ldd "$OUT/$t" | awk '/=> \// {print $3}' |
    grep -vE '/(libc|libm|libpthread|libdl|librt|libresolv|libgcc_s|libstdc\+\+|ld-linux[^/]*)\.so' |
    while read -r lib; do
      case $lib in "$OUT"/lib/*) ;; *) cp -L "$lib" "$OUT/lib/" ;; esac
    done
done
echo "build.sh: $(wc -w <<<"$fuzzers") fuzz targets in $OUT"
