"""The demo's list of places loaded by mapping (source ``listes_lieux``): the fictional regional network's list.

A layout the 2019 inventory never had: ``;``-separated, Windows-1252, French headers of its own, commune names
in capitals without accents, coordinates only for some rows, its own statuses (« En activité », « En projet »,
« Fermé »). Its mapping is ``config/listes_lieux/reseau_exemple.toml``. Drawn without randomness from the
inventory's places (every place of the inventory but the two sentinels, in the order of their identifiers):

- place 5k: its code INSEE, postcode, commune, address and coordinates (placed by ``code_insee``);
- place 5k+1: its address, postcode and commune name only (``code_postal`` when its postcode is that of one
  commune, else ``code_postal_nom_commune``);
- place 5k+2, the first four: its name in capitals and its coordinates only (``coordonnees_commune_la_plus_proche``:
  the generator drew every place nearer its commune's centre than any other's);

each of them the same place as the inventory's (matched by the existing matching); then three places the
inventory does not know (coordinates 110 m north of the centre of a commune without any inventory place), one
place that cannot be placed (a postcode and commune that do not exist, no coordinates) and one damaged row (cut
after its name). :func:`list_truth` is what the generator knows of it (``truth.json``, key ``listes_lieux``).
The national benchmark's territory gets a simpler list in the same layout (:func:`census_list`).
"""

from __future__ import annotations

import csv
import tomllib
import unicodedata
from pathlib import Path

FILE = "reseaux/reseau-tiers-lieux-exemple.csv"
MAPPING = "reseau_exemple"      # config/listes_lieux/reseau_exemple.toml

HEADER = ("Réf.", "Nom de la structure", "Adresse postale", "CP", "Ville", "Code INSEE", "Lat", "Lng", "Typologie",
          "N° SIRET", "État", "Site internet")
NEW_PLACES = ("La Ressourcerie du Lavoir", "Le Garage Solidaire", "Jardin des Possibles")


def list_year() -> int:
    """The list's vintage, the one its mapping declares (the date of every mention of a place by the list)."""
    mapping = Path(__file__).resolve().parents[2] / "config" / "listes_lieux" / f"{MAPPING}.toml"
    return int(tomllib.loads(mapping.read_text(encoding="utf-8"))["date"][:4])


def _upper_ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).upper()


def _typology(typo: str) -> str:
    low = typo.lower()
    return "Espace de coworking" if "cowork" in low else "Fablab / atelier" if "fablab" in low else "Tiers-lieu"


def _postcode_is_unique(facts, postcode: str) -> bool:
    return sum(1 for pc in facts.postcodes if pc == postcode) == 1


def regional_list(facts) -> tuple[list[list[str]], dict]:
    """The list's rows (without its header) and its truth."""
    rows: list[list[str]] = []
    placements: dict[str, list[str] | None] = {}
    matches: dict[str, str] = {}
    status: dict[str, str] = {}

    def rid(ref: str) -> str:
        return f"LISTE-{MAPPING}-{ref}"

    places = sorted((p for p in facts.places if not p.sentinel), key=lambda p: int(p.id))
    n_coords = 0
    for i, p in enumerate(places):
        code, name = facts.codes[p.host], facts.commune_names[p.host]
        postcode = facts.postcodes[p.host]
        ref = f"RTL-{i + 1:03d}"
        if i % 5 == 0:
            state = "Fermé" if i == 10 else "En activité"
            rows.append([ref, p.name, p.address, postcode, _upper_ascii(name), code, f"{p.lat:.6f}".replace(".", ","),
                         f"{p.lon:.6f}".replace(".", ","), _typology(p.typo), p.siret, state, ""])
            placements[rid(ref)] = [code, "code_insee"]
        elif i % 5 == 1:
            state = "Ouvert"
            rows.append([ref, p.name, p.address, postcode, _upper_ascii(name), "", "", "", _typology(p.typo), "",
                         state, ""])
            method = "code_postal" if _postcode_is_unique(facts, postcode) else "code_postal_nom_commune"
            placements[rid(ref)] = [code, method]
        elif i % 5 == 2 and n_coords < 4:
            n_coords += 1
            state = "En activité"
            rows.append([ref, p.name.upper(), "", "", "", "", f"{p.lat:.6f}".replace(".", ","),
                         f"{p.lon:.6f}".replace(".", ","), "", "", state, ""])
            placements[rid(ref)] = [code, "coordonnees_commune_la_plus_proche"]
        else:
            continue
        matches[rid(ref)] = f"TL2019-{p.id}"
        status[rid(ref)] = {"Fermé": "ferme", "En projet": "projet"}.get(state, "ouvert")
    hosts = {p.host for p in facts.places}
    free = [k for k in range(len(facts.codes)) if k not in hosts]
    for j, (name, k) in enumerate(zip(NEW_PLACES, free[::max(1, len(free) // 3)])):
        ref = f"RTL-N{j + 1:02d}"
        lat, lon = facts.centres[k]
        rows.append([ref, name, "", "", "", "", f"{lat + 0.001:.6f}".replace(".", ","), f"{lon:.6f}".replace(".", ","),
                     "Tiers-lieu", "", "En projet", f"https://lieu-{j + 1}.exemple.fr"])
        placements[rid(ref)] = [str(facts.codes[k]), "coordonnees_commune_la_plus_proche"]
        status[rid(ref)] = "projet"
    rows.append(["RTL-X01", "Tiers-lieu itinérant du plateau", "", "96990", "COMMUNE INCONNUE", "", "", "", "Tiers-lieu",
                 "", "En activité", ""])
    placements[rid("RTL-X01")] = None
    status[rid("RTL-X01")] = "ouvert"
    rows.append(["RTL-X02", "Ligne coupée par l'export"])    # damaged: 2 fields instead of 12
    truth = {
        "file": FILE,
        "list_name": "Réseau des tiers-lieux du Territoire d'exemple",
        "n_rows": len(rows),
        "n_loaded": len(rows) - 1,
        "n_rejected": 1,
        "rejected_lines": [len(rows) + 1],            # the header is line 1
        "placements": placements,                      # record id -> [commune, method], None: reported unplaced
        "matches": matches,                            # record id -> the inventory record of the same place
        "status": status,
    }
    return rows, truth


def census_list(facts) -> list[list[str]]:
    """The list for a territory without commune names and postcodes (the national benchmark): every fifth place
    of the inventory, with its commune code and coordinates only, as a later census export would give it."""
    return [[f"RTL-{i + 1:06d}", p.name, p.address, "", "", str(facts.codes[p.host]), f"{p.lat:.6f}".replace(".", ","),
             f"{p.lon:.6f}".replace(".", ","), _typology(p.typo), "", "En activité", ""]
            for i, p in enumerate(sorted((p for p in facts.places if not p.sentinel), key=lambda p: int(p.id)))
            if i % 5 == 0]


def list_truth(facts) -> dict | None:
    """The truth of the list (None for a territory without the list: the national benchmark)."""
    if getattr(facts, "commune_names", None) is None:
        return None
    return regional_list(facts)[1]


def write_demo(out_dir: Path, drawn) -> dict[str, int]:
    """The ``demo`` writer of the source's declaration: the list in its layout, Windows-1252 (for the national
    benchmark, :func:`census_list` in the same layout)."""
    if getattr(drawn.facts, "commune_names", None) is None:
        rows = census_list(drawn.facts)
    else:
        rows, _ = regional_list(drawn.facts)
    path = Path(out_dir) / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return {FILE: len(rows)}
