# avf-rpc-echo: calls a payload's echo RPC (method 1) through the VMM's vsock socket with
# libavf's RPC client and checks every answer (docs/RPC.md; harness/test_runtime.py).
PROGS += avf-rpc-echo
avf-rpc-echo_SRCS := stack/tools/avf-rpc-echo/main.c
avf-rpc-echo_LIBS := avfapi avfservice
avf-rpc-echo_LDLIBS := -lpthread
