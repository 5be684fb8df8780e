"""In CI a skipped GL test fails the run; elsewhere a skip stays a skip."""

from pathlib import Path

import pytest

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"

INNER_TESTS = """
    import pytest

    @pytest.mark.gl
    @pytest.mark.skip(reason="pretend OpenGL is missing")
    def test_gl_skipped():
        pass

    @pytest.mark.gl
    def test_gl_skips_itself():
        pytest.skip("a GL test must never do this")

    @pytest.mark.gl
    def test_gl_runs():
        pass

    def test_plain_skip():
        pytest.skip("skipping a test without the gl marker is fine")
"""


@pytest.fixture
def inner(pytester):
    pytester.makeconftest(CONFTEST.read_text())
    pytester.makeini("[pytest]\nmarkers =\n    gl: needs OpenGL\n")
    pytester.makepyfile(test_inner=INNER_TESTS)
    return pytester


def _run(pytester):
    return pytester.runpytest_subprocess("-p", "no:xvfb", "-p", "no:cacheprovider")


def test_skipped_gl_test_fails_in_ci(inner, monkeypatch):
    monkeypatch.setenv("CI", "true")
    result = _run(inner)
    # A skip at set-up (a marker) reports as an error, one in the test body as a failure.
    result.assert_outcomes(passed=1, errors=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*in CI every GL test must run*pretend OpenGL is missing*",
            "*in CI every GL test must run*must never do this*",
        ],
    )
    assert result.ret != 0


def test_skipped_gl_test_is_only_skipped_outside_ci(inner, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    result = _run(inner)
    result.assert_outcomes(passed=1, skipped=3)
    assert result.ret == 0
