"""A TA can pass any register values to any syscall: the runtime answers, never breaks."""
from __future__ import annotations

import random
import time

from optee_litebox.abi import results as R
from optee_litebox.runtime import Param

from .conftest import open_sample

RAW = 13
NASTY = [0, 1, 0x1000, 0x40000000, 0x40003FF8, 0x700C0000, 0x7FFFFFFF, 0x80000000,
         0xFFFFFFFF, 0xFFFFFFFFFFFFFFF0, 0xFFFFFFFFFFFFFFFF, 1 << 63, 0xFFFF0000FFFF0000]


def test_random_arguments_to_every_syscall(tee) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(1234)
    s = open_sample(tee, "syscalls")
    deadline = time.monotonic() + 60
    calls = 0
    for number in list(range(1, 72)) + [100, 1 << 20, 0xFFFFFFFF]:
        if number in (0, 2):  # return and panic end the entry by design (tested elsewhere)
            continue
        for _ in range(12):
            args = [rng.choice(NASTY) if rng.random() < 0.7 else rng.getrandbits(64) for _ in range(4)]
            if number == 12:  # TEE_Wait: keep the sleep short, it is a real request
                args[0] = rng.randrange(0, 3)
            params = [Param.value_in(number), Param.value_in(args[0] & 0xFFFFFFFF, args[1] & 0xFFFFFFFF),
                      Param.value_in(args[2] & 0xFFFFFFFF, args[3] & 0xFFFFFFFF), Param.value_out()]
            res, origin = tee.invoke(s, RAW, params)
            calls += 1
            if res == R.TEE_ERROR_TARGET_DEAD:  # libutee-like panics are allowed; reopen
                assert origin == R.TEE_ORIGIN_TEE and s.crash is not None
                tee.close_session(s)
                s = open_sample(tee, "syscalls")
            else:
                assert (res, origin) == (R.TEE_SUCCESS, R.TEE_ORIGIN_TRUSTED_APP)
        assert time.monotonic() < deadline
    assert calls > 800
    # and the runtime still works normally afterwards
    params = [Param.value_in(1, 2), Param.value_out(), Param.value_out(), Param.value_out()]
    p = open_sample(tee, "params")
    assert tee.invoke(p, 3, params)[0] == R.TEE_SUCCESS and params[1].a == 3


def test_kernel_answers_for_bad_pointers(tee) -> None:  # type: ignore[no-untyped-def]
    """Each register is a 32-bit value here (the RAW command's parameters)."""
    s = open_sample(tee, "syscalls")
    cases = [  # (syscall, x0, x1, x2, x3, result upstream gives)
        (9, 0x1000, 0, 0, 0, R.TEE_ERROR_ACCESS_DENIED),             # flag into the stub page
        (13, 0, 0x40000000, 0, 0, R.TEE_ERROR_ACCESS_DENIED),        # time into .text
        (13, 7, 0, 0, 0, R.TEE_ERROR_BAD_PARAMETERS),                 # unknown clock
        (33, 0x10, 32, 0, 0, R.TEE_ERROR_ACCESS_DENIED),             # random into page 0
        (33, 0x10, 5000, 0, 0, R.TEE_ERROR_OUT_OF_MEMORY),           # above the bounce buffer
        (3, 0xFFFFFFFD, 0, 0, 0, R.TEE_SUCCESS),                     # all pointers NULL
        (3, 0x1234, 0, 0, 0, R.TEE_ERROR_ITEM_NOT_FOUND),            # no such property set
        (4, 0xFFFFFFFD, 0x10, 5, 0, R.TEE_ERROR_ACCESS_DENIED),      # name unreadable
        (8, 3, 0x40000000, 0xFFFFFFFF, 0, R.TEE_ERROR_ACCESS_DENIED),
        (14, 0x40000000, 0, 0, 0, R.TEE_ERROR_BAD_PARAMETERS),       # code as TEE_Time: millis >= 1000
        (14, 0x1000, 0, 0, 0, R.TEE_ERROR_ACCESS_DENIED),            # runtime page: not user memory
    ]
    for number, x0, x1, x2, x3, expected in cases:
        params = [Param.value_in(number), Param.value_in(x0, x1), Param.value_in(x2, x3),
                  Param.value_out()]
        assert tee.invoke(s, RAW, params)[0] == R.TEE_SUCCESS
        assert params[3].a == expected, (number, hex(params[3].a))
