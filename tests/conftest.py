"""Shared test set-up: Qt platform, shared GL contexts, and the GL-in-CI policy."""

from __future__ import annotations

import os
import sys

import pytest
from PySide6.QtCore import QCoreApplication, Qt

# pyqtgraph caches compiled shaders globally; without shared contexts the second
# GLViewWidget in a process renders blank. Must be set before the QApplication exists.
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

pytest_plugins = ["pytester"]  # tests/ui/test_gl_policy.py runs an inner session

GL_SKIPPED_IN_CI = "a GL test was skipped, but in CI every GL test must run"


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


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
