"""Helpers for the pytest harness: running guest images on QEMU and avf-sim, reading
the guest-test manifest and the output of the guest test runtime."""
