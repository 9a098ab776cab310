"""avf-vmm end to end (stack/vmm, stack/tools/avf-vmm, docs/VMM.md).

The VMM's test guest (stack/vmm/testguest/) boots through the whole stack: on the sim
backend here, and on real KVM inside the rig (plain KVM and pKVM, harness/simlib/rig.py)
with the cross-built avf-vmm and the very same guest bytes. The guest finds its 16550 UART
through the DT, prints what the DT told it, brings a second CPU up and down with PSCI and
powers off; as a protected VM it guards its MMIO first, and with the stand-in pvmfw the
hyp enters the firmware, which enters the payload. Its console output must be the same,
byte for byte, everywhere; the exit status says how the VM ended.
"""
import os
import re
import signal
import subprocess
import tempfile
import time

import pytest

from simlib import rig as riglib

REPO = riglib.REPO
SIM_VMM = os.path.join(REPO, "build", "san", "bin", "avf-vmm")
CROSS_VMM = os.path.join(REPO, "build", "cross", "bin", "avf-vmm")
GUEST = os.path.join(REPO, "build", "guest", "img", "vmm-testguest.elf")
FIRMWARE = os.path.join(REPO, "build", "guest", "img", "vmm-testfw.bin")
# The project's real pvmfw (stack/guest/pvmfw, with the development config) and a payload
# signed with the development key (stack/guest/payloads/hello).
PVMFW = os.path.join(REPO, "build", "guest", "img", "pvmfw-dev.bin")
HELLO = os.path.join(REPO, "build", "guest", "img", "payload-hello.payload")


def expected(cpus, protected, firmware=False, bootargs="", name="", mem_mib=16):
    """The test guest's console output for this configuration (payload.c, firmware.c)."""
    lines = []
    if firmware:
        lines.append("testfw: firmware running at 0x7fc00000")
        # The payload's size is its ELF memory span: checked separately, not pinned.
        lines.append(None)
    lines += [
        "testguest: hello from the VMM's test guest",
        "testguest: protected VM (pKVM calls answered)" if protected
        else "testguest: normal VM",
        "testguest: cpus %d, memory 0x80000000 size %#x" % (cpus, mem_mib << 20),
        "testguest: bootargs '%s'" % bootargs,
        "testguest: avf vm-name '%s' instance-id 0x0%s"
        % (name, " protected-vm" if protected else ""),
        "testguest: PSCI 1.1",
        # The virtio console, always there, probed through the VMM's MMIO bus.
        "testguest: virtio-mmio 0x2000000: magic ok, version 2, device 3",
    ]
    for i in range(1, cpus):
        lines += ["testguest: CPU_ON cpu%d: ok" % i, "testguest: cpu%d up" % i,
                  "testguest: cpu%d off again" % i]
    lines.append("testguest: bye")
    return lines


def assert_console(text, want):
    got = text.splitlines()
    assert len(got) == len(want), "got:\n%s\nwant:\n%s" % (text, "\n".join(map(str, want)))
    for g, w in zip(got, want):
        if w is None:
            assert g.startswith("testfw: payload 0x80000000 size 0x") and \
                g.endswith(", entering it at 0x80000000"), g
        else:
            assert g == w, "line %r, want %r\nin:\n%s" % (g, w, text)
    assert text.endswith("\n")


def sim(*args, timeout=120):
    """avf-vmm on the sim: (exit status, console (stdout), messages (stderr))."""
    done = subprocess.run([SIM_VMM, "run", "--mem", "16"] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def only_console(text):
    """The rig merges stdout and stderr: drop the VMM's own lines."""
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith(("vmm: ", "avf-vmm: ")))


# ---- the sim ----------------------------------------------------------------------------

@pytest.mark.parametrize("cpus", [1, 2, 4])
def test_sim_normal_vm(cpus):
    status, out, err = sim("--cpus", str(cpus), "--append", "quiet", "--name", "n1", GUEST)
    assert status == 0, err
    assert_console(out, expected(cpus, False, bootargs="quiet", name="n1"))
    assert err == ""


@pytest.mark.parametrize("firmware", [False, True])
def test_sim_protected_vm(firmware):
    args = ["--protected", "--cpus", "2"] + (["--pvmfw", FIRMWARE] if firmware else [])
    status, out, err = sim(*(args + [GUEST]))
    assert status == 0, err
    assert_console(out, expected(2, True, firmware=firmware))


@pytest.mark.parametrize("end,status,message", [
    ("reset", 32, "the guest asked for a reset (PSCI SYSTEM_RESET)"),
    ("crash", 33, "the guest faulted at IPA 0x10000000"),
    ("hang", 33, "the guest is hung"),
])
def test_sim_exit_status(end, status, message):
    got, out, err = sim("--append", "testguest.end=" + end, GUEST)
    assert got == status, err
    assert message in err
    assert out.startswith("testguest: hello")


def test_sim_instruction_limit():
    status, out, err = sim("--append", "testguest.end=spin", "--max-insns", "500000", GUEST)
    assert status == 124, err
    assert "instruction limit reached: 500000 instructions" in err
    assert out.endswith("testguest: spinning\n")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_sim_signal_ends_cleanly(sig):
    with tempfile.TemporaryDirectory() as tmp:
        console = os.path.join(tmp, "console.txt")
        p = subprocess.Popen([SIM_VMM, "run", "--mem", "16", "--console", console,
                              "--name", "victim", "--append", "testguest.end=spin", GUEST],
                             stderr=subprocess.PIPE)
        # The guest has spoken once its last line before spinning is in the file.
        for _ in range(600):
            if os.path.exists(console) and open(console).read().endswith("spinning\n"):
                break
            time.sleep(0.05)
        # While it runs, `ps` shows the VM's name.
        with open("/proc/%d/cmdline" % p.pid, "rb") as f:
            assert f.read().rstrip(b"\0") == b"avf-vmm: victim"
        with open("/proc/%d/comm" % p.pid) as f:
            assert f.read().strip() == "victim"
        p.send_signal(sig)
        err = p.communicate(timeout=60)[1].decode()
        # After cleaning up it dies of the same signal (a shell shows 128 + N).
        assert p.returncode == -sig, err
        assert open(console).read().endswith("testguest: spinning\n")


def test_sim_config_file():
    with tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False) as f:
        f.write("# a protected VM with two vCPUs\nprotected = true\ncpus = 2\n"
                "append = from the file\nkernel = %s\nname = cfg\n" % GUEST)
    try:
        done = subprocess.run([SIM_VMM, "run", "--mem", "16", "--config", f.name],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.unlink(f.name)
    assert done.returncode == 0, done.stderr.decode()
    assert_console(done.stdout.decode(), expected(2, True, bootargs="from the file",
                                                  name="cfg"))


def test_sim_same_seed_same_run():
    runs = [sim("--cpus", "2", "--seed", "5", "--stats", GUEST) for _ in range(2)]
    stats = [[l for l in err.splitlines() if "guest instructions" in l] for _, _, err in runs]
    assert runs[0][1] == runs[1][1]
    assert stats[0] and stats[0] == stats[1]


@pytest.mark.parametrize("args,message", [
    (["--cpus", "0", GUEST], "--cpus: '0' is not a vCPU count from 1 to 64"),
    (["--mem", "3", GUEST], "--mem: 3 is out of range"),
    (["--bogus", GUEST], "unknown option '--bogus'"),
    ([], "missing IMAGE"),
    (["--vsock", "1,/tmp/x", GUEST], "--vsock: CID '1' must be from 3"),
])
def test_sim_bad_usage(args, message):
    status, out, err = sim(*args)
    assert status == 2
    assert message in err and "Try 'avf-vmm --help'." in err
    assert out == ""


def test_sim_bad_image():
    with tempfile.NamedTemporaryFile(suffix=".elf") as f:
        f.write(b"\x7fELF" + b"\0" * 12)
        f.flush()
        status, out, err = sim(f.name)
    assert status == 1
    assert "ELF truncated" in err


def test_sim_hyp_spec_agrees():
    """Every hyp call the VMM makes (a protected VM with firmware, two vCPUs, teardown
    included) checked against the hyp's executable specification."""
    status, out, err = sim("--check-spec", "--mem", "4", "--cpus", "2", "--protected",
                           "--pvmfw", FIRMWARE, GUEST, timeout=600)
    assert status == 0, err
    assert_console(out, expected(2, True, firmware=True, mem_mib=4))
    assert err == ""


def rig_kernel():
    """The arm64 Debian kernel the rig boots (make rig-prep fetches it once)."""
    done = subprocess.run([os.path.join(REPO, "scripts", "rig", "fetch-kernel")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    assert done.returncode == 0, "no cached kernel (make rig-prep): %s" % done.stderr.decode()
    return done.stdout.decode().strip()


def test_sim_boots_linux():
    """Debian's arm64 Linux Image through the whole stack on the sim: the Image loader, the
    DT (memory, GICv3, timer, PSCI with a second CPU, 16550, initrd), to /init and its
    power-off. The host build: the san one is too slow for a kernel boot."""
    vmm = os.path.join(REPO, "build", "host", "bin", "avf-vmm")
    initrd = riglib.default_initrd()
    done = subprocess.run([vmm, "run", "--mem", "256", "--cpus", "2", "--initrd", initrd,
                           "--append", "console=ttyS0 rdinit=/init panic=-1", rig_kernel()],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
    out = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, out[-3000:] + done.stderr.decode()
    for line in ("psci: PSCIv1.1 detected in firmware.",
                 "GICv3: CPU1: found redistributor 1 region 0:0x000000003ffd0000",
                 "SMP: Total of 2 processors activated.",
                 "Run /init as init process",
                 "reboot: Power down"):
        assert line in out, "%r missing from:\n%s" % (line, out[-3000:])
    # The UART has its SPI in the DT (an interrupt, not polling: Linux's virq number is its
    # own, anything but 0), and what /init printed reached the console through it.
    assert re.search(r"3f8\.uart: ttyS0 at MMIO 0x3f8 \(irq = [1-9][0-9]*, base_baud = 115200\) "
                     r"is a 16550A", out), out[-3000:]
    assert "@@RIG:" in out


# What testguest.irq=uart adds (stack/vmm/testguest/irq.c): a line sent one byte per
# THR-empty interrupt from the guest's IRQ handler, and the exact interrupt count.
IRQ_LINES = [
    "testguest: irq: UART on INTID 32, GIC ready",
    "testguest: this line was sent from the UART's interrupt handler, one byte per "
    "THR-empty interrupt",
    "testguest: irq: 99 interrupts on INTID 32 for 98 bytes, 0 other, 0 spurious",
]


# What testguest.irq=rng adds with --rng (stack/vmm/testguest/virtio_irq.c): three
# virtio-rng requests, each completion taken as the transport's used-buffer interrupt.
RNG_LINES = [
    "testguest: virtio-mmio 0x2001000: magic ok, version 2, device 4",
    "testguest: irq: virtio-rng at 0x2001000 on INTID 49, GIC ready",
] + ["testguest: irq: request %d: 16 bytes, InterruptStatus 0x1" % n for n in (1, 2, 3)] + [
    "testguest: irq: 3 interrupts on INTID 49 for 3 requests, 0 other, 0 spurious",
]


def irq_expected(cpus, protected, firmware=False, rng=False, mem_mib=16):
    bootargs = "testguest.irq=uart" + (" testguest.irq=rng" if rng else "")
    lines = expected(cpus, protected, firmware=firmware, bootargs=bootargs, mem_mib=mem_mib)
    if not rng:
        return lines[:-1] + IRQ_LINES + lines[-1:]
    probe = lines.index("testguest: virtio-mmio 0x2000000: magic ok, version 2, device 3")
    lines.insert(probe + 1, RNG_LINES[0])
    return lines[:-1] + IRQ_LINES + RNG_LINES[1:] + lines[-1:]


def irq_args(protected):
    """Normal VMs take the UART's and the virtio-rng's interrupts; protected ones the
    UART's (the rng demo would need its rings shared with MEM_SHARE first)."""
    if protected:
        return ["--cpus", "2", "--append", "testguest.irq=uart"]
    return ["--cpus", "2", "--rng", "--append", "testguest.irq=uart testguest.irq=rng"]


@pytest.mark.parametrize("kind", ["normal", "protected+pvmfw"])
def test_sim_device_interrupts(kind):
    """The guest's GIC takes the UART's SPI (and, in a normal VM, the virtio-rng's),
    raised and lowered by the VMM through the hyp's SET_IRQ: without the interrupt the
    guest would sleep in WFI forever (the sim reports a hang, status 33)."""
    protected = kind != "normal"
    status, out, err = sim(*(irq_args(protected) +
                             (["--protected", "--pvmfw", FIRMWARE] if protected else []) +
                             [GUEST]))
    assert status == 0, err
    assert_console(out, irq_expected(2, protected, firmware=protected, rng=not protected))


def test_sim_device_interrupts_hyp_spec_agrees():
    """Every SET_IRQ the VMM's devices make (and every other hyp call) checked against the
    hyp's executable specification."""
    status, out, err = sim(*(["--check-spec", "--mem", "4"] + irq_args(False) + [GUEST]),
                           timeout=600)
    assert status == 0, err
    assert_console(out, irq_expected(2, False, rng=True, mem_mib=4))
    assert err == ""


@pytest.mark.parametrize("rule, message", [
    ("hyp.pool_oom:at=1", "vmm: vm: INIT_VM: Cannot allocate memory"),
    ("hyp.pool_oom:at=2", "vmm: vm: share page at IPA 0x80000000: Cannot allocate memory"),
    ("hyp.host_call:at=1", "vmm: vm: INIT_VM: Cannot allocate memory"),
])
def test_sim_hyp_fault_points(rule, message):
    """The hyp's fault points reach avf-vmm through AVF_FAULTS: the VMM takes its real
    error path (the VM is not created, what was built is torn down, status 1), and the
    hyp's executable specification, checking every call, expects the injected failure
    instead of reporting a disagreement."""
    env = dict(os.environ, AVF_FAULTS=rule)
    done = subprocess.run([SIM_VMM, "run", "--check-spec", "--mem", "4", GUEST], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert message in err, err
    assert "disagrees with its specification" not in err
    assert done.stdout == b""


def test_help():
    done = subprocess.run([SIM_VMM, "--help"], stdout=subprocess.PIPE, timeout=30)
    assert done.returncode == 0
    assert b"usage: avf-vmm run [options] IMAGE" in done.stdout


# ---- KVM in the rig ------------------------------------------------------------------------

@pytest.mark.parametrize("mode", riglib.MODES)
@pytest.mark.parametrize("kind", ["normal", "protected+pvmfw"])
def test_kvm_matches_sim(mode, kind):
    protected = kind != "normal"
    sim_status, sim_out, sim_err = sim(*(["--cpus", "2"] +
                                         (["--protected", "--pvmfw", FIRMWARE] if protected
                                          else []) + [GUEST]))
    assert sim_status == 0, sim_err
    assert_console(sim_out, expected(2, protected, firmware=protected))
    r = riglib.run(["avf-vmm", "run", "--backend", "kvm", "--mem", "16", "--cpus", "2"] +
                   (["--protected", "--pvmfw", "/data/fw.bin"] if protected else []) +
                   ["/data/guest.elf"], mode=mode,
                   files=(CROSS_VMM, (GUEST, "/data/guest.elf"), (FIRMWARE, "/data/fw.bin")))
    assert r.status == 0, r.describe()
    assert only_console(r.text) == sim_out, r.describe()


@pytest.mark.parametrize("mode", riglib.MODES)
def test_kvm_device_interrupts_match_sim(mode):
    """The same interrupts on real KVM (plain KVM: a normal VM, UART and virtio-rng; pKVM:
    a protected VM with the stand-in firmware, UART): the VMM drives the SPIs with
    SET_IRQ, the hyp's HAL turns it into KVM_IRQ_LINE, the vGIC delivers it. The second vCPU is
    powered off when the VM ends (blocked in KVM_RUN): VCPU_KICK brings its thread back,
    so avf-vmm ends with status 0 and says nothing about stuck threads."""
    protected = mode == "protected"
    args = irq_args(protected)
    sim_status, sim_out, sim_err = sim(*(args + (["--protected", "--pvmfw", FIRMWARE]
                                                 if protected else []) + [GUEST]))
    assert sim_status == 0, sim_err
    r = riglib.run(["avf-vmm", "run", "--backend", "kvm", "--mem", "16"] + args +
                   (["--protected", "--pvmfw", "/data/fw.bin"] if protected else []) +
                   ["/data/guest.elf"], mode=mode,
                   files=(CROSS_VMM, (GUEST, "/data/guest.elf"), (FIRMWARE, "/data/fw.bin")))
    assert r.status == 0, r.describe()
    assert only_console(r.text) == sim_out, r.describe()
    assert "still inside VCPU_RUN" not in r.text


def test_real_pvmfw_boots_signed_payload_same_on_sim_and_pkvm():
    """AVF's protected boot chain through the VMM: the hyp enters pvmfw, which checks the
    VMM's DT, verifies the signed payload named by /avf/payload, derives the instance's
    secrets from /avf/instance-id and hands over to the payload's runtime. Same bytes on
    the sim and on pKVM."""
    args = ["--protected", "--pvmfw", PVMFW, "--mem", "32", "--instance-id", "0x1234", HELLO]
    status, out, err = sim(*args)
    assert status == 0, err
    assert out.startswith("pvmfw: payload version 1, key id ccfcf4f13dc79b7f")
    assert "hello: Hello from a verified payload\n" in out
    assert out.endswith("runtime: payload exited with 0\n")
    r = riglib.run(["avf-vmm", "run", "--backend", "kvm", "--protected", "--pvmfw",
                    "/data/pvmfw.bin", "--mem", "32", "--instance-id", "0x1234",
                    "/data/hello.payload"], mode="protected",
                   files=(CROSS_VMM, (PVMFW, "/data/pvmfw.bin"), (HELLO, "/data/hello.payload")))
    assert r.status == 0, r.describe()
    assert only_console(r.text) == out, r.describe()


def test_kvm_exit_status_reset():
    r = riglib.run(["avf-vmm", "run", "--backend", "kvm", "--mem", "16", "--append",
                    "testguest.end=reset", "/data/guest.elf"], mode="plain",
                   files=(CROSS_VMM, (GUEST, "/data/guest.elf")))
    assert r.status == 32, r.describe()
    assert "the guest asked for a reset" in r.text
