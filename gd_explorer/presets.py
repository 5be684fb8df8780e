"""Race presets: several runs on the learner's own data, differing in one thing.

A preset turns the selected run's settings into the settings of every run of a race,
so whatever the learner set (data, start, steps, seed) stays and only the compared
choice differs. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gd_explorer.settings import Settings, options

Race = tuple[tuple[str, Settings], ...]


@dataclass(frozen=True, slots=True)
class Preset:
    """A named race: ``runs(settings, limit)`` gives each run's label and settings.

    ``limit`` is the stability limit 2/L of the current problem (None when unknown,
    e.g. a run that cannot be analysed); presets that need it fall back to the
    selected run's own learning rate.
    """

    id: str
    label: str
    runs: Callable[[Settings, float | None], Race]


def _variants(settings: Settings, limit: float | None) -> Race:
    return (
        ("batch", settings.replace(variant="batch")),
        ("stochastic", settings.replace(variant="stochastic")),
        (
            f"mini-batch of {settings.batch_size}",
            settings.replace(variant="minibatch"),
        ),
    )


def _rules(settings: Settings, limit: float | None) -> Race:
    both = settings.replace(hold_intercept=False, schedule="constant", schedule_options=())
    return (
        ("gradient descent", both.replace(optimizer="gd", optimizer_options=())),
        (
            "momentum 0.9",
            both.replace(optimizer="momentum", optimizer_options=options({"beta": 0.9})),
        ),
        (
            "Adam",
            both.replace(
                optimizer="adam",
                optimizer_options=(),
                learning_rate=min(10 * both.learning_rate, 0.1),
            ),
        ),
    )


#: Multiples of 1/L raced by the learning-rate preset: smooth, zig-zag, barely
#: stable and just past the limit 2/L.
RATE_FACTORS = (0.75, 1.5, 1.95, 2.05)


def _rates(settings: Settings, limit: float | None) -> Race:
    plain = settings.replace(optimizer="gd", optimizer_options=(), schedule="constant")
    one_over_l = limit / 2 if limit else plain.learning_rate
    name = "1/L" if limit else "the rate set"
    return tuple(
        (f"{factor:g} × {name}", plain.replace(learning_rate=factor * one_over_l))
        for factor in RATE_FACTORS
    )


#: The decaying run's last rate, against its first: the 1/t schedule's decay is set so
#: the rate falls to this share by the run's end, however many steps it has.
DECAY_TO = 0.2


def _decay(settings: Settings, limit: float | None) -> Race:
    noisy = settings.replace(variant="stochastic")
    decay = (1 / DECAY_TO - 1) / max(settings.steps, 1)
    return (
        ("constant rate", noisy.replace(schedule="constant", schedule_options=())),
        (
            "1/t decay",
            noisy.replace(schedule="inverse", schedule_options=options({"decay": decay})),
        ),
    )


PRESETS: tuple[Preset, ...] = (
    Preset("variants", "Batch vs stochastic vs mini-batch", _variants),
    Preset("rules", "Gradient descent vs momentum vs Adam", _rules),
    Preset("rates", "Four learning rates around 1/L and 2/L", _rates),
    Preset("decay", "Stochastic: constant vs decaying rate", _decay),
)

_BY_ID = {preset.id: preset for preset in PRESETS}


def get_preset(preset_id: str) -> Preset:
    """Return the preset called ``preset_id`` (KeyError naming the known ones)."""
    try:
        return _BY_ID[preset_id]
    except KeyError:
        raise KeyError(f"no preset {preset_id!r}; the presets are: {', '.join(_BY_ID)}") from None
