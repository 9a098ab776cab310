# avf: the command-line tool of the service (docs/SERVICE.md, "CLI"), on libavf.
PROGS += avf
avf_SRCS := $(call lib_srcs,stack/tools/avf)
avf_LIBS := avfapi avfservice
avf_LDLIBS := -lpthread
