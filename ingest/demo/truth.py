"""The truth: what the generator knows it wrote, computed from the values written, for both scales.

Tests and the benchmark compare the warehouse with it (``truth.json`` beside the files). A scale hands
over its communes and what it placed in them as :class:`Facts`; :func:`truth` counts them. A département
(the demo) gets a detailed truth, which lists its sentinel places and splits grants and survey answers
by EPCI; a country (the national benchmark) gets a summary one, which counts communes by département,
arrondissements, communes déléguées, foreign flows and totals instead.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np

from ingest.demo.formats import ECONOMY_REVENUES, survey_column
from ingest.demo.listes import FILE as LIST_FILE
from ingest.demo.listes import list_truth, list_year
from ingest.demo.records import Flows, FranceServices, Grant, Place
from ingest.demo.vocabulary import TYPO_COWORKING, TYPO_FABLAB


@dataclass
class Facts:
    """Communes (the COG's ``COM`` rows) as parallel arrays, and the generated facts that refer to them by
    index (``host``, ``origin_commune``...)."""

    territory: dict                # name and codes of the territory, as truth.json states them
    codes: np.ndarray              # commune code per commune (object)
    dep: np.ndarray                # département code per commune (object)
    epci: np.ndarray               # EPCI SIREN per commune (object)
    canton: np.ndarray             # canton code per commune, "" when none (object)
    pmun: np.ndarray               # municipal population per commune (int)
    epci_names: dict[str, str]
    canton_names: dict[str, str]
    places: list[Place]
    france_services: list[FranceServices]
    flows: Flows
    grants: list[Grant]
    surveys: dict[str, list[list[str]]]   # wave -> rows (formats.survey_row)
    n_arrondissements: int = 0     # municipal arrondissements (ARM rows)
    n_delegated: int = 0           # communes déléguées (COMD rows)
    # Per commune, for the lists of places loaded by mapping (ingest.demo.listes; the demo only): its name
    # (COG LIBELLE), its postcode (Etalab codesPostaux) and its centre (lat, lon).
    commune_names: list[str] | None = None
    postcodes: list[str] | None = None
    centres: list[tuple[float, float]] | None = None


def _r6(x: float) -> float:
    return round(x + 0.0, 6)


def _sum_by(group: np.ndarray, micro: np.ndarray, n: int) -> list[float]:
    """Sums per group 0..n-1 of values given in integer millionths: exact, so each sum is the 6-decimal
    value math.fsum would round to, in any order of the rows."""
    sums = np.zeros(n, dtype=np.int64)
    np.add.at(sums, group, micro)
    return [int(x) / 1e6 for x in sums]


def _typo_key(typo: str) -> str:
    return "coworking" if typo == TYPO_COWORKING else "fablab" if typo == TYPO_FABLAB else "non_renseigne"


# The demo's spellings of statut_lieu (ingest/demo/departement.py, place_statuses) and what they mean; an
# unknown spelling is an error here, so the truth never guesses.
STATUS_WRITTEN = {"ouvert": "ouvert", "en projet": "en_projet", "en cours de création": "en_projet",
                  "Projet": "en_projet", "Fermé définitivement": "ferme", "": None}
INVENTORY_YEAR = 2019          # the inventory lists every place as open that year


LIST_STATUS = {"ouvert": "ouvert", "projet": "en_projet", "ferme": "ferme"}   # the list's truth -> the history's


def place_status(f: Facts, epcis: list[str], regional_list: dict | None = None, list_year: int | None = None) -> dict:
    """The status of every place through time, from the rows written: the inventory lists each place in
    INVENTORY_YEAR (open); each survey answer states its status (or none when blank); the regional list
    (``regional_list``, its truth, dated ``list_year``) states the status of the inventory places it holds and of
    the places only it knows and places in a commune (one it cannot place is reported, not a known place). The latest
    mention stating a status wins, an answer before a list of the same year; a place opens the year of its first
    "ouvert" after its last "en_projet" (or, never in project, the year of its first "ouvert" when it declares it
    opened that year) and closes the year of its first "ferme" after its last other status."""
    ref, written, opened_col = (survey_column(c) for c in ("identifiant_lieu", "statut_lieu", "annee_ouverture"))
    mentions: dict[str, list[tuple[int, int, str | None]]] = {p.id: [(INVENTORY_YEAR, 0, "ouvert")] for p in f.places}
    epci_of = {p.id: f.epci[p.host] for p in f.places}
    if regional_list is not None:
        k_of = {str(code): k for k, code in enumerate(f.codes)}
        for rid, state in regional_list["status"].items():
            matched = regional_list["matches"].get(rid)
            pid = matched.removeprefix("TL2019-") if matched else rid
            if not matched:
                placed = regional_list["placements"][rid]
                if not placed:   # reported unplaced (quality_unplaced_places): no real place, no history
                    continue
                mentions[pid] = []
                epci_of[pid] = f.epci[k_of[placed[0]]]
            mentions[pid].append((list_year, 0, LIST_STATUS[state]))
    declared: dict[str, tuple[int, int]] = {}
    for year, rows in f.surveys.items():
        for r in rows:
            pid = r[ref].removeprefix("TL2019-")
            mentions[pid].append((int(year), 1, STATUS_WRITTEN[r[written]]))
            if r[opened_col] and (pid not in declared or int(year) > declared[pid][0]):
                declared[pid] = (int(year), int(r[opened_col]))
    years = sorted({m[0] for ms in mentions.values() for m in ms})
    by_year = {y: {"ouvert": 0, "en_projet": 0, "ferme": 0, "opened": 0, "closed": 0} for y in years}
    by_epci = {e: {"ouvert": 0, "en_projet": 0, "ferme": 0} for e in epcis}
    for pid, epci in epci_of.items():
        ms = sorted(mentions[pid])
        stated = [(i, m) for i, m in enumerate(ms) if m[2] is not None]
        status = stated[-1][1][2]
        by_epci[epci][status] += 1
        for y in years:
            at = [m[2] for _, m in stated if m[0] <= y]
            if at:
                by_year[y][at[-1]] += 1
        projects = [i for i, m in stated if m[2] == "en_projet"]
        if projects:
            opened = next((m[0] for i, m in stated if m[2] == "ouvert" and i > projects[-1]), None)
        else:
            first_open = next((m[0] for _, m in stated if m[2] == "ouvert"), None)
            opened = first_open if declared.get(pid, (0, None))[1] == first_open else None
        if opened is not None:
            by_year[opened]["opened"] += 1
        if status == "ferme":
            last_other = max(i for i, m in stated if m[2] != "ferme")
            by_year[next(m[0] for i, m in stated if m[2] == "ferme" and i > last_other)]["closed"] += 1
    return {"by_epci": by_epci, "by_year": {str(y): v for y, v in by_year.items()}, "n_known_places": len(epci_of)}


def _economy(rows: list[list[str]], epci_of_row: list[str], epcis: list[str]) -> dict:
    """The economic model of one wave as written (blank = not answered): revenue and ETP per EPCI and for the
    whole département, revenue by activity, median price of a desk per month, places offering a public
    service (France Services, conseiller numérique or espace public numérique), each with its answering base."""
    col = {c: survey_column(c) for c in ("etp", "chiffre_affaires_eur", "prix_poste_mois_eur", "services",
                                         *ECONOMY_REVENUES)}

    def numbers(c, subset=None):
        return [float(r[col[c]]) for k, r in enumerate(rows) if r[col[c]] != "" and (subset is None or k in subset)]

    by_epci = {}
    for e in epcis:
        mine = {k for k, x in enumerate(epci_of_row) if x == e}
        revenue, fte = numbers("chiffre_affaires_eur", mine), numbers("etp", mine)
        by_epci[e] = {"n_revenue": len(revenue), "revenue_sum": sum(revenue), "n_fte": len(fte),
                      "fte_sum": round(sum(fte), 6)}
    revenue, prices = numbers("chiffre_affaires_eur"), numbers("prix_poste_mois_eur")
    public_service = {"France Services", "conseiller numérique", "espace public numérique"}
    answered_services = [r[col["services"]].split(";") for r in rows if r[col["services"]] != ""]
    return {
        "by_epci": by_epci,
        "n_revenue": len(revenue), "revenue_sum": sum(revenue),
        "revenue_median": statistics.median(revenue) if revenue else None,
        "n_fte": len(numbers("etp")), "fte_sum": round(sum(numbers("etp")), 6),
        "n_price": len(prices), "price_per_desk_median": statistics.median(prices) if prices else None,
        "revenue_by_activity": {c: sum(numbers(c)) for c in ECONOMY_REVENUES},
        "n_revenue_by_activity": sum(1 for r in rows if any(r[col[c]] != "" for c in ECONOMY_REVENUES)),
        "n_services": len(answered_services),
        "n_public_service": sum(1 for s in answered_services if public_service & set(s)),
    }


def truth(f: Facts, files: dict[str, int], detailed: bool) -> dict:
    """The truth of a generated mirror (``files``: relative path -> data records written). ``detailed``: a
    département's truth (see the module's documentation), else a country's."""
    epcis = sorted(f.epci_names)
    e_index = {e: k for k, e in enumerate(epcis)}
    e_of = np.array([e_index[e] for e in f.epci])
    pop_by_epci = np.zeros(len(epcis), dtype=np.int64)
    np.add.at(pop_by_epci, e_of, f.pmun.astype(np.int64))

    places_by_epci = {e: {"coworking": 0, "fablab": 0, "non_renseigne": 0, "total": 0} for e in epcis}
    for p in f.places:
        e = f.epci[p.host]
        places_by_epci[e][_typo_key(p.typo)] += 1
        places_by_epci[e]["total"] += 1

    fs_by_canton = {k: {"principal": 0, "antenne": 0, "total": 0} for k in f.canton_names}
    fs_by_epci = {e: 0 for e in epcis}
    for fs in f.france_services:
        fs_by_epci[f.epci[fs.host]] += 1
        k = f.canton[fs.host]
        if k:
            fs_by_canton[k][fs.kind.lower()] += 1
            fs_by_canton[k]["total"] += 1

    flows = f.flows
    v = flows.values
    micro = np.rint(v * 1e6).astype(np.int64)       # the values written have at most 6 decimals
    if not np.array_equal(micro / 1e6, v):
        raise ValueError("flow values must have at most 6 decimals")
    o_e = e_of[flows.origin_commune]
    abroad = flows.dest_commune < 0
    d_e = np.where(abroad, -1, e_of[np.maximum(flows.dest_commune, 0)])
    active = _sum_by(o_e, micro, len(epcis))
    out_commune = _sum_by(o_e, np.where(flows.dest_commune != flows.origin_commune, micro, 0), len(epcis))
    out_epci = _sum_by(o_e, np.where(d_e != o_e, micro, 0), len(epcis))

    by_funder: dict[str, int] = {}
    to_places = {e: 0 for e in epcis}
    for g in f.grants:
        by_funder[g.funder] = by_funder.get(g.funder, 0) + g.cents
        if g.place is not None:
            to_places[f.epci[g.place.host]] += g.cents

    place_by_ref = {f"TL2019-{p.id}": p for p in f.places}
    ref, desks, visitors = (survey_column(c) for c in ("identifiant_lieu", "postes_travail", "visiteurs_semaine"))
    surveys = {}
    for year, rows in f.surveys.items():
        surveys[year] = {"respondents": len(rows), "desks_total": sum(int(r[desks]) for r in rows)}
        if detailed:
            by_epci = {e: 0 for e in epcis}
            for r in rows:
                by_epci[f.epci[place_by_ref[r[ref]].host]] += int(r[visitors])
            surveys[year]["visitors_per_week_by_epci"] = by_epci
            surveys[year]["economy"] = _economy(rows, [f.epci[place_by_ref[r[ref]].host] for r in rows], epcis)
        else:
            surveys[year]["inventory_places"] = sum(1 for r in rows if r[ref] in place_by_ref)
            surveys[year]["visitors_per_week_total"] = sum(int(r[visitors]) for r in rows)

    out = {
        "territory": f.territory,
        "n_communes": len(f.codes),
        "population_total": int(f.pmun.sum()),
        "population_by_epci": {e: int(pop_by_epci[k]) for k, e in enumerate(epcis)},
        "epci": {e: f.epci_names[e] for e in epcis},
        "cantons": dict(sorted(f.canton_names.items())),
        "places_by_epci": places_by_epci,
        "n_places": len(f.places),
        "france_services_by_canton": fs_by_canton,
        "cantons_without_france_services": sorted(k for k, x in fs_by_canton.items() if x["total"] == 0),
        "n_france_services": len(f.france_services),
        "flows": {
            "active_residents_by_epci": {e: _r6(active[k]) for k, e in enumerate(epcis)},
            "commuters_out_of_commune_by_epci": {e: _r6(out_commune[k]) for k, e in enumerate(epcis)},
            "commuters_out_of_epci": {e: _r6(out_epci[k]) for k, e in enumerate(epcis)},
        },
        "grants": {
            "n_rows": len(f.grants),
            "total_amount": round(sum(g.cents for g in f.grants) / 100, 2),
            "amount_by_funder": {k: round(x / 100, 2) for k, x in sorted(by_funder.items())},
            "n_grants_to_places": sum(1 for g in f.grants if g.place is not None),
        },
        "surveys": surveys,
    }
    if detailed:
        regional = list_truth(f) if LIST_FILE in files else None
        out["place_status"] = place_status(f, epcis, regional, list_year() if regional else None)
        out["grants"]["amount_to_places_by_epci"] = {e: round(x / 100, 2) for e, x in to_places.items()}
        out["sentinel_places"] = [{"id": p.id, "insee_com": f.codes[p.host]}
                                  for p in sorted((p for p in f.places if p.sentinel), key=lambda p: int(p.id))]
        if LIST_FILE in files:   # the regional list of places (source listes_lieux)
            out["listes_lieux"] = list_truth(f)
        return out
    deps = sorted(set(f.dep.tolist()), key=lambda d: (len(d), d))
    out.update({
        "files": files,
        "n_communes_by_departement": {d: int((f.dep == d).sum()) for d in deps},
        "n_arrondissements_municipaux": f.n_arrondissements,
        "n_communes_deleguees": f.n_delegated,
        "n_epci": len(epcis),
        "n_cantons": len(f.canton_names),
        "communes_without_canton": int((f.canton == "").sum()),
        "n_sentinel_places": sum(p.sentinel for p in f.places),
        "france_services_by_epci": fs_by_epci,
    })
    out["flows"].update({"n_rows": len(v), "n_foreign_rows": int(abroad.sum()),
                         "total_workers": int(micro.sum()) / 1e6})
    return out
