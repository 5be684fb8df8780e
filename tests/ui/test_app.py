"""The command line: help, version, lesson ids, the no-display message, --no-gl."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from gd_explorer import __version__
from gd_explorer.app import NO_DISPLAY_MESSAGE, build_parser, create_window, main
from gd_explorer.lessons import LESSONS

ROOT = Path(__file__).resolve().parents[2]
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def _run(code: str, *args: str, display: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if not display:
        for name in DISPLAY_VARIABLES:
            env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


# Runs ``python -m gd_explorer`` with Qt made unimportable, to prove the paths
# that must not need Qt never touch it.
RUN_WITHOUT_QT = """
    import runpy, sys

    class BlockQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"):
                raise ImportError(f"{name} is blocked in this test")
            return None

    sys.meta_path.insert(0, BlockQt())
    runpy.run_module("gd_explorer", run_name="__main__", alter_sys=True)
"""


def test_help_works_without_display_or_qt():
    result = _run(RUN_WITHOUT_QT, "--help", display=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: gd-explorer")
    for option in ("--no-gl", "--lesson ID", "--version"):
        assert option in result.stdout


def test_version_works_without_display_or_qt():
    result = _run(RUN_WITHOUT_QT, "--version", display=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"gd-explorer {__version__}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is for Linux/X11")
def test_no_display_prints_one_line_and_returns_2():
    result = _run(RUN_WITHOUT_QT, display=False)
    assert result.returncode == 2
    assert result.stderr == NO_DISPLAY_MESSAGE + "\n"
    assert "xvfb-run" in result.stderr and "no display" in result.stderr


def test_main_returns_status_for_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"gd-explorer {__version__}\n"


def test_unknown_lesson_is_a_usage_error_listing_valid_ids(capsys):
    assert main(["--lesson", "no-such-lesson"]) == 2
    err = capsys.readouterr().err
    assert "unknown lesson 'no-such-lesson'" in err
    for lesson in LESSONS:
        assert lesson.id in err


def test_known_lesson_is_accepted():
    lesson_id = LESSONS[-1].id
    assert build_parser().parse_args(["--lesson", lesson_id]).lesson == lesson_id


def test_no_gl_option_gives_the_fallback_panel(qtbot):
    window = create_window(build_parser().parse_args(["--no-gl"]))
    qtbot.addWidget(window)
    panels = window.findChildren(QWidget, "surfaceView")
    assert len(panels) == 1
    assert isinstance(panels[0], QLabel)
    assert "OpenGL" in panels[0].text() and "--no-gl" in panels[0].text()


def test_lesson_option_loads_the_lesson(qtbot):
    lesson = next(lesson for lesson in LESSONS if lesson.problem.kind == "logistic")
    window = create_window(build_parser().parse_args(["--no-gl", "--lesson", lesson.id]))
    qtbot.addWidget(window)
    assert window.dataset == lesson.problem.data
    assert lesson.title in window.windowTitle()
