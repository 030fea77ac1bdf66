"""The syscall table is complete: every number 0-70 (and beyond) has an answer."""
from __future__ import annotations

import re

import pytest

import optee_litebox.gp_api  # noqa: F401
from optee_litebox.abi import results as R
from optee_litebox.abi.syscalls import SYSCALL_NAMES, TEE_SCN_MAX
from optee_litebox.gp_api import build_table, doc, registry
from optee_litebox.gp_api.context import SyscallContext

from .conftest import REPO

FIRST_SET = {0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 33}


def test_every_number_has_an_entry_with_upstreams_name() -> None:
    for number in range(TEE_SCN_MAX + 1):
        spec = registry.spec(number)
        assert spec.number == number and spec.name == SYSCALL_NAMES[number]
        assert re.match(r"^(TEE_Result|void) syscall_\w+\(", spec.prototype), spec.prototype


def test_first_set_is_implemented() -> None:
    implemented = {n for n, ok in registry.implemented().items() if ok}
    assert FIRST_SET <= implemented


def test_retired_numbers_are_never_implemented() -> None:
    assert not any(registry.spec(n).implemented for n in range(55, 70))


@pytest.mark.parametrize("number", [n for n in range(TEE_SCN_MAX + 1)
                                    if not registry.spec(n).implemented])
def test_unimplemented_numbers_answer_not_supported(ctx: SyscallContext, number: int) -> None:
    table, _ = build_table(ctx)
    fn, nargs = table[number]
    assert nargs == 0 and fn() == R.TEE_ERROR_NOT_SUPPORTED


def test_numbers_above_70_answer_not_supported(ctx: SyscallContext) -> None:
    table, unknown = build_table(ctx)
    assert len(table) == TEE_SCN_MAX + 1
    assert unknown[0]() == R.TEE_ERROR_NOT_SUPPORTED


def test_handlers_take_at_most_eight_register_arguments() -> None:
    assert all(registry.spec(n).nargs <= 8 for n in range(TEE_SCN_MAX + 1))


def test_docs_syscalls_md_is_current() -> None:
    text = (REPO / "docs" / "syscalls.md").read_text()
    assert text == doc.render(), "regenerate: python -m optee_litebox.gp_api.doc > docs/syscalls.md"
