"""Benchmark the program's files: sessions, hostile input, atomic exports.

Usage: ``python benchmarks/bench_files.py [--quick]``.

Every figure is a ratio against a baseline timed in the same run (best of 3,
``time.perf_counter``; peak memory with ``tracemalloc``):

* **Session save / load** of n random points (full-length floats, the worst case
  for size) against the floor: ``json.dumps`` + a plain write, ``json.loads`` of
  the read text. File size against the previous layout (``indent=2``, one number a
  line).
* **Hostile sessions**: a file of ``MAX_SESSION_BYTES`` of ``[`` and of numbers, as
  many numbers as ``MAX_SESSION_POINTS`` allows, and ``/dev/zero``, against loading
  the article's 8-point session.
* **Hostile expressions**: 1 MB of text, 10,000 nested brackets, ``9**9**9`` and a
  150-deep chain of minus signs, against parsing ``x**2 - 3*x``.
* **Atomic exports**: a 1920×1200 PNG and a 40-frame 960×600 GIF encoded in
  memory and written with ``atomic.write_bytes`` (temporary file, fsync, replace)
  against the encoder writing the path directly, as before.

Numbers are reported, never asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gd_explorer import files  # noqa: E402
from gd_explorer.engine import Dataset, article_dataset, atomic  # noqa: E402
from gd_explorer.expressions import ExpressionError, parse_expression  # noqa: E402

SETTINGS = {"model": "linear", "learning_rate": 0.01, "steps": 4000}


def best(function: Callable[[], object], repeats: int = 3) -> float:
    """Return the best wall time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_bytes(function: Callable[[], object]) -> int:
    """Return the peak memory Python allocates while ``function`` runs."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def quietly(function: Callable[[], object]) -> Callable[[], None]:
    """Return ``function`` that treats a refusal (the expected answer) as a return."""

    def call() -> None:
        try:
            function()
        except (files.SessionError, ExpressionError):
            return
        # Accepted input (a deep but short formula) is timed all the same.

    return call


def row(*cells: object) -> None:
    print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)


def _session_row(folder: Path, n: int, rng: np.random.Generator) -> None:
    data = Dataset(rng.normal(size=n), rng.normal(size=n) * 1e-7)
    path, plain = folder / "session.json", folder / "plain.json"
    document = {"dataset": {"name": "", "x": data.x.tolist(), "y": data.y.tolist()}}

    def floor_save() -> None:
        plain.write_text(json.dumps(document), encoding="utf-8")

    def floor_load() -> None:
        json.loads(plain.read_text(encoding="utf-8"))

    save = best(lambda: files.save_session(path, data, SETTINGS))
    floor = best(floor_save)
    load = best(lambda: files.load_session(path))
    floor_read = best(floor_load)
    before = len(json.dumps({**document, "settings": SETTINGS}, indent=2).encode())
    size = path.stat().st_size
    ours_peak = peak_bytes(lambda: files.load_session(path))
    floor_peak = peak_bytes(floor_load)
    row(
        f"{n:,}",
        f"{save:.3g}",
        f"{floor:.3g}",
        f"{save / floor:.2f}×",
        f"{load:.3g}",
        f"{floor_read:.3g}",
        f"{load / floor_read:.2f}×",
        f"{size / 1e6:.3g}",
        f"{before / 1e6:.3g}",
        f"{size / before:.2f}×",
        f"{ours_peak / 1e6:.4g}",
        f"{floor_peak / 1e6:.4g}",
    )


def sessions(folder: Path, sizes: list[int]) -> None:
    print("### Session files: ours against plain json\n")
    row(
        "n",
        "save s",
        "floor s",
        "save/floor",
        "load s",
        "floor s",
        "load/floor",
        "MB",
        "MB before (indent=2)",
        "size/before",
        "load peak MB",
        "floor peak MB",
    )
    print("|---:" * 12 + "|")
    rng = np.random.default_rng(0)
    for n in sizes:
        _session_row(folder, n, rng)
    print()


def hostile_sessions(folder: Path, quick: bool) -> None:
    print("### Hostile sessions, against loading the article's session\n")
    small = folder / "article.json"
    files.save_session(small, article_dataset(), SETTINGS, "overshoot")
    baseline = best(lambda: files.load_session(small))
    row("input", "ours s", "baseline s", "ours/baseline", "peak MB", "result")
    print("|---|---:|---:|---:|---:|---|")
    size = files.MAX_SESSION_BYTES // (8 if quick else 1)
    cases: dict[str, Path] = {}
    nested = folder / "nested.json"
    nested.write_bytes(b"[" * size)
    cases[f"{size / 2**20:.0f} MiB of ["] = nested
    numbers = folder / "numbers.json"
    numbers.write_bytes(b"[" + b"0.5," * (size // 4 - 1) + b"1]")
    cases[f"{size / 2**20:.0f} MiB of numbers"] = numbers
    most = folder / "most.json"
    count = 2 * files.MAX_SESSION_POINTS
    most.write_bytes(b'{"x": [' + b"0.5," * (count - 1) + b"1]}")
    cases[f"{count:,} numbers (the most allowed)"] = most
    over = folder / "over.json"
    with open(over, "wb") as stream:
        stream.truncate(files.MAX_SESSION_BYTES + 1)
    cases["one byte over the limit (sparse)"] = over
    if os.path.exists("/dev/zero"):
        cases["/dev/zero"] = Path("/dev/zero")
    for name, path in cases.items():
        message = ""
        try:
            files.load_session(path)
            message = "read"
        except files.SessionError as error:
            message = str(error).split(": ", 1)[1][:60]
        seconds = best(quietly(lambda p=path: files.load_session(p)), repeats=1)
        peak = peak_bytes(quietly(lambda p=path: files.load_session(p)))
        row(
            name,
            f"{seconds:.3g}",
            f"{baseline:.3g}",
            f"{seconds / baseline:.3g}×",
            f"{peak / 1e6:.4g}",
            message,
        )
    print()


def hostile_expressions() -> None:
    print("### Hostile expressions, against parsing x**2 - 3*x\n")
    baseline = best(lambda: parse_expression("x**2 - 3*x"))
    row("input", "ours µs", "baseline µs", "ours/baseline", "message")
    print("|---|---:|---:|---:|---|")
    cases = {
        "1 MB of x": "x" * 1_000_000,
        "10,000 nested brackets": "(" * 10_000 + "x" + ")" * 10_000,
        "9**9**9": "9**9**9",
        "150 minus signs": "-" * 150 + "x",
        "__import__('os')": "__import__('os')",
    }
    for name, text in cases.items():
        try:
            parse_expression(text)
            message = "accepted"
        except ExpressionError as error:
            message = str(error)[:50]
        seconds = best(quietly(lambda t=text: parse_expression(t)), repeats=3)
        row(
            name,
            f"{seconds * 1e6:.3g}",
            f"{baseline * 1e6:.3g}",
            f"{seconds / baseline:.3g}×",
            message,
        )
    print()


def exports(folder: Path) -> None:
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage

    app = QGuiApplication.instance() or QGuiApplication(["bench"])  # noqa: F841
    print("### Exports: in memory, then atomic.write_bytes, against writing the path\n")
    row("export", "ours ms", "direct ms", "ours/direct")
    print("|---|---:|---:|---:|")
    rng = np.random.default_rng(0)
    pixels = np.ascontiguousarray(rng.integers(0, 255, (1200, 1920, 4), dtype=np.uint8))
    image = QImage(pixels.data, 1920, 1200, 1920 * 4, QImage.Format.Format_RGB32).copy()

    def png_ours() -> None:
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        atomic.write_bytes(folder / "a.png", bytes(buffer.data().data()))

    ours, direct = best(png_ours), best(lambda: image.save(str(folder / "b.png"), "PNG"))
    row("PNG 1920×1200", f"{ours * 1e3:.4g}", f"{direct * 1e3:.4g}", f"{ours / direct:.3g}×")
    # Smooth frames, like the window's: random pixels are the GIF encoder's worst case.
    ramp = np.linspace(0, 255, 960, dtype=np.uint8)[None, :, None]
    base = np.broadcast_to(ramp, (600, 960, 3)).copy()
    base[200:400, 300:600] = (31, 119, 180)
    frames = [Image.fromarray(np.roll(base, k * 7, axis=1), "RGB") for k in range(40)]
    options = {"format": "GIF", "save_all": True, "append_images": frames[1:], "loop": 0}

    def gif_ours() -> None:
        stream = io.BytesIO()
        frames[0].save(stream, **options)
        atomic.write_bytes(folder / "a.gif", stream.getvalue())

    ours, direct = best(gif_ours), best(lambda: frames[0].save(folder / "b.gif", **options))
    row("GIF 40 × 960×600", f"{ours * 1e3:.4g}", f"{direct * 1e3:.4g}", f"{ours / direct:.3g}×")
    print()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="gd-explorer-bench-") as name:
        folder = Path(name)
        sizes = [1_000, 100_000] if args.quick else [1_000, 100_000, 1_000_000]
        sessions(folder, sizes)
        hostile_sessions(folder, args.quick)
        hostile_expressions()
        exports(folder)


if __name__ == "__main__":
    main()
