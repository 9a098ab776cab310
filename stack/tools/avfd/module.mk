# avfd: the service daemon (stack/service does the work).
PROGS += avfd
avfd_SRCS := stack/tools/avfd/main.c
avfd_LIBS := avfservice guestpayload guestcrypto fault
avfd_LDLIBS := -lpthread
