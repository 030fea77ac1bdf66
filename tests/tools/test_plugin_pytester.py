"""The plugin seen from a user's test run (pytester): failure messages, options, xdist."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from optee_litebox.samples import sample
from optee_litebox.tools.coverage.lcov import parse_lcov

pytest_plugins = ("pytester",)

FAILING = '''
def test_fault_is_reported(ta_session):
    s = ta_session("fault")
    res = s.invoke(0)            # reads NULL: the TA dies
    assert res == "TEE_SUCCESS"
'''


def test_failing_test_shows_ta_log_and_crash_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    # The assertion message itself: result names, the TA log and the crash report.
    result.stdout.fnmatch_lines([
        "*assert TEE_ERROR_TARGET_DEAD (origin TEE_ORIGIN_TEE) == TEE_SUCCESS",
        "*crash: User mode data abort (read, unmapped) at address 0x0, pc 0x*(*provoke+0x3c)",
        "*call stack: provoke+0x3c <- dispatch+0x* <- __ta_entry+0x*",
        "*TA log:",
        "*I/TA: about to fault: command 0",
    ])
    # The full log and crash report follow as sections of the failed test's report.
    result.stdout.fnmatch_lines([
        "*- TA log -*",
        "I/TA: about to fault: command 0",
        "*- TA crash report -*",
        "User mode data abort (read, unmapped) at address 0x0*",
        "Call stack:",
        "  0x* *!provoke+0x3c",
    ])
    assert out.count("TEE_ERROR_TARGET_DEAD") >= 1


def test_passing_test_and_ta_dir_option(pytester: pytest.Pytester, tmp_path: Path) -> None:
    tas = tmp_path / "tas"
    tas.mkdir()
    shutil.copy(sample("hello_world").ta_path, tas)
    pytester.makepyfile(test_user=f'''
def test_inc(ta_session, ta_dirs):
    assert ta_dirs and ta_dirs[0].name == "tas"
    s = ta_session("{sample('hello_world').uuid}", )
    from optee_litebox.tools.testing import value_inout
    res = s.invoke(0, value_inout(1))
    assert res == "TEE_SUCCESS" and res.values[0] == (2, 0)
''')
    result = pytester.runpytest("-p", "no:cacheprovider", "--ta-dir", str(tas))
    result.assert_outcomes(passed=1)


def test_trace_option_shows_decoded_syscalls_of_a_failure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user='''
def test_hello(ta_session):
    from optee_litebox.tools.testing import value_inout
    s = ta_session("hello_world")
    assert s.invoke(0, value_inout(9)) == "TEE_ERROR_GENERIC"   # fails on purpose
''')
    result = pytester.runpytest("-p", "no:cacheprovider", "--ta-trace", "syscalls")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*Captured stderr call*",
        '*log(buf="I/TA: Got value: 9 from the client\\n", len=*) = TEE_SUCCESS*',
        "*return(ret=TEE_SUCCESS) = TEE_SUCCESS*",
    ])


def test_bad_trace_level_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="def test_x(): pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--ta-trace", "everything")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown trace level 'everything'*"])


COVERAGE_TESTS = '''
import pytest
from optee_litebox.tools.testing import value_inout

@pytest.mark.parametrize("n", range(4))
def test_good(ta_session, n):
    assert ta_session("hello_world").invoke(0, value_inout(n)) == "TEE_SUCCESS"

def test_bad_types(ta_session):
    assert ta_session("hello_world").invoke(1) == "TEE_ERROR_BAD_PARAMETERS"
'''


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["single", "xdist"])
def test_coverage_option_merges_across_workers(pytester: pytest.Pytester, workers: list[str]) -> None:
    pytester.makepyfile(test_user=COVERAGE_TESTS)
    report = pytester.path / "ta.info"
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *workers,
                                           "--ta-coverage", str(report))
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*TA lcov coverage written to*ta.info*"])
    lines = next(v for k, v in parse_lcov(report.read_text()).items()
                 if k.endswith("hello_world_ta.c"))
    # Both sides of adjust()'s parameter check ran, in whichever worker.
    assert lines[39] >= 1  # return TEE_ERROR_BAD_PARAMETERS
    assert lines[41] == 4  # IMSG("Got value ...") once per good invoke
    assert (pytester.path / "ta.drcov").is_file()
    assert not (pytester.path / "ta.info.parts").exists()
