# The "ml" payload (docs/PAYLOADS.md): its image is declared by
# stack/guest/payloads/module.mk (PAYLOADS), which includes this file after its own
# declarations (the top-level Makefile reads module.mk files at most three directories
# deep). It adds the signed version and the use-case core library.
PAYLOAD_VERSION_ml := 1
payload-ml_LIBS = guestusecase $(RT_LIBS)
