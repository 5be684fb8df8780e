"""Light graphics items for views that redraw up to 60 times a second.

pyqtgraph's general items pay in Python for every update: a ``ScatterPlotItem``
rebuilds its spot records on ``setData`` and maps, culls and re-measures them on
every paint (about 0.3 ms each on a software renderer, for one point), and
auto-range re-measures every item whenever one of them changes, then moves the
view by the smallest amount, so a growing path regenerates the axes (and
repaints the plot a second time) on every frame. The items here do less.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from gd_explorer.framing import LIMIT, MIN_RELATIVE_HALF

#: One symbol of a marker: (symbol name, size in pixels, pen, brush), as a scatter takes them.
Layer = tuple[str, float, Any, Any]

Interval = tuple[float, float]

#: How far, as a fraction of its span, what must be shown may reach past a held frame.
SLIVER = 0.005
#: Tick values of at least this magnitude, and below the next, are written out in full
#: (0.0002, 12500); beyond, in scientific notation (4e+40, 2.5e-07).
PLAIN_FROM, PLAIN_BELOW = 1e-4, 1e6
#: The most digits a tick is given to tell it from its neighbours (a double has 17).
MOST_DIGITS = 17


def tick_strings(values: Sequence[float], spacing: float) -> list[str]:
    """Return each tick's value as a short string that reads as the real number.

    Neighbouring ticks always read differently (digits are added until they do) and
    each string parses back to its tick within a thousandth of the spacing.

    Parameters
    ----------
    values : sequence of float
        The tick positions.
    spacing : float
        The distance between neighbouring ticks.

    Returns
    -------
    list of str
        One string per tick, e.g. ``"0.0002"``, ``"650"``, ``"4.5e+40"``.
    """
    step = abs(float(spacing)) if math.isfinite(spacing) and spacing else 0.0
    # A tick computed as k·spacing may land a rounding error off 0: it is 0.
    ticks = [0.0 if abs(v) <= 1e-9 * step else float(v) for v in values]
    finite = [abs(v) for v in ticks if math.isfinite(v)]
    biggest = max(finite, default=0.0)
    plain = biggest == 0.0 or PLAIN_FROM <= biggest < PLAIN_BELOW
    if plain:
        digits = max(0, math.ceil(-math.log10(step) - 1e-9)) if step else 0
        spec = "f"
    else:
        scale = math.floor(math.log10(biggest)) - (math.floor(math.log10(step)) if step else 0)
        digits = max(1, scale + 1)
        spec = "g"
    while True:
        strings = [_tick_text(v, digits, spec) for v in ticks]
        if digits >= MOST_DIGITS or _tells_apart(ticks, strings, step):
            return strings
        digits += 1


def _tick_text(value: float, digits: int, spec: str) -> str:
    if not math.isfinite(value):
        return ""
    text = f"{value:.{digits}{spec}}"
    # "-0.0" and "-0" read as a different number from 0 to a class.
    return text[1:] if text.startswith("-") and float(text) == 0.0 else text


def _tells_apart(values: Sequence[float], strings: Sequence[str], step: float) -> bool:
    shown = [s for s in strings if s]
    if len(set(shown)) < len(shown):
        return False
    tolerance = 1e-3 * step
    return all(
        not s or abs(float(s) - v) <= tolerance for v, s in zip(values, strings, strict=True)
    )


class ReadableAxis(pg.AxisItem):
    """An axis whose ticks read as the real numbers, with no "(x0.001)" in its label.

    pyqtgraph's automatic SI prefix divides the ticks by a power of a thousand and says
    so in the label ("slope m (x0.001)" over ticks 200 to 800), which a class misreads.
    Every plot's axes are of this kind (``style.style_plot`` sees to it).
    """

    def __init__(self, orientation: str, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickStrings(  # noqa: N802 - pyqtgraph's name
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        """Return the strings of the ticks at ``values`` (see :func:`tick_strings`)."""
        if self.logMode:
            return self.logTickStrings(values, scale, spacing)
        return tick_strings([v * scale for v in values], spacing * scale)


class Marker(QGraphicsItem):
    """A symbol at one point, drawn like a one-point ``ScatterPlotItem``, moved by position.

    The symbol (or several, bottom first: a halo under a ball) is rendered once to an
    image; moving it is ``setPos`` and painting it is one ``drawImage``. It keeps its
    size in pixels whatever the zoom.

    Parameters
    ----------
    layers : sequence of (symbol, size, pen, brush)
        What to draw, bottom first, with ``ScatterPlotItem``'s names for symbols.
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        super().__init__()
        self._images: dict[float, QImage] = {}
        self._scale = 1.0
        self.set_layers(layers)
        # The view's scale must not stretch the symbol: only its position is in data units.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setVisible(False)

    def set_layers(self, layers: Sequence[Layer]) -> None:
        """Draw the marker with new ``layers`` (a theme change), where it is.

        The sizes and pen widths in ``layers`` are the base ones: the marker draws them
        times its scale (see :meth:`set_scale`).
        """
        self._base = [
            (s, float(size), pg.mkPen(pen), pg.mkBrush(brush)) for s, size, pen, brush in layers
        ]
        self._rebuild()

    def set_scale(self, factor: float) -> None:
        """Draw the symbol ``factor`` times its base size (sizes and pen widths); 1 restores.

        Parameters
        ----------
        factor : float
            The scale relative to the layers last given, not to the current look.
        """
        factor = float(factor)
        if factor != self._scale:
            self._scale = factor
            self._rebuild()

    @property
    def scale_factor(self) -> float:
        """Return the factor the base sizes are drawn at."""
        return self._scale

    @property
    def size(self) -> float:
        """Return the drawn size in pixels of the largest layer, as a scatter's ``size``."""
        return max(size for _, size, _, _ in self._layers)

    def _rebuild(self) -> None:
        k = self._scale
        self._layers = []
        for symbol, size, pen, brush in self._base:
            scaled = QPen(pen)
            scaled.setWidthF(pen.widthF() * k)
            self._layers.append((symbol, size * k, scaled, brush))
        side = math.ceil(
            max(size + max(math.ceil(pen.widthF()), 1) for _, size, pen, _ in self._layers)
        )
        rect = QRectF(-side / 2, -side / 2, side, side)
        if getattr(self, "_rect", None) != rect:
            self.prepareGeometryChange()
        self._rect = rect
        self._images.clear()
        self.update()

    def place(self, point: tuple[float, float] | NDArray[np.float64] | None) -> None:
        """Show the marker at ``(x, y)`` in data coordinates; None hides it.

        Parameters
        ----------
        point : (float, float) or None
            Where to draw it.
        """
        if point is None:
            self.setVisible(False)
            return
        x, y = float(point[0]), float(point[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            self.setVisible(False)  # as a scatter draws nothing for a point it cannot place
            return
        if (x, y) != (self.x(), self.y()):
            self.setPos(x, y)
        self.setVisible(True)

    def getData(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:  # noqa: N802
        """Return ``([x], [y])`` where the marker is, or two empty arrays if hidden.

        Named and shaped like ``ScatterPlotItem.getData``, for code that reads either.

        Returns
        -------
        x, y : ndarray
            The marker's position.
        """
        if not self.isVisible():
            return np.empty(0), np.empty(0)
        return np.array([self.x()]), np.array([self.y()])

    def boundingRect(self) -> QRectF:  # noqa: N802
        """Return the symbol's extent in pixels around the point."""
        return self._rect

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        """Draw the pre-rendered symbol centred on the point."""
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        image = self._images.get(dpr)
        if image is None:
            image = self._images[dpr] = self._render(dpr)
        painter.drawImage(QPointF(self._rect.x(), self._rect.y()), image)

    def _render(self, dpr: float) -> QImage:
        # As ScatterPlotItem renders the symbols of its atlas, all layers in one image.
        side = math.ceil(dpr * self._rect.width())
        image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(dpr)
        image.fill(0)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.translate(self._rect.width() / 2, self._rect.height() / 2)
            for symbol, size, pen, brush in self._layers:
                painter.save()
                drawSymbol(painter, symbol, size, pen, brush)
                painter.restore()
        finally:
            painter.end()
        return image


class MarkerTrail(QGraphicsItem):
    """Markers at the last few points of a path, each age with its own look, newest on top.

    Parameters
    ----------
    looks : sequence of sequence of (symbol, size, pen, brush)
        One marker's layers per age, the oldest first; as many as points are shown.
    """

    def __init__(self, looks: Sequence[Sequence[Layer]]) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        # Children stack in the order they are added: the newest look last, on top.
        self._markers = [Marker(layers) for layers in looks]
        for marker in self._markers:
            marker.setParentItem(self)

    def set_looks(self, looks: Sequence[Sequence[Layer]]) -> None:
        """Redraw every marker with new layers (a theme change), oldest first."""
        for marker, layers in zip(self._markers, looks, strict=True):
            marker.set_layers(layers)

    def set_scale(self, factor: float) -> None:
        """Draw every marker ``factor`` times its base size (see :meth:`Marker.set_scale`)."""
        for marker in self._markers:
            marker.set_scale(factor)

    @property
    def markers(self) -> list[Marker]:
        """Return the markers, oldest look first."""
        return list(self._markers)

    def place(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> None:
        """Put the markers at the points ``(x[i], y[i])``, oldest first; extra ones hide.

        With fewer points than looks, the points take the newest looks.

        Parameters
        ----------
        x, y : ndarray
            The points in data coordinates, at most as many as looks.
        """
        unused = len(self._markers) - len(x)
        for i, marker in enumerate(self._markers):
            marker.place(None if i < unused else (x[i - unused], y[i - unused]))

    def getData(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:  # noqa: N802
        """Return the x and y of the shown markers, oldest first, like a scatter's data.

        Returns
        -------
        x, y : ndarray
            The shown points.
        """
        shown = [marker.getData() for marker in self._markers if marker.isVisible()]
        if not shown:
            return np.empty(0), np.empty(0)
        x, y = zip(*shown, strict=True)
        return np.concatenate(x), np.concatenate(y)

    def boundingRect(self) -> QRectF:  # noqa: N802
        """Return an empty rectangle: only the markers draw."""
        return QRectF()

    def paint(self, *args: object) -> None:
        """Draw nothing (the markers are children)."""


class ViewFrame(pg.GraphicsObject):
    """What a plot must show: an invisible item that the view box's auto-range fits.

    A view adds its often-updated items with ``ignoreBounds=True`` and this one with
    bounds, and calls :meth:`follow` with what must be visible each frame. The frame
    (so the view's range, the axes and the plot's layout) stays put while what must be
    visible stays inside it and fills it well enough; otherwise it moves, with some
    headroom on the side that grew. Auto-range itself is pyqtgraph's, so panning,
    zooming and the "A" button behave as usual.

    Parameters
    ----------
    headroom : (float, float)
        Room added past the data on a side that has grown, as a fraction of the data's
        span along x and y; 0 frames the data exactly whenever it changes.
    pixel_padding : float
        Room in pixels around the frame, for a marker that must not be cut in half at
        the edge (as a scatter's symbols are not).
    """

    def __init__(
        self, headroom: tuple[float, float] = (0.0, 0.0), pixel_padding: float = 0.0
    ) -> None:
        super().__init__()
        self._headroom = headroom
        self._pixel_padding = pixel_padding
        self._ranges: tuple[Interval | None, Interval | None] = (None, None)
        # Never painted; ViewBox.childrenBounds still reads dataBounds.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)

    @property
    def ranges(self) -> tuple[Interval | None, Interval | None]:
        """Return the framed x and y intervals (None where nothing has been framed)."""
        return self._ranges

    def follow(self, x: Interval | None, y: Interval | None) -> None:
        """Keep the frame if it suits what must be visible now, else move it.

        Parameters
        ----------
        x, y : (low, high) or None
            What must be visible along each axis; None leaves that axis unframed.
            Non-finite ends are ignored, as auto-range ignores them.
        """
        ranges = (
            held_interval(self._ranges[0], x, self._headroom[0]),
            held_interval(self._ranges[1], y, self._headroom[1]),
        )
        if ranges != self._ranges:
            self._ranges = ranges
            self.informViewBoundsChanged()

    def dataBounds(  # noqa: N802
        self,
        axis: int,
        frac: float = 1.0,
        orthoRange: Interval | None = None,  # noqa: N803
    ) -> Interval | None:
        """Return the framed interval along ``axis`` (0 for x, 1 for y), for auto-range."""
        return self._ranges[axis]

    def set_pixel_padding(self, pixels: float) -> None:
        """Keep ``pixels`` of room around the frame (a marker grown or shrunk)."""
        if pixels != self._pixel_padding:
            self._pixel_padding = pixels
            self.informViewBoundsChanged()

    def pixelPadding(self) -> float:  # noqa: N802
        """Return the room in pixels that auto-range keeps around the frame."""
        return self._pixel_padding

    def boundingRect(self) -> QRectF:  # noqa: N802
        """Return an empty rectangle: the frame draws nothing."""
        return QRectF()

    def paint(self, *args: object) -> None:
        """Draw nothing."""


def held_interval(
    current: Interval | None, needed: Interval | None, headroom: float
) -> Interval | None:
    """Return ``current`` if it holds ``needed`` snugly, else a new interval around it.

    Snugly: ``needed`` lies inside (give or take ``SLIVER`` of its span) and spans at
    least ``1 / (1 + 2·headroom)`` of it.
    A new interval is ``needed`` plus ``headroom`` times its span on each side that
    reached past ``current``, so a steadily growing range moves now and then, not at
    every call; a range that shrank is framed exactly.

    Parameters
    ----------
    current : (low, high) or None
        The interval shown now.
    needed : (low, high) or None
        What must be shown; None (or a non-finite end) means nothing along this axis.
    headroom : float
        Fraction of the span added past a side that grew.

    Returns
    -------
    (low, high) or None
        The interval to show.
    """
    if needed is None or not (math.isfinite(needed[0]) and math.isfinite(needed[1])):
        return None
    # Within ±LIMIT, so the span, the headroom and the view box's padding stay finite
    # (a view box refuses an infinite range by raising, from inside a paint).
    low = min(max(float(needed[0]), -LIMIT), LIMIT)
    high = min(max(float(needed[1]), -LIMIT), LIMIT)
    # Far from 0 a view box cannot widen a range of zero width by itself (1e300 ± 0.5 is
    # 1e300): give it the narrowest width that has distinct values across it.
    least = MIN_RELATIVE_HALF * max(abs(low), abs(high))
    if high - low < 2.0 * least:
        middle = 0.5 * low + 0.5 * high
        low, high = middle - least, middle + least
    if current is None:
        return low, high
    span = high - low
    # A sliver past the frame is inside it for this purpose: the view's padding shows it,
    # and the ball settling a hair below the lowest sample of its curve must not move it.
    eps = SLIVER * span + 1e-12 * (abs(low) + abs(high))
    inside = current[0] - eps <= low and high <= current[1] + eps
    if inside and current[1] - current[0] <= span * (1.0 + 2.0 * headroom):
        return current
    room = headroom * span
    return (
        max(low - room, -LIMIT) if low < current[0] else low,
        min(high + room, LIMIT) if high > current[1] else high,
    )


#: Room left beside the title line, in pixels.
TITLE_MARGIN_PX = 8.0


#: Per plot: the wording chosen for its title, what it was chosen for, and the wordings
#: and style to choose from again when the plot's width changes.
_Fitted = tuple[object, int, tuple[str, ...], dict[str, str]]
_FITTED: weakref.WeakKeyDictionary[pg.PlotItem, _Fitted] = weakref.WeakKeyDictionary()


def fit_title(item: pg.PlotItem, texts: Sequence[str], **style: str) -> str:
    """Show the first of ``texts`` that fits the width of ``item`` as its title; return it.

    The last is shown when none fits; no texts clear the title. Measured as drawn, so
    whatever size the title text has (a classroom's larger type) is taken into account,
    and chosen again whenever the plot's width changes: every view's titles go through
    here, so a resize never needs a view's own handler.

    Parameters
    ----------
    item : pyqtgraph.PlotItem
        The plot whose title line to set.
    texts : sequence of str
        The wordings, longest first.
    **style
        As :meth:`pyqtgraph.PlotItem.setTitle` takes them.
    """
    texts = tuple(texts)
    if item not in _FITTED:
        plot = weakref.ref(item)
        item.getViewBox().sigResized.connect(lambda *_: _refit(plot()))
    if not texts:
        item.setTitle(None)
        _FITTED[item] = (None, 0, (), {})
        return ""
    # The title's cell is the view box's column: wider text is cut at both ends.
    width = item.getViewBox().width() - TITLE_MARGIN_PX
    # A live run changes the numbers every frame, rarely their length: measuring each
    # wording again (a layout of rich text each) was most of a frame's title work.
    key = (width, tuple(len(text) for text in texts), tuple(sorted(style.items())))
    known = _FITTED.get(item)
    if known is not None and known[0] == key:
        chosen = texts[known[1]]
        item.setTitle(chosen, **style)
        _FITTED[item] = (key, known[1], texts, style)
        return chosen
    index = len(texts) - 1
    for i, text in enumerate(texts):
        item.setTitle(text, **style)
        if width <= 0 or _natural_width(item.titleLabel.item) <= width:
            index = i
            break
    else:
        item.setTitle(texts[index], **style)
    _FITTED[item] = (key, index, texts, style)
    return texts[index]


def _refit(item: pg.PlotItem | None) -> None:
    """Choose ``item``'s title wording again for its new width."""
    known = None if item is None else _FITTED.get(item)
    if item is None or known is None or not known[2]:
        return
    width = item.getViewBox().width() - TITLE_MARGIN_PX
    if known[0] is None or known[0][0] != width:  # type: ignore[index]
        fit_title(item, known[2], **known[3])


def _natural_width(text: QGraphicsTextItem) -> float:
    """Return the width of ``text`` on one line, whatever width it is wrapped to."""
    wrapped = text.textWidth()
    text.setTextWidth(-1)
    natural = text.boundingRect().width()
    text.setTextWidth(wrapped)
    return natural
