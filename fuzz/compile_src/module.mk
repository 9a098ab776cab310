# The compile use case's compiler (stack/guest/usecase/compile.c) and artifact
# interpreter, fed arbitrary source text: the safe path only (the deliberate symbol-table
# bug is off, docs/PAYLOADS.md); oracles in compile_src.c. Seeds in
# fuzz/corpus/compile_src/, dictionary fuzz/compile_src.dict (scripts/fuzz-campaign's
# layout).
FUZZERS += compile_src
compile_src_SRCS := fuzz/compile_src/compile_src.c
compile_src_LIBS := guestusecase guestcrypto
