"""Export: PNG and SVG of views, the whole window with its GL view, the GIF, the CLI."""

import errno
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops
from pyqtgraph.functions import ndarray_from_qimage
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from gd_explorer.engine import atomic
from gd_explorer.ui.export import (
    ExportError,
    export_surface_png,
    export_view_png,
    export_view_svg,
    export_window_png,
    frame_steps,
)
from gd_explorer.ui.surface_view import SurfaceView

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 60_000


def pixels(image):
    """Copy ``image``'s pixels: ``ndarray_from_qimage`` is a view that dies with the image."""
    return ndarray_from_qimage(image).copy()


def run_to_end(qtbot, window, steps):
    window.explorer.set_settings(window.settings.replace(steps=steps, speed=0.0), from_panel=False)
    window.toggle_run()
    qtbot.waitUntil(lambda: window.trajectory.status != "running", timeout=RUN_TIMEOUT)
    return window.trajectory


def test_png_of_a_2d_view_has_the_widget_size(window, tmp_path):
    path = export_view_png(window.contour, tmp_path / "contour.png")
    with Image.open(path) as image:
        assert image.format == "PNG"
        ratio = window.contour.devicePixelRatioF()
        size = window.contour.size()
        assert image.size == (round(size.width() * ratio), round(size.height() * ratio))


def test_svg_of_a_2d_view(window, tmp_path):
    for plot in (window.cost_curve, window.data_view.plot):
        path = export_view_svg(plot, tmp_path / "view.svg")
        text = path.read_text(encoding="utf-8")
        assert "<svg" in text and ("<path" in text or "<polyline" in text)


def test_svg_needs_a_2d_plot(window, tmp_path):
    with pytest.raises(ExportError, match="2-D plot"):
        export_view_svg(window.readout, tmp_path / "x.svg")


def test_no_run_and_bad_paths_raise_export_error(window, tmp_path):
    with pytest.raises(ExportError, match="no run"):
        window.export_gif(tmp_path / "run.gif")
    missing = tmp_path / "no" / "such" / "folder" / "x.png"
    with pytest.raises(ExportError, match="no such folder"):
        export_view_png(window.contour, missing)
    with pytest.raises(ExportError, match="folder"):
        export_window_png(window, tmp_path)  # a folder, not a file
    assert isinstance(ExportError("x"), ValueError)


def test_gif_of_a_run(qtbot, window, tmp_path):
    trajectory = run_to_end(qtbot, window, 50)
    assert trajectory.steps == 50
    with pytest.raises(ExportError, match="at least 2 frames"):
        window.export_gif(tmp_path / "one.gif", frames=1)
    path = window.export_gif(tmp_path / "run.gif", frames=12, size=(480, 300))
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.size == (480, 300)
        assert gif.n_frames == 12
        assert gif.info.get("loop") == 0
        first = gif.convert("RGB")
        gif.seek(gif.n_frames - 1)
        last = gif.convert("RGB")
    assert ImageChops.difference(first, last).getbbox() is not None
    # The window is left at the run's end.
    assert window.readout.values["step"].text() == "50 of 50"


def test_frame_steps_span_the_run():
    assert frame_steps(50, 6) == [0, 10, 20, 30, 40, 50]
    assert frame_steps(3, 5)[0] == 0 and frame_steps(3, 5)[-1] == 3


@pytest.mark.gl
def test_window_png_contains_the_gl_surface(qtbot, window, tmp_path):
    surface = window.findChild(QWidget, "surfaceView")
    assert isinstance(surface, SurfaceView), "no GL surface view: OpenGL was not available"
    # Both pictures must show the same camera: let the layout settle first.
    qtbot.waitUntil(lambda: surface.canvas.width() == surface.width(), timeout=5_000)
    QApplication.processEvents()
    export_surface_png(surface, tmp_path / "surface.png")
    path = export_window_png(window, tmp_path / "window.png")
    whole = QImage(str(path)).convertToFormat(QImage.Format.Format_RGBA8888)
    frame = surface.grabFramebuffer().convertToFormat(QImage.Format.Format_RGBA8888)
    ratio = whole.width() / window.width()
    origin = surface.mapTo(window, QPoint(0, 0))
    # Compare the middle of the surface, in the window image and in the framebuffer
    # (both at the surface's size in logical pixels).
    w, h = surface.width(), surface.height()
    x0, y0 = round(origin.x() * ratio), round(origin.y() * ratio)
    region = pixels(whole)[y0 : y0 + round(h * ratio), x0 : x0 + round(w * ratio)]
    expected = pixels(frame.scaled(region.shape[1], region.shape[0]))  # the region's size
    middle = (slice(h // 4, 3 * h // 4), slice(w // 4, 3 * w // 4))
    got, want = region[middle][..., :3].astype(int), expected[middle][..., :3].astype(int)
    assert np.mean(np.abs(got - want)) < 8
    colours = len(np.unique(got.reshape(-1, 3), axis=0))
    assert colours > 200, "the surface region of the window image looks blank"


def test_export_command_without_a_display(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    gif, png = tmp_path / "run.gif", tmp_path / "end.png"
    result = subprocess.run(
        [sys.executable, "-m", "gd_explorer", "export", "--lesson", "overshoot"]
        + ["--gif", str(gif), "--png", str(png), "--frames", "6"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert str(gif) in result.stdout and str(png) in result.stdout
    with Image.open(gif) as image:
        assert image.format == "GIF" and image.n_frames == 6
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size[0] > 600


def test_export_command_errors(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "gd_explorer", "export", "--lesson", "overshoot"]
    nothing = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert nothing.returncode == 2 and "nothing to export" in nothing.stderr
    bad = subprocess.run(
        command + ["--gif", str(tmp_path / "missing" / "x.gif")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1 and "no such folder" in bad.stderr


@pytest.mark.gl
@pytest.mark.parametrize("name", ["data", "contour", "surface", "cost_curve", "history"])
def test_every_view_exports_as_png_and_2d_views_as_svg(qtbot, window, tmp_path, name):
    png = window.export_view(name, tmp_path / f"{name}.png")
    image = QImage(str(png))
    assert image.width() > 100 and image.height() > 100
    if name == "surface":
        with pytest.raises(ExportError, match="PNG only"):
            window.export_view(name, tmp_path / "surface.svg")
    else:
        svg = window.export_view(name, tmp_path / f"{name}.svg")
        assert "<svg" in svg.read_text(encoding="utf-8")[:2000]


# Every export goes through the atomic writer: a failure keeps the old file and says why.


def _full_disk(descriptor):
    raise OSError(errno.ENOSPC, "No space left on device")


def _read_only(*args, **kwargs):
    raise OSError(errno.EROFS, "Read-only file system")


EXPORTS = {
    "view png": lambda window, path: export_view_png(window.contour, path),
    "view svg": lambda window, path: export_view_svg(window.cost_curve, path),
    "surface png": lambda window, path: export_surface_png(window.surface, path),
    "window png": export_window_png,
    "gif": lambda window, path: window.export_gif(path, frames=3, size=(96, 64)),
}


@pytest.mark.parametrize("failure", [_full_disk, _read_only], ids=["full disk", "read-only"])
@pytest.mark.parametrize("kind", list(EXPORTS))
def test_failed_export_keeps_the_old_file_and_says_why(
    qtbot, window, tmp_path, monkeypatch, kind, failure
):
    if kind == "gif":
        run_to_end(qtbot, window, 5)
    path = tmp_path / "old.out"
    EXPORTS[kind](window, path)  # a first, good export
    before = path.read_bytes()
    assert len(before) > 100
    if failure is _full_disk:
        monkeypatch.setattr(atomic.os, "fsync", failure)
        reason = "No space left on device"
    else:
        monkeypatch.setattr(atomic.tempfile, "mkstemp", failure)
        reason = "Read-only file system"
    with pytest.raises(ExportError, match=f"^cannot write '.*old.out': {reason}$"):
        EXPORTS[kind](window, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["old.out"]  # no temporary left


def test_exports_write_through_the_atomic_writer(qtbot, window, tmp_path, monkeypatch):
    run_to_end(qtbot, window, 5)
    written = []
    real = atomic.write_bytes
    monkeypatch.setattr(
        atomic,
        "write_bytes",
        lambda path, data: (written.append(Path(path).name), real(path, data)),
    )
    for kind, export in EXPORTS.items():
        export(window, tmp_path / f"{kind.replace(' ', '.')}")
    assert written == ["view.png", "view.svg", "surface.png", "window.png", "gif"]


def test_svg_from_pyqtgraph_when_its_exporter_works(window, tmp_path, monkeypatch):
    from pyqtgraph.exporters import SVGExporter

    def export(self, fileName=None, toBytes=False, copy=False):
        assert toBytes and fileName is None  # never a path: the bytes go to the atomic writer
        return b"<svg>from pyqtgraph</svg>"

    monkeypatch.setattr(SVGExporter, "export", export)
    path = export_view_svg(window.cost_curve, tmp_path / "view.svg")
    assert path.read_bytes() == b"<svg>from pyqtgraph</svg>"
