"""Benchmark the function field of the controls against pasted text of a megabyte.

Usage: ``python benchmarks/bench_expression_field.py [--repeats 5]`` (needs a display,
or ``QT_QPA_PLATFORM=offscreen``).

What is measured, in one interpreter, best of ``--repeats`` each: the time from a
paste into the field (``expressionInput``) to the end of Enter — the text read,
refused or applied, the message and the marked column shown — for

* **short**: a good formula, ``x**2 + 3*y**2`` (the baseline: what a user types),
* **bad**: a short bad one, ``x**2 +`` (refused with its column),
* **megabyte**: one megabyte of ``x+x+…`` (refused as too long; the field keeps
  its first ``FIELD_LENGTH`` characters),
* **megabyte, Qt's default cap**: the same in the same field with Qt's default
  limit of 32,767 characters (what the field had before), for comparison.

Each is printed in milliseconds and as a multiple of the baseline. Numbers are
reported, never asserted.
"""

from __future__ import annotations

import argparse
import sys
import time


def measure(field, clipboard, text: str, repeats: int) -> float:
    """Return the best time (s) of a paste of ``text`` and Enter in ``field``."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    best = float("inf")
    for _ in range(repeats):
        field.clear()
        clipboard.setText(text)
        QApplication.processEvents()
        start = time.perf_counter()
        field.paste()
        QTest.keyClick(field, Qt.Key.Key_Return)
        QApplication.processEvents()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    from PySide6.QtWidgets import QApplication

    from gd_explorer.settings import TYPED, Settings
    from gd_explorer.ui.controls import ControlsPanel

    app = QApplication.instance() or QApplication(sys.argv)
    panel = ControlsPanel()
    panel.settingsEdited.connect(lambda s: panel.set_settings(s, rows=8))
    panel.set_settings(Settings(model="function", surface=TYPED, expression="x**2"), rows=8)
    panel.show()
    field = panel.expression
    field.setFocus()
    app.processEvents()
    cases = {
        "short": "x**2 + 3*y**2",
        "bad": "x**2 +",
        "megabyte": "x+" * 500_000 + "x",
    }
    times = {name: measure(field, app.clipboard(), text, repeats) for name, text in cases.items()}
    kept = len(field.text())
    field.setMaxLength(32767)
    default = "megabyte, Qt's default cap"
    cases[default] = cases["megabyte"]
    times[default] = measure(field, app.clipboard(), cases["megabyte"], repeats)
    base = times["short"]
    print("| pasted and Enter | characters | best time | × short formula |")
    print("|---|---:|---:|---:|")
    for name, text in cases.items():
        print(
            f"| {name} | {len(text):,} | {times[name] * 1e3:.2f} ms | {times[name] / base:.1f} |"
        )
    print(f"\nthe field kept {kept:,} characters of the megabyte")


if __name__ == "__main__":
    main()
