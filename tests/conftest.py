"""Shared test set-up: Qt platform, shared GL contexts, the GL-in-CI policy, isolated
QSettings, and a shown main window whose worker thread always stops."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt

# pyqtgraph caches compiled shaders globally; without shared contexts the second
# GLViewWidget in a process renders blank. Must be set before the QApplication exists.
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

pytest_plugins = ["pytester"]  # tests/ui/test_gl_policy.py runs an inner session

GL_SKIPPED_IN_CI = "a GL test was skipped, but in CI every GL test must run"
SETTINGS_FORMATS = (QSettings.Format.IniFormat, QSettings.Format.NativeFormat)


def _isolate_settings(folder: Path) -> None:
    """Point every user-scope QSettings created from now on into ``folder``."""
    for settings_format in SETTINGS_FORMATS:
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(folder))
        QSettings.setPath(settings_format, QSettings.Scope.SystemScope, str(folder / "system"))


# Before anything can build a window: tests never read or write the user's settings,
# nor the user's autosaves (which live where GD_EXPLORER_DATA_DIR says).
_SESSION_SETTINGS = Path(tempfile.mkdtemp(prefix="gd-explorer-test-settings-"))
_isolate_settings(_SESSION_SETTINGS)
os.environ["GD_EXPLORER_DATA_DIR"] = str(_SESSION_SETTINGS / "data")


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_SETTINGS, ignore_errors=True)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    # Not at import time: this file is imported before pytest-xvfb's pytest_configure
    # starts Xvfb and sets DISPLAY. trylast runs after it, and still before pytest-qt
    # creates the QApplication. The offscreen platform cannot create a GL context.
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if _has_display() else "offscreen")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Without a display (no Xvfb installed) GL tests cannot run; say so instead of crashing.
    # In CI the hook below turns these skips into failures.
    if not sys.platform.startswith("linux") or _has_display():
        return
    skip = pytest.mark.skip(reason="GL tests need a display: install Xvfb for pytest-xvfb")
    for item in items:
        if item.get_closest_marker("gl") is not None:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.skipped and os.environ.get("CI") and item.get_closest_marker("gl") is not None:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"{GL_SKIPPED_IN_CI}; skip reason: {reason}"
    return report


@pytest.fixture(autouse=True)
def settings_folder(tmp_path: Path) -> Path:
    """Give each test its own empty QSettings folder, so no test sees another's."""
    folder = tmp_path / "settings"
    _isolate_settings(folder)
    return folder


@pytest.fixture(autouse=True)
def data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give each test its own empty autosave folder (outside ``tmp_path``, left to the test)."""
    folder = tmp_path_factory.mktemp("data") / "autosave"
    monkeypatch.setenv("GD_EXPLORER_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def make_window(qtbot, settings_folder):
    """Build, show and activate ``MainWindow(**options)``; every worker stops at teardown."""
    from gd_explorer.ui import MainWindow  # only the Qt tests need the window

    controllers = []
    windows = []

    def make(**options):
        window = MainWindow(**options)
        # pytest-qt closes every window after its test: a question about unsaved data
        # then would wait for ever. Tests of those questions switch them on (asking()).
        window.confirm_unsaved = False
        controllers.append(window.controller)
        windows.append(window)
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):
            window.show()
        # Shortcuts (Space, Ctrl+Z) only reach the active window.
        with qtbot.waitActive(window):
            window.activateWindow()
        return window

    yield make
    # Runs even when the test failed; shutdown is idempotent and the controller's
    # thread and process are Python-owned, so this works after the window has closed.
    for controller in controllers:
        controller.shutdown()
    _delete(windows)


def _delete(widgets: list) -> None:
    """Delete the windows now, while the QApplication still exists.

    Left to Python's exit, a window holding an OpenGL view is destroyed after the
    application and the process dies with a segmentation fault after every test passed.
    """
    from PySide6.QtCore import QEvent

    for widget in widgets:
        try:
            widget.close()
            widget.deleteLater()
        except RuntimeError:
            pass  # already deleted by its test
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(make_window):
    """The main window, shown and exposed, with OpenGL where the display has it."""
    return make_window()
