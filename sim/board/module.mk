# sim/board: avf-sim, the standalone board runner imitating QEMU's virt machine.
# Library `simboard` is everything but main.c, so unit tests link it; the program adds
# main.c. Uses the sim only through sim/sim.h, and the image loaders of lib/image.
LIBS += simboard
simboard_SRCS := $(filter-out sim/board/main.c,$(call lib_srcs,sim/board))
PROGS += avf-sim
avf-sim_SRCS := sim/board/main.c
avf-sim_LIBS := simboard image sim
avf-sim_LDLIBS := -lfdt
$(call unit_tests,sim/board,simboard image sim,-lcmocka -lfdt)
