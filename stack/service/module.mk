# stack/service: the VirtualizationService-like layer (docs/SERVICE.md): the wire
# protocol shared with libavf, the lifecycle and policy tables, and the daemon's parts
# (avfd's main is stack/tools/avfd). Payload verification is the firmware's own code.
LIBS += avfservice
avfservice_SRCS := $(call lib_srcs,stack/service)
$(call unit_tests,stack/service,avfservice guestpayload guestcrypto,-lcmocka)
