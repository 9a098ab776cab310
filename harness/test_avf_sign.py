"""avf-sign (stack/tools/avf-sign, docs/PAYLOAD.md) as a user runs it: keygen, sign,
verify, inspect; one exit status and one precise message per error kind; signatures
cross-checked with the openssl command line, which knows nothing of our code.
"""
import hashlib
import os
import stat
import struct
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AVF_SIGN = os.path.join(REPO, "build", "san", "bin", "avf-sign")

EXIT = {"ok": 0, "io": 1, "usage": 2, "truncated": 10, "bad-magic": 11,
        "unsupported-format": 12, "bad-header": 13, "trailing-data": 14,
        "unknown-key": 15, "bad-signature": 16, "version-too-old": 17, "bad-key": 18}


def run(*args, cwd=None):
    return subprocess.run([AVF_SIGN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          cwd=cwd, timeout=60, text=True)


@pytest.fixture
def keys(tmp_path):
    for name in ("a", "b"):
        r = run("keygen", str(tmp_path / (name + ".key")))
        assert r.returncode == 0, r.stderr
    return tmp_path


@pytest.fixture
def signed(keys):
    code = bytes((i * 13 + 5) & 0xff for i in range(1000))
    (keys / "code.bin").write_bytes(code)
    r = run("sign", "--key", str(keys / "a.key"), "--version", "5", "--entry", "0x10",
            str(keys / "code.bin"), str(keys / "p.payload"))
    assert r.returncode == 0, r.stderr
    return keys


def test_keygen_files_and_key_id(tmp_path):
    r = run("keygen", str(tmp_path / "dev.key"))
    assert r.returncode == 0, r.stderr
    pub = (tmp_path / "dev.pub").read_bytes()
    assert len(pub) == 32
    key_id = hashlib.sha256(pub).hexdigest()[:16]
    assert "key id: %s\n" % key_id in r.stdout
    mode = stat.S_IMODE(os.stat(tmp_path / "dev.key").st_mode)
    assert mode == 0o600
    assert (tmp_path / "dev.key").read_text().startswith("-----BEGIN PRIVATE KEY-----")
    # The public key OpenSSL derives from the PEM is the one in dev.pub (DER SPKI: the
    # raw key is the last 32 bytes).
    der = subprocess.run(["openssl", "pkey", "-in", str(tmp_path / "dev.key"), "-pubout",
                          "-outform", "DER"], stdout=subprocess.PIPE, check=True).stdout
    assert der[-32:] == pub
    # Never overwrites.
    again = run("keygen", str(tmp_path / "dev.key"))
    assert again.returncode == EXIT["io"]
    assert "File exists" in again.stderr
    # A name without .key gets .pub appended.
    r = run("keygen", str(tmp_path / "other"))
    assert r.returncode == 0 and (tmp_path / "other.pub").stat().st_size == 32


def test_sign_layout_and_openssl_verifies(signed):
    data = (signed / "p.payload").read_bytes()
    code = (signed / "code.bin").read_bytes()
    pub = (signed / "a.pub").read_bytes()
    assert len(data) == 128 + len(code) + 64
    (magic, fmt, hsize, version, csize, entry, load, mem, halg, salg, key_id, ssize,
     flags) = struct.unpack_from("<8sIIQQQQQII8sII", data)
    assert (magic, fmt, hsize, version, csize, entry) == (b"AVFPAYLD", 1, 128, 5, 1000, 0x10)
    assert (load, mem, halg, salg, ssize, flags) == (0x80000000, 0x1000, 2, 1, 64, 0)
    assert key_id == hashlib.sha256(pub).digest()[:8]
    assert data[80:128] == bytes(48)
    assert data[128:128 + 1000] == code
    msg = b"AVF-PAYLOAD-SIG1" + hashlib.sha512(data[:128 + 1000]).digest()
    (signed / "msg").write_bytes(msg)
    (signed / "sig").write_bytes(data[-64:])
    r = subprocess.run(["openssl", "pkeyutl", "-verify", "-rawin", "-inkey",
                        str(signed / "a.key"), "-in", str(signed / "msg"), "-sigfile",
                        str(signed / "sig")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert r.returncode == 0, r.stdout + r.stderr


def test_sign_sha256_and_options(keys):
    (keys / "c.bin").write_bytes(b"\x1f\x20\x03\xd5" * 3000)
    r = run("sign", "--key", str(keys / "b.key"), "--version", "0x20", "--hash", "sha256",
            "--load-addr", "0x80200000", "--mem-size", "0x40000", str(keys / "c.bin"),
            str(keys / "c.payload"))
    assert r.returncode == 0, r.stderr
    data = (keys / "c.payload").read_bytes()
    assert struct.unpack_from("<QQQQQI", data, 16) == (0x20, 12000, 0, 0x80200000, 0x40000, 1)
    r = run("verify", "--pub", str(keys / "b.pub"), "--min-version", "32",
            str(keys / "c.payload"))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "%s: OK: payload version 32, code 12000 bytes\n" % (keys / "c.payload")


def test_inspect(signed):
    r = run("inspect", str(signed / "p.payload"))
    assert r.returncode == 0, r.stderr
    data = (signed / "p.payload").read_bytes()
    lines = dict(l.split(":", 1) for l in r.stdout.splitlines())
    assert lines["payload version"].strip() == "5"
    assert lines["code size"].strip() == "1000"
    assert lines["entry offset"].strip() == "0x10"
    assert lines["load address"].strip() == "0x80000000"
    assert lines["hash"].strip() == "sha512"
    assert lines["key id"].strip() == data[64:72].hex()
    assert lines["measurement"].strip() == hashlib.sha512(data[:1128]).hexdigest()


def error_case(signed, name, mutate, *verify_args):
    data = bytearray((signed / "p.payload").read_bytes())
    out = mutate(data)
    path = signed / (name + ".payload")
    path.write_bytes(bytes(out if out is not None else data))
    return run("verify", "--pub", str(signed / "a.pub"), *verify_args, str(path))


def set_u32(off, val):
    def mutate(d):
        struct.pack_into("<I", d, off, val)
    return mutate


# name, mutation of a valid payload, extra verify args, exit kind, exact message tail
ERROR_CASES = [
    ("short", lambda d: d[:5], (), "truncated", "truncated: shorter than the 8-byte magic "
     "(the file is 5 bytes)"),
    ("cut-code", lambda d: d[:600], (), "truncated", "truncated: ends inside the code "
     "(the file is 600 bytes)"),
    ("cut-sig", lambda d: d[:-1], (), "truncated", "truncated: ends inside the signature "
     "(the file is 1191 bytes)"),
    ("magic", set_u32(0, 0x464c457f), (), "bad-magic",
     "bad-magic: magic is not \"AVFPAYLD\" (the file is 1192 bytes)"),
    ("format", set_u32(8, 2), (), "unsupported-format",
     "unsupported-format: format_version is not 1 (the file is 1192 bytes)"),
    ("hsize", set_u32(12, 64), (), "bad-header",
     "bad-header: header_size is not 128 (the file is 1192 bytes)"),
    ("halg", set_u32(56, 9), (), "bad-header",
     "bad-header: unknown hash_alg (the file is 1192 bytes)"),
    ("trail", lambda d: d + b"\0", (), "trailing-data",
     "trailing-data: bytes follow the signature (the file is 1193 bytes)"),
    ("sig", lambda d: d[:-1] + bytes([d[-1] ^ 1]), (), "bad-signature",
     "bad-signature: the signature does not verify"),
    ("code", lambda d: d[:300] + bytes([d[300] ^ 0x80]) + d[301:], (), "bad-signature",
     "bad-signature: the signature does not verify"),
    ("version", None, ("--min-version", "6"), "version-too-old",
     "version-too-old: payload_version is below the minimum (rollback) "
     "(payload_version 5 < --min-version 6)"),
]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_verify_error_kinds(signed, case):
    name, mutate, args, kind, message = case
    r = error_case(signed, name, mutate or (lambda d: None), *args)
    assert r.returncode == EXIT[kind], r.stderr
    assert r.stderr == "avf-sign: verify: %s: %s\n" % (signed / (name + ".payload"), message)
    assert r.stdout == ""


def test_verify_unknown_key(signed):
    r = run("verify", "--pub", str(signed / "b.pub"), str(signed / "p.payload"))
    assert r.returncode == EXIT["unknown-key"]
    a = hashlib.sha256((signed / "a.pub").read_bytes()).hexdigest()[:16]
    b = hashlib.sha256((signed / "b.pub").read_bytes()).hexdigest()[:16]
    assert r.stderr == ("avf-sign: verify: %s: unknown-key: key_id is not the trusted key's "
                        "(payload key id %s, --pub key id %s)\n" % (signed / "p.payload", a, b))


def test_bad_key_files(signed):
    r = run("verify", "--pub", str(signed / "a.key"), str(signed / "p.payload"))
    assert r.returncode == EXIT["bad-key"]
    assert "not a raw Ed25519 public key: " in r.stderr and "expected 32" in r.stderr
    (signed / "zero.pub").write_bytes(b"\xff" * 31 + b"\x7f")
    key_id = hashlib.sha256(b"\xff" * 31 + b"\x7f").digest()[:8]
    data = bytearray((signed / "p.payload").read_bytes())
    data[64:72] = key_id
    (signed / "k.payload").write_bytes(bytes(data))
    r = run("verify", "--pub", str(signed / "zero.pub"), str(signed / "k.payload"))
    assert r.returncode == EXIT["bad-key"], r.stderr
    assert "bad-trusted-key: the trusted key is not a valid Ed25519 key" in r.stderr
    subprocess.run(["openssl", "genpkey", "-algorithm", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", str(signed / "ec.key")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = run("sign", "--key", str(signed / "ec.key"), "--version", "1",
            str(signed / "code.bin"), str(signed / "x"))
    assert r.returncode == EXIT["bad-key"]
    assert "not an Ed25519 key" in r.stderr


@pytest.mark.parametrize("args,message", [
    ((), "usage: avf-sign"),
    (("frob",), "unknown command 'frob'"),
    (("sign", "--version", "1", "in", "out"), "sign: --key is required"),
    (("sign", "--key", "k", "in", "out"), "sign: --version is required"),
    (("sign", "--key", "k", "--version", "x1", "in", "out"),
     "sign: --version: 'x1' is not a number"),
    (("sign", "--key", "k", "--version", "1", "--hash", "md5", "in", "out"),
     "sign: --hash: expected sha256 or sha512"),
    (("verify", "p"), "verify: --pub is required"),
    (("verify", "--pub", "x"), "verify: missing operand"),
    (("inspect", "a", "b"), "inspect: too many operands"),
])
def test_usage_errors(args, message):
    r = run(*args)
    assert r.returncode == EXIT["usage"]
    assert message in r.stderr


def test_sign_refuses_bad_layout_options(signed):
    for opt, val, message in [
            ("--entry", "3", "--entry 0x3: entry_offset is not 4-byte aligned"),
            ("--entry", "1000", "--entry 0x3e8: entry_offset is not inside the code"),
            ("--load-addr", "0x80000010", "--load-addr 0x80000010: load_addr is not 4 KiB aligned"),
            ("--mem-size", "999", "--mem-size 0x3e7: mem_size is smaller than code_size")]:
        r = run("sign", "--key", str(signed / "a.key"), "--version", "1", opt, val,
                str(signed / "code.bin"), str(signed / "bad.payload"))
        assert r.returncode == EXIT["usage"], r.stderr
        assert r.stderr.startswith("avf-sign: sign: %s\n" % message), r.stderr
        assert not (signed / "bad.payload").exists()
    (signed / "empty.bin").write_bytes(b"")
    r = run("sign", "--key", str(signed / "a.key"), "--version", "1",
            str(signed / "empty.bin"), str(signed / "e.payload"))
    assert r.returncode == EXIT["usage"]
    assert "empty: there is no code to sign" in r.stderr


def test_missing_files(tmp_path):
    r = run("inspect", str(tmp_path / "nope"))
    assert r.returncode == EXIT["io"]
    assert r.stderr == "avf-sign: inspect: %s: No such file or directory\n" % (tmp_path / "nope")


PVMFW_BIN = os.path.join(REPO, "build", "guest", "img", "pvmfw.bin")


def test_fw_config_appends_the_platform_config(tmp_path):
    image = open(PVMFW_BIN, "rb").read()
    assert image[8:16] == b"AVFPVMFW"
    offset = struct.unpack_from("<Q", image, 16)[0]
    assert offset % 4096 == 0 and offset >= len(image)
    out = tmp_path / "fw.bin"
    r = run("fw-config", "--uds-seed", "test device", "--min-version", "7", PVMFW_BIN, str(out))
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert len(data) == offset + 64
    assert data[:len(image)] == image
    assert data[len(image):offset] == bytes(offset - len(image))
    magic, version, size, min_version = struct.unpack_from("<8sIIQ", data, offset)
    assert (magic, version, size, min_version) == (b"AVFFWCFG", 1, 64, 7)
    assert data[offset + 24:offset + 56] == hashlib.sha256(b"test device").digest()
    assert data[offset + 56:] == bytes(8)
    (tmp_path / "uds").write_bytes(bytes(range(32)))
    r = run("fw-config", "--uds", str(tmp_path / "uds"), PVMFW_BIN, str(out))
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert data[offset + 16:offset + 24] == bytes(8)
    assert data[offset + 24:offset + 56] == bytes(range(32))


def test_fw_config_errors(tmp_path):
    (tmp_path / "uds").write_bytes(bytes(31))
    r = run("fw-config", "--uds", str(tmp_path / "uds"), PVMFW_BIN, str(tmp_path / "o"))
    assert r.returncode == EXIT["bad-key"]
    assert "31 bytes, expected 32" in r.stderr
    (tmp_path / "notfw").write_bytes(b"\0" * 64)
    r = run("fw-config", "--uds-seed", "x", str(tmp_path / "notfw"), str(tmp_path / "o"))
    assert r.returncode == EXIT["bad-magic"]
    assert "not a pvmfw image" in r.stderr
    r = run("fw-config", PVMFW_BIN, str(tmp_path / "o"))
    assert r.returncode == EXIT["usage"]
    assert "exactly one of --uds FILE and --uds-seed TEXT is required" in r.stderr
    r = run("fw-config", "--uds", "a", "--uds-seed", "b", PVMFW_BIN, str(tmp_path / "o"))
    assert r.returncode == EXIT["usage"]
