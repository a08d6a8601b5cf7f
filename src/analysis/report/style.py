"""One look for every chart: a colour-blind-safe colour that each actor keeps everywhere.

Colours are Okabe-Ito, extended with Paul Tol's muted scheme; both are designed to stay distinct
under the common colour-vision deficiencies. A perpetrator group ("FAMa + Wagner Group") is drawn in
its first actor's colour, hatched in the second's, so a joint incident is never mistaken for either.
"""

from __future__ import annotations

import hashlib

import matplotlib as mpl

from ..measure.aggregate import FAMILY_LABELS, GROUP_SEPARATOR, UNKNOWN_PERPETRATOR

ACTOR_COLOURS: dict[str, str] = {
    "FAMa": "#0072B2",
    "Wagner Group": "#D55E00",
    "Africa Corps": "#CC79A7",
    "JNIM": "#009E73",
    "Islamic State Sahel": "#222222",
    "CMA": "#DDCC77",
    "CSP-DPA": "#999933",
    "FLA": "#E69F00",
    "Dan Na Ambassagou": "#882255",
    "Dozo militias": "#AA4499",
    "GATIA": "#44AA99",
    "MINUSMA": "#56B4E9",
    "French armed forces": "#332288",
    "Unidentified armed group": "#888888",
    "Perpetrator unknown": "#CCCCCC",
}
#: One colour per actor family (data.schema.ACTOR_FAMILIES), Okabe-Ito: the same in every chart and map.
FAMILY_COLOURS: dict[str, str] = {
    "state_forces": "#0072B2",
    "russian_forces": "#D55E00",
    "jnim": "#009E73",
    "islamic_state": "#222222",
    "northern_armed_groups": "#E69F00",
    "militias": "#CC79A7",
    "foreign_forces": "#56B4E9",
    "unidentified": "#999999",
    "other": "#F0E442",
}
#: The colour of each family's label, as charts receive it from the aggregation.
FAMILY_LABEL_COLOURS: dict[str, str] = {FAMILY_LABELS[code]: colour for code, colour in FAMILY_COLOURS.items()}
#: The series that gathers everything beyond a chart's largest ones.
OTHER_SERIES = "Other perpetrators"
#: At most this many series in a chart, plus OTHER_SERIES.
MAX_SERIES = 9
_SPECIAL_COLOURS = {UNKNOWN_PERPETRATOR: "#CCCCCC", OTHER_SERIES: "#E8E8E8"}
# For actors an import kept under their own name: stable, but visibly outside the main palette.
_FALLBACK = ["#88CCEE", "#117733", "#CC6677", "#661100", "#6699CC", "#AA4466"]
DPI = 150  # pixels per printed inch (report.png shows figures at their own size): sharp, and quick to make
#: Maps: a sequential ColorBrewer ramp (readable under colour-vision deficiencies and in greyscale);
#: regions with nothing recorded are grey and hatched, never the colour of zero; points are dark rings.
MAP_COLORMAP = "YlOrRd"
MAP_NOTHING_RECORDED = {"facecolor": "#eeeeee", "hatch": "////", "edgecolor": "#aaaaaa"}
MAP_NO_FIGURE = {"facecolor": "#eeeeee", "hatch": "....", "edgecolor": "#888888"}
MAP_POINT = "#1b1b3a"
#: How every chart draws the min-max range of a bar.
RANGE_WHISKER = {"fmt": "none", "ecolor": "#333333", "capsize": 3, "lw": 0.8}


def actor_colour(actor: str) -> str:
    """The fixed colour of a family (by its label), of a listed actor, or a stable fallback."""
    if actor in FAMILY_LABEL_COLOURS:
        return FAMILY_LABEL_COLOURS[actor]
    if actor in _SPECIAL_COLOURS:
        return _SPECIAL_COLOURS[actor]
    if actor in ACTOR_COLOURS:
        return ACTOR_COLOURS[actor]
    digest = int(hashlib.sha256(actor.encode()).hexdigest(), 16)
    return _FALLBACK[digest % len(_FALLBACK)]


def bar_style(label: str) -> dict:
    """Face colour, hatch and hatch colour for an actor or a perpetrator group."""
    actors = label.split(GROUP_SEPARATOR)
    edge = "#999999" if label == OTHER_SERIES else "white"
    style = {"facecolor": actor_colour(actors[0]), "edgecolor": edge, "linewidth": 0.5}
    if len(actors) > 1:
        style.update(hatch="///", edgecolor=actor_colour(actors[1]))
    return style


def apply() -> None:
    """Matplotlib defaults for every figure of the report."""
    mpl.rcParams.update(
        {
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.figsize": (8, 4.2),
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "axes.grid.axis": "y",
            "grid.color": "#dddddd",
            "legend.frameon": False,
            "hatch.linewidth": 1.2,
            "svg.hashsalt": "mali",
            # Names come from data: a '$' must print as a dollar, never start mathtext (which can fail).
            "text.parse_math": False,
        }
    )


#: One colour per dataset of a comparison, in order (Okabe-Ito blue, vermilion, bluish green, purple):
#: a dataset's matched events solid, the events only it has in the same colour, pale.
COMPARISON_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
COMPARISON_UNMATCHED_ALPHA = 0.35
