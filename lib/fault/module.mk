# fault: named fault-injection points (a leaf library every layer may use; docs/SCENARIOS.md
# lists the points and the rule grammar, lib/fault/fault.h is the contract).
LIBS += fault
fault_SRCS := $(call lib_srcs,lib/fault)
$(call unit_tests,lib/fault,fault,-lcmocka -lpthread)
