# hyp/spec: the hyp's executable specification (library `hypspec`), an independent model
# checked against the real hyp after every call. Depends on the hyp only through hyp.h.
LIBS += hypspec
hypspec_SRCS := $(call lib_srcs,stack/hyp/spec)
$(call unit_tests,stack/hyp/spec,hypspec hyp fault hal sim,-lcmocka -lpthread)
