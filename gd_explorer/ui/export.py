"""Export: PNG of a view or the whole window, SVG of a 2-D view, an animated GIF of a run.

The GIF is made from the real views: each frame draws one scene (a step of the
run) in every view, grabs the window and scales it. Pillow writes it.

Every picture is made in memory first and then written with
:func:`gd_explorer.engine.atomic.write_bytes`: a full disk or a read-only folder
leaves the previous file whole and raises :class:`ExportError` with the reason.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QBuffer, QIODevice, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QWidget

from gd_explorer.engine import atomic
from gd_explorer.ui.painter import Views, paint

if TYPE_CHECKING:
    from PIL import Image

    from gd_explorer.scene import Scene

#: Colour of the progress bar along the bottom of each GIF frame.
PROGRESS_COLOUR = QColor(31, 119, 180)
PROGRESS_HEIGHT = 4


class ExportError(ValueError):
    """An export could not be made; the message says why, for the user."""


def _check_target(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as a Path, or raise ExportError if its folder cannot take a file."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ExportError(f"cannot write {str(target)!r}: it is a folder")
    if not folder.is_dir():
        raise ExportError(f"cannot write {str(target)!r}: no such folder {str(folder)!r}")
    if not os.access(folder, os.W_OK):
        raise ExportError(f"cannot write {str(target)!r}: the folder is not writable")
    return target


def _write(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically, or raise ExportError with the reason."""
    try:
        atomic.write_bytes(target, data)
    except OSError as error:
        raise ExportError(f"cannot write {str(target)!r}: {error.strerror or error}") from error
    return target


def _save_png(image: QImage, path: str | os.PathLike[str]) -> Path:
    target = _check_target(path)
    if image.isNull():
        raise ExportError("nothing to export: the view has no image")
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6 wants the format as str at run time; its stubs say bytes.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise ExportError(f"cannot write {str(target)!r}: the image could not be made a PNG")
    return _write(target, bytes(buffer.data().data()))


def export_view_png(widget: QWidget, path: str | os.PathLike[str]) -> Path:
    """Save a 2-D view (any widget) as a PNG of its size on screen.

    Parameters
    ----------
    widget : QWidget
        The view, e.g. ``window.contour`` or ``window.data_view``.
    path : str or path-like
        The file to write.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ExportError
        If the file cannot be written.
    """
    return _save_png(widget.grab().toImage(), path)


def export_view_svg(plot: Any, path: str | os.PathLike[str]) -> Path:
    """Save a 2-D plot as SVG (pyqtgraph's SVG exporter).

    Parameters
    ----------
    plot : pyqtgraph.PlotWidget or pyqtgraph.PlotItem
        The plot, e.g. ``window.cost_curve`` or ``window.data_view.plot``.
    path : str or path-like
        The file to write.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ExportError
        If ``plot`` is not a 2-D plot or the file cannot be written.
    """
    import pyqtgraph as pg
    from pyqtgraph.exporters import SVGExporter

    item = plot.getPlotItem() if isinstance(plot, pg.PlotWidget) else plot
    if not isinstance(item, pg.PlotItem):
        raise ExportError(f"SVG export needs a 2-D plot, not {type(plot).__name__}")
    target = _check_target(path)
    try:
        data = SVGExporter(item).export(toBytes=True)
    except ValueError:
        # pyqtgraph 0.14's exporter cannot parse the path data Qt >= 6.10 writes
        # (pyqtgraph issue #3485): let Qt's SVG generator draw the plot instead.
        data = _render_svg(item)
    return _write(target, data)


def _render_svg(item: Any) -> bytes:
    """Draw ``item``'s part of its scene as SVG with Qt's generator."""
    from PySide6.QtCore import QRectF
    from PySide6.QtSvg import QSvgGenerator

    source = item.sceneBoundingRect()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(source.size().toSize())
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    generator.setTitle("Gradient Descent Explorer")
    painter = QPainter(generator)
    try:
        item.scene().render(painter, QRectF(0, 0, source.width(), source.height()), source)
    finally:
        painter.end()
    return bytes(buffer.data().data())


def surface_image(surface: QWidget) -> QImage:
    """Return the 3-D view's picture: its GL framebuffer, or the fallback panel's pixels."""
    grab = getattr(surface, "grabFramebuffer", None)
    if callable(grab):
        image = grab()
        if isinstance(image, QImage) and not image.isNull():
            return image
    return surface.grab().toImage()


def export_surface_png(surface: QWidget, path: str | os.PathLike[str]) -> Path:
    """Save the 3-D cost surface as a PNG, rendered through its framebuffer.

    Without OpenGL (the text panel instead of the surface) the panel is saved.

    Raises
    ------
    ExportError
        If the file cannot be written.
    """
    return _save_png(surface_image(surface), path)


def window_image(window: QWidget, surface: QWidget | None = None) -> QImage:
    """Return the whole window as an image, with the 3-D view's pixels in place.

    ``QWidget.grab`` leaves the GL view blank: it is a native child window that Qt's
    widget painting does not reach. Its framebuffer is drawn in at its place.
    ``surface`` is that view (by default the window's ``surface``).
    """
    image = window.grab().toImage()
    if surface is None:
        surface = getattr(window, "surface", None)
    if surface is not None and hasattr(surface, "grabFramebuffer") and surface.isVisible():
        frame = surface_image(surface)
        painter = QPainter(image)
        try:
            target = QRect(surface.mapTo(window, QPoint(0, 0)), surface.size())
            painter.drawImage(target, frame)
        finally:
            painter.end()
    return image


def export_window_png(window: QWidget, path: str | os.PathLike[str]) -> Path:
    """Save the whole window, the 3-D view included, as a PNG.

    Raises
    ------
    ExportError
        If the file cannot be written.
    """
    return _save_png(window_image(window), path)


# The GIF.


def frame_steps(steps: int, frames: int) -> list[int]:
    """Return ``frames`` evenly spaced steps from 0 to ``steps`` (both included)."""
    return [int(round(k)) for k in np.linspace(0, steps, frames)]


def _to_pillow(image: QImage) -> Image.Image:
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    raw = np.frombuffer(rgb.constBits(), np.uint8, count=stride * height)
    pixels = raw.reshape(height, stride)[:, : width * 3].reshape(height, width, 3)
    return Image.fromarray(pixels.copy(), "RGB")


def _fit_frame(image: QImage, size: tuple[int, int], progress: float) -> QImage:
    """Scale ``image`` into ``size`` (aspect kept, white margins) with a progress bar."""
    width, height = size
    frame = QImage(width, height, QImage.Format.Format_RGB32)
    frame.fill(Qt.GlobalColor.white)
    scaled = image.scaled(
        QSize(width, height - PROGRESS_HEIGHT),
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    painter = QPainter(frame)
    try:
        x = (width - scaled.width()) // 2
        y = (height - PROGRESS_HEIGHT - scaled.height()) // 2
        painter.drawImage(QPoint(x, y), scaled)
        # Also keeps consecutive frames distinct: Pillow merges identical ones.
        bar = max(1, round(width * progress))
        painter.fillRect(0, height - PROGRESS_HEIGHT, bar, PROGRESS_HEIGHT, PROGRESS_COLOUR)
    finally:
        painter.end()
    return frame


def check_gif(frames: int, size: tuple[int, int], duration_ms: int) -> None:
    """Refuse a GIF's options before any work: too few frames, too small, too fast.

    Raises
    ------
    ExportError
        Saying which option is refused.
    """
    if frames < 2:
        raise ExportError(f"a GIF needs at least 2 frames, not {frames}")
    width, height = size
    if width < 16 or height < 16 + PROGRESS_HEIGHT:
        raise ExportError(f"a GIF of {width}×{height} pixels is too small")
    if duration_ms < 10:
        raise ExportError(f"a frame must show for at least 10 ms, not {duration_ms}")


def export_gif(
    views: Views,
    scenes: Sequence[Scene],
    path: str | os.PathLike[str],
    size: tuple[int, int] = (960, 600),
    duration_ms: int = 80,
) -> Path:
    """Save a run as an animated GIF: each scene drawn in the real views, one per frame.

    A bar along the bottom of each frame shows how far the run is. The views are left
    showing the last scene.

    Parameters
    ----------
    views : Views
        The views to draw in; ``views.frame`` is what each frame pictures.
    scenes : sequence of Scene
        One scene per frame, at least 2 (see ``ExplorerController.gif_scenes``).
    path : str or path-like
        The file to write.
    size : (int, int), optional
        Width and height of the GIF in pixels; the window is scaled to fit.
    duration_ms : int, optional
        How long each frame shows; the GIF loops forever.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ExportError
        With bad options or a file that cannot be written.
    """
    check_gif(len(scenes), size, duration_ms)
    target = _check_target(path)
    images: list[Image.Image] = []
    last = len(scenes) - 1
    try:
        for index, scene in enumerate(scenes):
            paint(scene, views)
            image = window_image(views.frame, views.surface)
            images.append(_to_pillow(_fit_frame(image, size, index / last)))
    finally:
        paint(scenes[-1], views)
    stream = io.BytesIO()
    images[0].save(
        stream,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=duration_ms,
        loop=0,
    )
    return _write(target, stream.getvalue())
