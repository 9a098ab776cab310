#!/usr/bin/python3
"""Regenerate the seed corpora of fuzz/payload_verify.c and fuzz/fdt_reader.c.

    /usr/bin/python3 stack/guest/gen_fuzz_seeds.py [BUILD]

Payload seeds are signed by the project's own avf-sign (BUILD/host/bin/avf-sign) with the
fuzz target's key: the Ed25519 secret SHA-256("avf fuzz payload key"), wrapped here as a
PKCS#8 PEM. Each payload seed starts with the 8-byte little-endian rollback floor the
target reads first. DT seeds are compiled with dtc from the sources below: the VM tree
the firmware expects (fdt address: RAM + 14 MiB, as the target assumes) and variants.
The output is deterministic (Ed25519 signing is), so rerunning changes nothing.
"""
import base64
import hashlib
import os
import pathlib
import struct
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "build")
AVF_SIGN = BUILD / "host" / "bin" / "avf-sign"

PKCS8_ED25519_PREFIX = bytes.fromhex("302e020100300506032b657004220420")


def fuzz_key_pem():
    seed = hashlib.sha256(b"avf fuzz payload key").digest()
    der = base64.encodebytes(PKCS8_ED25519_PREFIX + seed).decode()
    return "-----BEGIN PRIVATE KEY-----\n%s-----END PRIVATE KEY-----\n" % der


def sign(tmp, code, *args):
    (tmp / "code.bin").write_bytes(code)
    subprocess.run([str(AVF_SIGN), "sign", "--key", str(tmp / "fuzz.key"), *args,
                    str(tmp / "code.bin"), str(tmp / "out.payload")], check=True,
                   stdout=subprocess.DEVNULL)
    return (tmp / "out.payload").read_bytes()


def payload_seeds(out):
    out.mkdir(parents=True, exist_ok=True)
    floor = lambda n: struct.pack("<Q", n)
    code = bytes((i * 7 + 1) & 0xff for i in range(256))
    with tempfile.TemporaryDirectory() as d:
        tmp = pathlib.Path(d)
        (tmp / "fuzz.key").write_text(fuzz_key_pem())
        good512 = sign(tmp, code, "--version", "5", "--entry", "8")
        good256 = sign(tmp, code[:40], "--version", "1", "--hash", "sha256",
                       "--load-addr", "0x80200000", "--mem-size", "0x10000")
    seeds = {
        "valid_sha512": floor(0) + good512,
        "valid_sha256": floor(1) + good256,
        "rollback": floor(6) + good512,
        "bad_signature": floor(0) + good512[:-1] + bytes([good512[-1] ^ 1]),
        "truncated_code": floor(0) + good512[:200],
        "header_only": floor(0) + good512[:128],
        "trailing": floor(0) + good256 + b"\0",
        "empty": floor(0),
    }
    for name, data in seeds.items():
        (out / name).write_bytes(data)


VM_DTS = """/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "linux,dummy-virt";
	memory {
		device_type = "memory";
		reg = <0 0x80000000 0 0x1000000>;
	};
	U6_16550A@3f8 {
		compatible = "ns16550a";
		reg = <0 0x3f8 0 0x8>;
	};
	avf {
		compatible = "avf,pvm";
		payload = /bits/ 64 <0x80800000 0x1000>;
		instance-id = [01 02 03 04 05 06 07 08];
		%(debug)s
		%(extra)s
	};
	chosen {
		bootargs = "quiet";
		stdout-path = "/U6_16550A@3f8";
		%(chosen)s
	};
};
"""


def dt_seeds(out):
    out.mkdir(parents=True, exist_ok=True)
    variants = {
        "vm": dict(debug="", extra="", chosen=""),
        "vm_debug_sanitise": dict(debug="debug;", extra='secret = "x";',
                                  chosen="kaslr-seed = /bits/ 64 <0x1234>;"),
        "vm_debug_u32": dict(debug="debug = <1>;", extra="", chosen=""),
        "vm_no_payload": dict(debug="", extra="", chosen="").copy(),
    }
    for name, subst in variants.items():
        dts = VM_DTS % subst
        if name == "vm_no_payload":
            dts = dts.replace("\t\tpayload = /bits/ 64 <0x80800000 0x1000>;\n", "")
        dtb = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "-", "-"],
                             input=dts.encode(), stdout=subprocess.PIPE, check=True).stdout
        (out / name).write_bytes(dtb)


def main():
    if not AVF_SIGN.exists():
        sys.exit("build avf-sign first: make %s" % AVF_SIGN.relative_to(REPO))
    payload_seeds(REPO / "fuzz" / "corpus" / "payload_verify")
    dt_seeds(REPO / "fuzz" / "corpus" / "fdt_reader")


if __name__ == "__main__":
    main()
