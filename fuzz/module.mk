# libFuzzer targets. Each fuzz/<name>.c defines LLVMFuzzerTestOneInput; its seed corpus is
# fuzz/corpus/<name>/ and its dictionary fuzz/<name>.dict (OSS-Fuzz layout).
FUZZERS += hyp_host_calls
hyp_host_calls_SRCS := fuzz/hyp_host_calls.c
hyp_host_calls_LIBS := hyp fault hal sim
hyp_host_calls_LDLIBS := -lpthread

# The hyp against its executable specification: host and guest calls across several VMs.
FUZZERS += hyp_spec_calls
hyp_spec_calls_SRCS := fuzz/hyp_spec_calls.c
hyp_spec_calls_LIBS := hypspec hyp fault hal sim
hyp_spec_calls_LDLIBS := -lpthread

# virtio devices' queue processing (stack/vmm): one target per device on a shared harness
# (fuzz/virtio_fuzz.c: fake guest memory, a fake driver, op decoding and oracles).
VIRTIO_FUZZ_DEVICES := blk console vsock net rng
$(foreach d,$(VIRTIO_FUZZ_DEVICES),$(eval FUZZERS += virtio_$(d))\
$(eval virtio_$(d)_SRCS := fuzz/virtio_$(d).c fuzz/virtio_fuzz.c)\
$(eval virtio_$(d)_LIBS := vmm fault)$(eval virtio_$(d)_LDLIBS := -lpthread))

# Signed payload parsing and verification (stack/guest/payload), OpenSSL as the oracle.
FUZZERS += payload_verify
payload_verify_SRCS := fuzz/payload_verify.c
payload_verify_LIBS := guestpayload guestcrypto
payload_verify_LDLIBS := -lcrypto

# The guest FDT reader and the firmware's DT checks (stack/guest/fdt, pvmfw), libfdt as
# the oracle.
FUZZERS += fdt_reader
fdt_reader_SRCS := fuzz/fdt_reader.c
fdt_reader_LIBS := pvmfwcore guestpayload guestfdt guestcrypto
fdt_reader_LDLIBS := -lfdt

# The service's request decoder (stack/service/protocol.c): round-trip oracle.
FUZZERS += svc_request
svc_request_SRCS := fuzz/svc_request.c stack/service/protocol.c

# The guest image loaders (lib/image) used by avf-sim and avf-vmm: placement oracle.
FUZZERS += image_loader
image_loader_SRCS := fuzz/image_loader.c
image_loader_LIBS := image

# avf-vmm's config file parser: errors with messages, owned strings, sane numbers.
FUZZERS += vmm_config
vmm_config_SRCS := fuzz/vmm_config.c
vmm_config_LIBS := avfvmmcli image

# The RPC framing shared by the guest's vsock RPC server and libavf's client
# (stack/guest/rtlib/rpc_frame.c, docs/RPC.md): rules oracle and round trip.
FUZZERS += rpc_frame
rpc_frame_SRCS := fuzz/rpc_frame.c
rpc_frame_LIBS := guestrtlib
