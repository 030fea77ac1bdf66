"""Mutated, truncated and random inputs: every one loads or raises LoaderError, quickly.

The corpus is seeded, so a failure reproduces. Besides "no other exception type", we
require that no error came through the boundary's catch-all ("malformed input (...)"):
each problem should be caught by an explicit check with its own message.
"""
from __future__ import annotations

import random
import struct
import time
from collections.abc import Callable, Iterator

import pytest

from optee_litebox.errors import LoaderError
from optee_litebox.ta_loader import TaImage, load_library, load_ta
from optee_litebox.ta_loader.sign import encrypt_ta, sign_subkey, sign_ta, subkey_ta_uuid

from .elfbuilder import TaSpec, build_ta

SEED = 20240611
PER_FILE_SECONDS = 0.5
ENC_KEY = bytes(range(16))
Case = tuple[str, bytes, Callable[..., TaImage], bool]  # id, data, loader, must_fail


def _sections(elf: bytes) -> list[tuple[int, ...]]:
    shoff, = struct.unpack_from("<Q", elf, 40)
    shnum, = struct.unpack_from("<H", elf, 60)
    return [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + 64 * i) for i in range(shnum)]


def _boundaries(elf: bytes) -> set[int]:
    """Offsets where an ELF structure starts or ends."""
    cuts = {0, 1, 4, 16, 63, 64, len(elf) - 1}
    phnum, = struct.unpack_from("<H", elf, 56)
    cuts.update(64 + 56 * i for i in range(phnum + 1))
    for sec in _sections(elf):
        cuts.update({sec[4], sec[4] + sec[5], sec[4] + 24})
    shoff, = struct.unpack_from("<Q", elf, 40)
    cuts.update({shoff, shoff + 64, shoff + 100})
    return {c for c in cuts if 0 <= c < len(elf)}


def _field_corruptions(elf: bytes, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    """Every ELF/program/section header field set to a few hostile values."""
    def fields(base: int, layout: str) -> Iterator[tuple[int, int]]:
        off = base
        for code in layout:
            size = struct.calcsize("<" + code)
            yield off, size
            off += size

    spots = [(f"ehdr+{o}", o, s) for o, s in fields(16, "HHIQQQIHHHHHH")]
    phnum, = struct.unpack_from("<H", elf, 56)
    for i in range(phnum):
        spots += [(f"phdr{i}+{o - 64 - 56 * i}", o, s) for o, s in fields(64 + 56 * i, "IIQQQQQQ")]
    shoff, = struct.unpack_from("<Q", elf, 40)
    for i in range(len(_sections(elf))):
        spots += [(f"shdr{i}+{o - shoff - 64 * i}", o, s)
                  for o, s in fields(shoff + 64 * i, "IIQQQQIIQQ")]
    for label, off, size in spots:
        old = int.from_bytes(elf[off:off + size], "little")
        top = (1 << (8 * size)) - 1
        for value in {0, top, rng.randrange(top + 1), (old + 8) & top}:
            if value != old:
                yield f"{label}={value:#x}", elf[:off] + value.to_bytes(size, "little") + elf[off + size:]


def _table_corruptions(elf: bytes, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    """Hostile values in .dynamic entries, relocation entries and dynamic symbols."""
    for idx, sec in enumerate(_sections(elf)):
        kind, off, size = sec[1], sec[4], sec[5]
        entry = {6: 16, 4: 24, 11: 24}.get(kind)
        if entry is None:
            continue
        for n in range(min(size // entry, 6)):
            for word in range(entry // 8):
                at = off + n * entry + 8 * word
                for value in (0, (1 << 64) - 1, rng.randrange(1 << 64), rng.randrange(1 << 20)):
                    yield (f"sec{idx}[{n}].q{word}={value:#x}",
                           elf[:at] + value.to_bytes(8, "little") + elf[at + 8:])


def _flips(data: bytes, rng: random.Random, count: int, hot: int) -> Iterator[tuple[str, bytes]]:
    """Bit flips, half of them in the first ``hot`` bytes where the headers are."""
    for k in range(count):
        pos = rng.randrange(min(hot, len(data)) if k % 2 else len(data))
        buf = bytearray(data)
        buf[pos] ^= 1 << rng.randrange(8)
        yield f"flip@{pos}", bytes(buf)


def corpus(root, sub) -> list[Case]:
    rng = random.Random(SEED)
    ta_elf = build_ta()
    lib_elf = build_ta(TaSpec(library=True))
    signed = sign_ta(ta_elf, root.private, algo="pkcs1v15")
    enc = encrypt_ta(ta_elf, root.private, ENC_KEY, nonce=bytes(12), algo="pkcs1v15")
    chain = sign_subkey(root.private, sub.public, uuid="c0ffee00-0000-4000-8000-000000000000",
                        name_size=32, algo="pkcs1v15")
    sub_elf = build_ta(TaSpec(uuid=subkey_ta_uuid(chain, "fuzz")))
    chained = sign_ta(sub_elf, sub.private, subkey=chain, subkey_name="fuzz", algo="pkcs1v15")

    def signed_load(data: bytes, name: str) -> TaImage:
        return load_ta(data, pubkey_pem=root.public, enc_key=ENC_KEY, name=name)

    def raw_load(data: bytes, name: str) -> TaImage:
        return load_ta(data, name=name)

    def lib_load(data: bytes, name: str) -> TaImage:
        return load_library(data, name=name)

    cases: list[Case] = []
    for label, data in _flips(signed, rng, 150, 700):
        cases.append((f"signed-{label}", data, signed_load, True))
    for label, data in _flips(enc, rng, 40, 700):
        cases.append((f"enc-{label}", data, signed_load, True))
    for label, data in _flips(chained, rng, 60, len(chain) + 400):
        cases.append((f"chain-{label}", data, signed_load, True))
    for label, data in _flips(ta_elf, rng, 200, 0x1600):
        cases.append((f"elf-{label}", data, raw_load, False))
    for label, data in _flips(lib_elf, rng, 60, 0x800):
        cases.append((f"lib-{label}", data, lib_load, False))
    payload = len(signed) - len(ta_elf)
    signed_cuts = {0, 1, 3, 4, 19, 20, 21, 51, 52, 53, payload - 20, payload - 4, payload - 1,
                   payload} | {payload + c for c in _boundaries(ta_elf)}
    for cut in sorted(signed_cuts):
        cases.append((f"signed-cut{cut}", signed[:cut], signed_load, True))
    for cut in sorted(_boundaries(ta_elf)):
        cases.append((f"elf-cut{cut}", ta_elf[:cut], raw_load, False))
    for cut in sorted(_boundaries(lib_elf)):
        cases.append((f"lib-cut{cut}", lib_elf[:cut], lib_load, False))
    for label, data in _field_corruptions(ta_elf, rng):
        cases.append((f"elf-{label}", data, raw_load, False))
    for label, data in _table_corruptions(ta_elf, rng):
        cases.append((f"elf-{label}", data, raw_load, False))
    for label, data in _table_corruptions(lib_elf, rng):
        cases.append((f"lib-{label}", data, lib_load, False))
    for k in range(60):
        size = rng.choice([0, 3, 20, 64, 200, 4096, 20000])
        blob = rng.randbytes(size)
        prefix = [b"", b"\x7fELF\x02\x01\x01\x00", b"HSTO"][k % 3]
        cases.append((f"garbage{k}", prefix + blob, raw_load, False))
    return cases


@pytest.fixture(scope="module")
def fuzz_cases(root_key, subkeys) -> list[Case]:
    return corpus(root_key, subkeys[0])


def test_corpus_is_big_enough(fuzz_cases):
    assert len(fuzz_cases) >= 500


def test_every_input_loads_or_raises_loader_error(fuzz_cases):
    outcomes = {"loaded": 0, "refused": 0}
    slow = []
    for label, data, loader, must_fail in fuzz_cases:
        t0 = time.perf_counter()
        try:
            loader(data, label)
        except LoaderError as exc:
            text = str(exc)
            assert text.startswith(f"{label}: "), text
            assert "malformed input (" not in text, f"{label}: caught by the catch-all: {text}"
            outcomes["refused"] += 1
        else:
            assert not must_fail, f"{label}: a corrupted signed file loaded"
            outcomes["loaded"] += 1
        elapsed = time.perf_counter() - t0
        if elapsed > PER_FILE_SECONDS:
            slow.append((label, elapsed))
    assert not slow, slow
    assert outcomes["refused"] > 500 and outcomes["loaded"] > 0
