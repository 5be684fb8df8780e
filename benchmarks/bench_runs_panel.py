"""Benchmark the runs panel's live update against rebuilding its table, and print a table.

Usage: ``python benchmarks/bench_runs_panel.py [--frames 3000] [--repeats 5]``

What is measured: one live frame of a four-run race, in which every run's steps and
cost change (the worst case at 60 Hz), as ``RunsPanel.show_runs`` draws it (cells
updated in place), beside the baseline of the same table rebuilt with new items each
frame (what a straightforward table does), in one interpreter, alternating which goes
first, best of ``--repeats``. Each is timed alone and with the events that follow it
processed (columns resized to their contents, the changed cells painted), on the platform
``QT_QPA_PLATFORM`` names (offscreen if none; xcb under Xvfb paints as a screen does).
Numbers are reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableWidgetItem  # noqa: E402

from gd_explorer.ui.runs_panel import COLUMNS, RunRow, RunsPanel, _row_texts  # noqa: E402

COLOURS = [QColor("#D55E00"), QColor("#0072B2"), QColor("#009E73"), QColor("#CC79A7")]
LABELS = ("Gradient descent", "Momentum", "Adam", "lr 0.06")


def frame(k: int) -> list[RunRow]:
    """Return the rows of live frame ``k``: every run one step on, with a new cost."""
    return [
        RunRow(label, "running", 10 * k + i, 0.6271551724 + 1.0 / (k + i + 1), None)
        for i, label in enumerate(LABELS)
    ]


def rebuild(panel: RunsPanel, rows: list[RunRow]) -> None:
    """The baseline: a fresh table of new items every frame."""
    table = panel.table
    table.setRowCount(0)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(_row_texts(row)):
            table.setItem(r, c, QTableWidgetItem(text))
        table.item(r, 0).setBackground(COLOURS[r])


def best_per_frame(panel: RunsPanel, draw, frames: int, paint: bool) -> float:
    start = time.perf_counter()
    for k in range(frames):
        draw(panel, frame(k))
        if paint:
            QApplication.processEvents()  # then Qt resizes columns, paints changed cells
    return (time.perf_counter() - start) / frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    panels = {"in place": RunsPanel(COLOURS), "rebuilt": RunsPanel(COLOURS)}
    for panel in panels.values():
        panel.resize(560, 220)
        panel.show()
    app.processEvents()
    draws = {"in place": RunsPanel.show_runs, "rebuilt": rebuild}
    print(f"Runs panel, four runs, {args.frames} frames, best of {args.repeats}")
    print(f"({len(COLUMNS)} columns; platform {app.platformName()})\n")
    print("| frame | in place (µs) | rebuilt (µs) | in place / rebuilt |")
    print("|---|---|---|---|")
    for paint in (False, True):
        best = {who: float("inf") for who in draws}
        for repeat in range(args.repeats):
            for who in sorted(draws, reverse=repeat % 2 == 1):
                spent = best_per_frame(panels[who], draws[who], args.frames, paint)
                best[who] = min(best[who], spent)
        what = "update, then Qt's events" if paint else "update only"
        ours, base = best["in place"] * 1e6, best["rebuilt"] * 1e6
        print(f"| {what} | {ours:.1f} | {base:.1f} | {ours / base:.2f} |")
    print(f"\nA 60 Hz frame lasts {1e6 / 60:.0f} µs.")


if __name__ == "__main__":
    main()
