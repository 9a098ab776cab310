# image: guest image loaders (ELF, arm64 Linux Image, raw) and one-line error messages.
# A leaf library: it depends on nothing else in the tree, so every layer may use it
# (sim/board's avf-sim and the VMM both do).
LIBS += image
image_SRCS := $(call lib_srcs,lib/image)
$(call unit_tests,lib/image,image,-lcmocka)
