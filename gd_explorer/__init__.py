"""Gradient Descent Explorer: watch gradient descent fit data you edit.

The package root imports nothing heavy, so ``gd_explorer.engine`` and
``gd_explorer.lessons`` load without Qt. :func:`explore` opens the window on data
prepared in Python (it imports Qt when called).
"""

from gd_explorer.explore import explore

__version__ = "0.1.0"
__all__ = ["__version__", "explore"]
