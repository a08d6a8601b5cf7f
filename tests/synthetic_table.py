"""A seeded generator of large, messy French incident lists in the layout of the extended French fixture
(tests/fixtures/table/liste_incidents_fr.csv, read with examples/mappings/liste_incidents_fr.yml), with the
truth it was built from, so that an import can be recounted. Not real data.

Messiness as monitors type it: status words in hundreds of spellings (case, accents, spaces, plurals and
slips the mapping does not list), perpetrators in hundreds of spellings and pairs, counts written "3",
" 4 ", "au moins 5", "env. 10", "3?" or "ND", totals that agree, exceed or fall short of their pairs,
counts only in words, yes/no deaths, notes with quotes, semicolons, line breaks and French words,
impossible dates (rejected with their deaths).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

HEADER = [
    "id", "annee", "mois", "jour", "type_incident", "cibles", "armes", "auteurs", "point", "point_id", "depart",
    "depart_id", "arrivee", "arrivee_id", "cercle", "stat_morts_1", "count_morts_1", "stat_morts_2",
    "count_morts_2", "stat_morts_3", "count_morts_3", "nbr_morts", "stat_blesses_1", "count_blesses_1",
    "stat_blesses_2", "count_blesses_2", "nbr_blesses", "deces", "bilan", "source", "description",
]  # fmt: skip

#: The mapping's status words (examples/mappings/liste_incidents_fr.yml) and the status each gives.
LISTED = {
    "civil": "civilian", "prisonnier (civil)": "civilian", "soldat": "combatant", "militaire": "combatant",
    "gendarme": "combatant", "casque bleu": "combatant", "djihadiste": "combatant", "terroriste": "combatant",
    "assaillant": "combatant", "rebelle": "combatant", "combattant (MSA)": "combatant", "GATIA": "combatant",
    "ND": "unknown",
}  # fmt: skip
#: Words the mapping does not list: each becomes status unknown, with a warning.
UNLISTED = [
    "civils", "cvil", "civl", "soldats", "miltaire", "milicien", "chasseur dozo", "villageois", "berger",
    "commerçant", "élève", "enseignant", "chef de village", "femme", "enfant", "inconnu", "?", "autre",
]  # fmt: skip
PERPETRATORS = ["JNIM", "GSIM", "EIGS", "FAMa", "Wagner", "Dozo", "MSA", "GATIA", "Rebelles", "Militaires", "ND"]
PLACES = [  # point, point_id, cercle
    ("Dioura", "50301", "Ténenkou"), ("Boni", "50402", "Douentza"), ("Ogossagou", "50204", "Bankass"),
    ("Léré", "60502", "Niafunké"), ("Talataye", "70203", "Ansongo"), ("Sévaré", "", "Mopti"),
    ("Niono", "40101", ""), ("Kalala", "40205", "Macina"), ("Tonka", "60302", "Goundam"), ("Kidal", "80101", ""),
]  # fmt: skip
NOTES = [
    'Selon des sources locales, "des hommes armés" sont arrivés à moto; le village a été incendié.',
    "Témoins : l'attaque a eu lieu au marché.\nLe bilan reste à confirmer.",
    "Embuscade sur l'axe; véhicule calciné. Deux personnes portées disparues.",
    "Bilan provisoire ; d'après la mairie, « plusieurs blessés » évacués vers Sévaré.",
]


def _spelling(word: str, rng: np.random.Generator) -> str:
    """The same word as a monitor types it: case, accents and spaces vary, normalise_name does not."""
    choice = rng.integers(7)
    if choice == 6:
        upper = rng.random(len(word)) < 0.5
        return "".join(c.upper() if u else c.lower() for c, u in zip(word, upper, strict=True))
    if choice == 1:
        return word.upper()
    if choice == 2:
        return word.title()
    if choice == 3:
        return f" {word} "
    if choice == 4:
        return word.replace(" ", "  ")
    if choice == 5:
        return word.capitalize() + "."
    return word


def _count_cell(figure: int, rng: np.random.Generator) -> tuple[str, int | None]:
    """A count as typed, and the figure it supports (None: no figure can be read)."""
    choice = rng.integers(20)
    if choice == 0:
        return "ND", None
    if choice == 1:
        return f"{figure}?", figure
    if choice == 2:
        return f"env. {figure}", figure
    if choice == 3:
        return f"au moins {figure}", figure
    if choice == 4:
        return f" {figure} ", figure
    return str(figure), figure


def messy_list(rows: int, seed: int = 11) -> tuple[list[list[str]], pd.DataFrame]:
    """The list's records (without header) and the truth: one row per (record, harm, status) with the deaths
    or injured the cells support (figure None for a cell no grammar can read); record counts from 0."""
    rng = np.random.default_rng(seed)
    records, truth = [], []
    for i in range(rows):
        cells = dict.fromkeys(HEADER, "")
        cells["id"] = str(1000 + i)
        day = int(rng.integers(1, 29))
        month = int(rng.integers(1, 13))
        cells["annee"], cells["mois"], cells["jour"] = str(int(rng.integers(2021, 2025))), str(month), str(day)
        rejected = rng.random() < 0.01
        if rejected:
            cells["mois"], cells["jour"] = "2", "30"  # an impossible date: the row is rejected with its deaths
        cells["type_incident"] = str(rng.choice(["Attaque", "Embuscade", "Assassinat", "Affrontement", "Attaque"]))
        cells["cibles"] = str(rng.choice(["Civil", "Civil (Peuhls)", "FAMa", "MINUSMA", ""]))
        cells["armes"] = str(rng.choice(["Armes à feu", "Mine", "Drone", "", "Armes à feu"]))
        first, second = rng.choice(PERPETRATORS, 2)
        cells["auteurs"] = _spelling(str(first), rng) + (
            str(rng.choice([" / ", "-"])) + _spelling(str(second), rng) if rng.random() < 0.2 else ""
        )
        place, code, cercle = PLACES[int(rng.integers(len(PLACES)))]
        cells["point"], cells["point_id"], cells["cercle"] = place, code, cercle
        cells["source"] = "Observatoire fictif"
        cells["description"] = str(rng.choice(NOTES))
        kind = rng.random()
        if kind < 0.8:
            for harm, prefix, total_column, n_pairs in (
                ("killed", "morts", "nbr_morts", 3),
                ("injured", "blesses", "nbr_blesses", 2),
            ):
                if harm == "injured" and rng.random() < 0.6:
                    continue
                in_pairs = 0
                for k in range(1, int(rng.integers(1, n_pairs + 1)) + 1):
                    if rng.random() < 0.1:
                        word, status = str(rng.choice(UNLISTED)), "unknown"
                    else:
                        listed = str(rng.choice(list(LISTED)))
                        word, status = _spelling(listed, rng), LISTED[listed]
                    if rng.random() < 0.03:
                        word, status = "", "unknown"
                    text, figure = _count_cell(int(rng.integers(1, 30)), rng)
                    cells[f"stat_{prefix}_{k}"], cells[f"count_{prefix}_{k}"] = word, text
                    truth.append((i, harm, status, figure))
                    in_pairs += figure or 0
                shape = rng.random()
                if shape < 0.6:
                    cells[total_column] = str(in_pairs)
                elif shape < 0.75:
                    total = in_pairs + int(rng.integers(1, 6))
                    cells[total_column] = str(total)
                    truth.append((i, harm, "unknown", total - in_pairs))
                elif shape < 0.85 and in_pairs > 1:
                    cells[total_column] = str(in_pairs - 1)  # short of the pairs: the pairs are kept
        elif kind < 0.93:
            figure = int(rng.integers(1, 20))
            phrase, status = [
                (f"{figure} morts", "unknown"),
                (f"au moins {figure} civils tués", "civilian"),
                (f"{figure} soldats tués", "combatant"),
            ][int(rng.integers(3))]
            cells["bilan"] = phrase
            truth.append((i, "killed", status, figure))
        elif kind < 0.97:
            cells["deces"] = "oui"
            truth.append((i, "killed", "unknown", None))
        records.append([cells[c] for c in HEADER])
    frame = pd.DataFrame(truth, columns=["record", "harm", "victim_status", "figure"])
    frame["figure"] = frame["figure"].astype("Int64")
    return records, frame


def write_messy_list(path: Path, rows: int, seed: int = 11) -> pd.DataFrame:
    """Writes the list as the monitors' Excel exports it (cp1252, ';'); returns the truth."""
    records, truth = messy_list(rows, seed)
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(records)
    return truth
