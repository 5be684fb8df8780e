"""Race presets: several runs on the learner's own data, differing in one thing.

A preset turns the selected run's settings into the settings of every run of a race,
so whatever the learner set (data, start, steps, seed) stays and only the compared
choice differs. The presets on a function switch to their function (from a regression
too) and set what their demonstration needs: the starts, the learning rates and enough
steps. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gd_explorer.engine.functions import SURFACE_INFO
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
    #: What the preset races on: "any" problem, or a "function" it switches to.
    kind: str = "any"
    #: What the race shows, in a sentence (a tooltip; tests hold the preset to it).
    description: str = ""


#: The gradient noise raced on a function when none is set: a function has no rows to
#: sample, so its stochastic descent is the exact gradient plus Gaussian noise.
DEFAULT_NOISE = 1.0


def _noise(settings: Settings) -> float:
    return settings.noise if settings.noise > 0.0 else DEFAULT_NOISE


def _variants(settings: Settings, limit: float | None) -> Race:
    if settings.model == "function":
        # One random point's gradient is the noisiest; a mean over k points has 1/√k
        # of its spread: the same comparison with noise of those sizes.
        noise, k = _noise(settings), max(settings.batch_size, 2)
        return (
            ("exact gradient", settings.replace(noise=0.0)),
            (f"noise {noise:g}", settings.replace(noise=noise)),
            (
                f"noise {noise / k**0.5:.3g} (as a mean of {k})",
                settings.replace(noise=noise / k**0.5),
            ),
        )
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
    if settings.model == "function":
        noisy = settings.replace(noise=_noise(settings))
    else:
        noisy = settings.replace(variant="stochastic")
    decay = (1 / DECAY_TO - 1) / max(settings.steps, 1)
    return (
        ("constant rate", noisy.replace(schedule="constant", schedule_options=())),
        (
            "1/t decay",
            noisy.replace(schedule="inverse", schedule_options=options({"decay": decay})),
        ),
    )


def _on_surface(settings: Settings, surface: str, steps: int) -> Settings:
    """Return plain gradient descent on a built-in surface, with at least ``steps`` steps.

    The start stays when the learner is on that surface already; otherwise it is the
    surface's own start.
    """
    here = settings.model == "function" and settings.surface == surface
    start = (settings.start_slope, settings.start_intercept)
    x, y = start if here else SURFACE_INFO[surface].start
    return settings.replace(
        model="function",
        surface=surface,
        variant="batch",
        optimizer="gd",
        optimizer_options=(),
        schedule="constant",
        schedule_options=(),
        hold_intercept=False,
        scaling=False,
        steps=max(settings.steps, steps),
        start_slope=x,
        start_intercept=y,
    )


#: Rosenbrock's race: plain gradient descent at the rate its steep walls allow, momentum
#: at the same rate, Adam at a rate of its own (its steps are about the rate long).
ROSENBROCK_RATES = {"gd": 0.001, "momentum": 0.001, "adam": 0.02}
ROSENBROCK_STEPS = 3000


def _rosenbrock(settings: Settings, limit: float | None) -> Race:
    base = _on_surface(settings, "rosenbrock", ROSENBROCK_STEPS)
    return (
        ("gradient descent", base.replace(learning_rate=ROSENBROCK_RATES["gd"])),
        (
            "momentum 0.9",
            base.replace(
                optimizer="momentum",
                optimizer_options=options({"beta": 0.9}),
                learning_rate=ROSENBROCK_RATES["momentum"],
            ),
        ),
        ("Adam", base.replace(optimizer="adam", learning_rate=ROSENBROCK_RATES["adam"])),
    )


#: One start in each of Himmelblau's four basins: the corners of a square around the
#: middle, in the order of the surface's minima.
HIMMELBLAU_STARTS = ((1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0))


def _himmelblau(settings: Settings, limit: float | None) -> Race:
    base = _on_surface(settings, "himmelblau", 1000).replace(
        learning_rate=SURFACE_INFO["himmelblau"].learning_rate
    )
    return tuple(
        (
            f"start ({x:g}, {y:g})".replace("-", "−"),
            base.replace(start_slope=x, start_intercept=y),
        )
        for x, y in HIMMELBLAU_STARTS
    )


PRESETS: tuple[Preset, ...] = (
    Preset("variants", "Batch vs stochastic vs mini-batch", _variants),
    Preset("rules", "Gradient descent vs momentum vs Adam", _rules),
    Preset("rates", "Four learning rates around 1/L and 2/L", _rates),
    Preset("decay", "Stochastic: constant vs decaying rate", _decay),
    Preset(
        "rosenbrock-rules",
        "GD vs momentum vs Adam on Rosenbrock",
        _rosenbrock,
        kind="function",
        description=(
            "Rosenbrock's curved valley: within 3,000 steps momentum and Adam reach the "
            "minimum at (1, 1); plain gradient descent is still crawling along the floor."
        ),
    ),
    Preset(
        "himmelblau-starts",
        "Himmelblau with four starts",
        _himmelblau,
        kind="function",
        description=(
            "Himmelblau's function from one start in each of its four basins: the same "
            "rule reaches a different minimum from each."
        ),
    ),
)

_BY_ID = {preset.id: preset for preset in PRESETS}


def get_preset(preset_id: str) -> Preset:
    """Return the preset called ``preset_id`` (KeyError naming the known ones)."""
    try:
        return _BY_ID[preset_id]
    except KeyError:
        raise KeyError(f"no preset {preset_id!r}; the presets are: {', '.join(_BY_ID)}") from None
