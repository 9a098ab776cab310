# stack/api: libavf, the C API of the service (avf.h; docs/SERVICE.md). The archive is
# libavfapi.a: the name `avf` is the CLI program's (stack/tools/avf), and a library and
# a program of one name would share the avf_SRCS variable of the Makefile.
LIBS += avfapi
avfapi_SRCS := $(call lib_srcs,stack/api)
# The RPC client shares the guest's framing code (docs/RPC.md): one encoder/decoder.
avfapi_SRCS += stack/guest/rtlib/rpc_frame.c
$(call unit_tests,stack/api,avfapi avfservice,-lcmocka -lpthread)
