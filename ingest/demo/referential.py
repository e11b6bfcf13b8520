"""Referential publications of the synthetic territories (formats: :mod:`ingest.demo.formats`).

Written by :func:`ingest.demo.generator.write_mirror` beside the other files, with their own random
stream (the other files are byte-identical with or without them). The demo's (:func:`write_referential`):

* Etalab découpage administratif (npm ``@etalab/decoupage-administratif``): ``communes.json`` (one
  object per line, compact), ``epci.json``, ``departements.json``, ``regions.json``. The communes
  nouvelles of the territory list their former codes in ``anciensCodes``: the parents of the COG's
  communes déléguées, and one commune that absorbed a former commune, ``96310``, which exists in no
  COG row (so only the Etalab file knows where it went).
* ANCT superposeur grids: ``densite.csv`` and ``ruralite.csv`` (UTF-8 with BOM, LF; the rurality
  values carry the publication's leading space) and the EPCI centroids GeoJSON.
* ANCT programme laureates: ``fabt_geom.geojson`` and ``manuprox_geom.geojson`` (one point per
  commune at its centre, several projects per feature "fabt-901; fabt-902"), one of them published
  under the former code ``96310``, one the same place as an inventory tiers-lieu (same commune, name
  written differently).
* ANCT conseillers numériques host structures ``cnfs.json`` (one line, every key as published, the
  postcode as a number that lost its zero plus the repaired ``code_postal_bis``, a multi-line
  address): one structure under a commune déléguée's code, one without commune code but with
  coordinates, one with only a postcode, one the same place as an inventory tiers-lieu (its name in
  capitals, same address, a few metres away).

The truth (what the referential must find) is returned under ``truth["referential"]``.
"""

from __future__ import annotations

import random
from pathlib import Path

from ingest.demo import layout
from ingest.demo.formats import (
    cnfs_record,
    density_grid_row,
    epci_centroid,
    etalab_arrondissement,
    etalab_commune,
    etalab_delegated,
    etalab_departement,
    etalab_epci,
    etalab_member,
    etalab_region,
    laureate,
    pvd_convention,
    rurality_grid_row,
    write,
)
from ingest.demo.geo import offset_point

MERGED_OLD_CODE = "96310"          # a former commune, absorbed long ago: in no COG row, only in anciensCodes
RURALITY_TYPES = ["Les ruralités productives agricoles", "Les ruralités résidentielles mixtes",
                  "Les ruralités touristiques spécialisées", "Les petites polarités mixtes",
                  "Les ruralités résidentielles aisées"]
URBAN_RURALITY = "Hors champ : DOM ou commune urbaine"
LAUREATE_NAMES = ["Fabrique des Possibles", "La Manufacture du Val", "Atelier Coopératif des Vallées",
                  "Le Grand Établi", "Tiers-lieu de la Gare", "La Fabrique Numérique des Monts"]


def _epci_type(name: str) -> str:
    if name.endswith("Métropole") or "Métropole" in name:
        return "METRO"
    return "CA" if name.startswith("CA ") else "CC"


def _offset_m(rng: random.Random, lat: float, lon: float, max_m: float, min_m: float = 5.0) -> tuple[float, float]:
    """A point a few metres to a few hundred metres away, as a geocoder's result (6 decimals)."""
    lat, lon = offset_point(rng, lat, lon, max_m, min_m, per_km=1000.0)
    return round(lat, 6), round(lon, 6)


def write_referential(out_dir: Path, t, places, seed: int, dep_code: str, dep_name: str, reg_code: str,
                      reg_name: str, ids) -> tuple[dict, dict[str, int]]:
    """The demo's referential files (``t``: its :class:`ingest.demo.departement.Territory`); return (truth,
    {relative path: records})."""
    rng = random.Random(f"{seed}-referential")
    out_dir = Path(out_dir)
    written: dict[str, int] = {}
    communes = t.communes
    by_code = t.by_code

    # --- the commune nouvelle that absorbed 96310: a rural commune without place, COMD or canton seat.
    comd_parents = {parent for _, _, parent in t.comd}
    hosts = {communes[p.host].code for p in places}
    merged_into = rng.choice(sorted(c.code for c in communes if c.role == "rural" and not c.canton_seat
                                    and c.code not in comd_parents and c.code not in hosts))
    old_codes: dict[str, list[str]] = {merged_into: [MERGED_OLD_CODE]}
    for code, _, parent in t.comd:
        old_codes.setdefault(parent, []).append(code)

    # --- Etalab communes.json
    items, siren_of = [], {}
    for c in communes:
        where = dict(arr=c.arr, dep=dep_code, reg=reg_code)
        siren_of[c.code] = ids.siren("21" + dep_code)
        items.append(etalab_commune(code=c.code, name=c.name, **where, siren=siren_of[c.code], postcodes=[c.postcode],
                                    population=c.pmun, former_codes=old_codes.get(c.code)))
        if c.code in comd_parents:   # a commune nouvelle's own former commune is a commune déléguée too
            items.append(etalab_delegated(code=c.code, name=c.name, parent=c.code, **where))
    for code, name, parent in t.comd:
        items.append(etalab_delegated(code=code, name=name, parent=parent, arr=by_code[parent].arr, dep=dep_code,
                                      reg=reg_code))
    items.sort(key=lambda i: (i["code"], i["type"] != "commune-actuelle"))
    written[layout.ETALAB_COMMUNES] = write(out_dir, layout.ETALAB_COMMUNES, items)

    # --- Etalab epci.json, departements.json, regions.json
    epci_items = []
    for code, name in t.epci_names.items():
        members = [etalab_member(code=c.code, siren=siren_of[c.code], name=c.libelle, pmun=c.pmun, pcap=c.pcap)
                   for c in communes if c.epci == code]
        epci_items.append(etalab_epci(code=code, name=name, kind=_epci_type(name), members=members))
    written[layout.ETALAB_EPCI] = write(out_dir, layout.ETALAB_EPCI, epci_items)
    metro = by_code[f"{dep_code}001"]
    written[layout.ETALAB_DEPARTEMENTS] = write(out_dir, layout.ETALAB_DEPARTEMENTS, [
        etalab_departement(code=dep_code, reg=reg_code, name=dep_name, chef_lieu=metro.code)])
    written[layout.ETALAB_REGIONS] = write(out_dir, layout.ETALAB_REGIONS, [
        etalab_region(code=reg_code, name=reg_name, type_liaison=3, chef_lieu=metro.code)])

    # --- ANCT grids. Density levels as the communes-france file publishes them; rurality by level.
    dens_rows, rur_rows, rurality = [], [], {}
    for c in communes:
        level = c.extra["density_level"]
        dens_rows.append(density_grid_row(c.code, c.libelle, level))
        rurality[c.code] = URBAN_RURALITY if level <= 2 else rng.choice(RURALITY_TYPES)
        rur_rows.append(rurality_grid_row(c.code, c.libelle, rurality[c.code]))
    written[layout.DENSITE] = write(out_dir, layout.DENSITE, dens_rows)
    written[layout.RURALITE] = write(out_dir, layout.RURALITE, rur_rows)
    centroids = []
    for code, name in t.epci_names.items():
        members = [c for c in communes if c.epci == code]
        centroids.append(epci_centroid(siren=code, name=name, lon=sum(c.lon for c in members) / len(members),
                                       lat=sum(c.lat for c in members) / len(members)))
    written[layout.EPCI_CENTROIDS] = write(out_dir, layout.EPCI_CENTROIDS, centroids)

    # --- Programme laureates: one feature per commune, at the commune centre.
    inventory = sorted((p for p in places if not p.sentinel), key=lambda p: int(p.id))
    twin = rng.choice([p for p in inventory if communes[p.host].role in ("pole", "bourg", "rural")])  # laureate twin
    twin_commune = communes[twin.host]
    poles = [c for c in communes if c.role == "pole" and c is not twin_commune]
    expected: dict[str, list[str]] = {}
    fabt_features = [
        # the metropole: two projects in one feature
        (metro, ["fabt-901", "fabt-902"], [LAUREATE_NAMES[0], LAUREATE_NAMES[2]], metro.code),
        # the inventory place's twin: same commune, the name written as the ANCT file writes it
        (twin_commune, ["fabt-903"], [f"Association {twin.name.upper()}"], twin_commune.code),
        # a laureate published under the former code absorbed by a commune nouvelle
        (by_code[merged_into], ["fabt-904"], [LAUREATE_NAMES[4]], MERGED_OLD_CODE),
    ]
    manuprox_features = [(poles[0], ["manuprox-9-1"], [LAUREATE_NAMES[1]], poles[0].code),
                         (poles[1], ["manuprox-9-2"], [LAUREATE_NAMES[3]], poles[1].code)]

    def laureate_features(specs):
        feats = []
        for commune, refs, names, published in specs:
            feats.append(laureate(code=published, commune_name=commune.libelle, refs=refs, names=names,
                                  lon=commune.lon, lat=commune.lat))
            method = "code_insee_fusionne" if published == MERGED_OLD_CODE else "code_insee"
            for ref in refs:
                expected[f"LAUREAT-{ref}"] = [commune.code, method]
        return feats

    written[layout.FABT] = write(out_dir, layout.FABT, laureate_features(fabt_features))
    written[layout.MANUPROX] = write(out_dir, layout.MANUPROX, laureate_features(manuprox_features))
    n_projects = sum(len(s[1]) for s in fabt_features + manuprox_features)

    # --- Conseillers numériques host structures.
    cnfs_twin = rng.choice([p for p in inventory if p is not twin and communes[p.host].role in ("metropole", "pole")])
    cnfs_twin_commune = communes[cnfs_twin.host]
    comd_code, _, comd_parent = t.comd[0]
    seats = [by_code[s] for s in sorted(t.epci_seats.values())]

    def record(i, name, commune, *, code="x", postcode="x", lat=None, lon=None, address=None, public=True,
               france_services="non"):
        street = address or f"{rng.randint(1, 40)} PL DE LA MAIRIE"
        n_advisers = rng.randint(1, 3)
        validated = f"2021-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        siret = ids.siret()
        investment = rng.choice([50000, 54805, 109610])
        geocoded = None if lat is None else (lat, lon, round(rng.uniform(0.6, 0.99), 2))
        return cnfs_record(
            id=9000 + i, name=name, commune_name=commune.libelle, commune_code=commune.code,
            published_code=commune.code if code == "x" else code,
            postcode=commune.postcode if postcode == "x" else postcode, street=street, dep=dep_code,
            dep_name=dep_name, reg=reg_code, reg_name=reg_name, n_advisers=n_advisers, validated=validated,
            public=public, siret=siret, investment=investment, france_services=france_services, geocoded=geocoded)

    cnfs = []
    for i, seat in enumerate(seats, start=1):       # the town halls of the EPCI seats
        lat, lon = _offset_m(rng, seat.lat, seat.lon, 300)
        cnfs.append(record(i, f"COMMUNE DE {seat.libelle.upper()}", seat, lat=lat, lon=lon))
        expected[f"CNFS-{9000 + i}"] = [seat.code, "code_insee"]
    n = len(cnfs)
    # the twin of an inventory tiers-lieu: its name in capitals, the same address, a few metres away
    lat, lon = _offset_m(rng, cnfs_twin.lat, cnfs_twin.lon, 25)
    cnfs.append(record(n + 1, cnfs_twin.name.upper(), cnfs_twin_commune, lat=lat, lon=lon,
                       address=cnfs_twin.address.upper(), public=False))
    expected[f"CNFS-{9000 + n + 1}"] = [cnfs_twin_commune.code, "code_insee"]
    # published under a commune déléguée's code: placed in its parent
    parent = by_code[comd_parent]
    lat, lon = _offset_m(rng, parent.lat, parent.lon, 500)
    cnfs.append(record(n + 2, "FOYER RURAL DES TROIS VILLAGES", parent, code=comd_code, lat=lat, lon=lon))
    expected[f"CNFS-{9000 + n + 2}"] = [parent.code, "code_insee_commune_parente"]
    # no commune code, no postcode, coordinates only: placed by the nearest commune centre
    rural = rng.choice([c for c in communes if c.role == "rural" and c.code not in comd_parents
                        and c.code != merged_into])
    lat, lon = _offset_m(rng, rural.lat, rural.lon, 150)
    cnfs.append(record(n + 3, "ASSOCIATION FAMILLES RURALES", rural, code="", postcode="", lat=lat, lon=lon))
    expected[f"CNFS-{9000 + n + 3}"] = [rural.code, "coordonnees_commune_la_plus_proche"]
    # no commune code, no coordinates, a postcode of exactly one commune (the metropole's): placed by postcode
    cnfs.append(record(n + 4, "MAISON DES SOLIDARITES", metro, code="", france_services="oui"))
    expected[f"CNFS-{9000 + n + 4}"] = [metro.code, "code_postal"]
    written[layout.CNFS] = write(out_dir, layout.CNFS, cnfs)

    # --- Petites villes de demain (the real layout: no code column, the codes inside liste_geo): every EPCI
    # seat that is a small town (bourg); the first one's convention also covers a rural commune of its EPCI
    # ("A (96xxx), B (96yyy)": one label per commune); the second convention's date of signature is empty.
    bourgs = sorted((c for c in communes if c.role == "bourg"), key=lambda c: c.code)
    partner = next((c for c in sorted(communes, key=lambda c: c.code) if bourgs and c.role == "rural"
                    and c.epci == bourgs[0].epci and c.code != merged_into and c.code not in comd_parents), None)
    pair = [bourgs[0], partner] if partner else None
    conventions = ([pair] if pair else []) + [[c] for c in bourgs if not pair or c not in pair]
    pvd, pvd_labels = [], {}
    for k, members in enumerate(conventions, start=1):
        ref = f"pvd-{reg_code}-{dep_code}-{k}"
        signed = "" if k == 2 else f"2021-0{rng.randint(1, 9)}-{rng.randint(10, 28)}"
        pvd.append(pvd_convention(ref=ref, name=" - ".join(c.libelle for c in members), signed=signed,
                                  communes=[(c.libelle, c.code) for c in members], lon=members[0].lon,
                                  lat=members[0].lat))
        for c in members:
            pvd_labels[ref if len(members) == 1 else f"{ref}-{c.code}"] = c.code
    written[layout.PVD] = write(out_dir, layout.PVD, pvd)
    pvd_by_epci: dict[str, int] = {}
    for code in pvd_labels.values():
        pvd_by_epci[by_code[code].epci] = pvd_by_epci.get(by_code[code].epci, 0) + 1

    truth = {
        "merged_code": {"old_code": MERGED_OLD_CODE, "commune": merged_into},
        "delegated": {code: parent for code, _, parent in t.comd},
        "expected_placements": expected,
        "duplicate_pairs": [[f"TL2019-{twin.id}", "LAUREAT-fabt-903"],
                            [f"TL2019-{cnfs_twin.id}", f"CNFS-{9000 + n + 1}"]],
        "n_laureate_projects": n_projects,
        "n_cnfs": len(cnfs),
        "n_programme_labels": n_projects + len(cnfs),
        # labels whose published commune code (or its parent, or the commune it merged into) is known: those
        # the programme-label indicators count (int_programme_labels places labels by code only)
        "n_programme_labels_with_code": n_projects + sum(1 for r in cnfs if r["insee_com"]) + len(pvd_labels),
        # Petites villes de demain: label id -> commune (one label per commune of a convention), per EPCI
        "pvd_labels": pvd_labels,
        "pvd_by_epci": pvd_by_epci,
        "pvd_pair": [c.code for c in pair] if pair else [],
        "rurality": rurality,
        "n_communes_etalab": len(items),
    }
    return truth, written


def write_referential_national(out_dir: Path, t, places, seed: int) -> dict[str, int]:
    """The same referential publications for the fictional France of ``ingest.demo.national`` (benchmark):
    every commune in communes.json (communes déléguées and municipal arrondissements with their parent),
    the EPCI with their members, départements, régions, both grids, one laureate per eight tiers-lieux
    (half of them the inventory place's twin) and one conseillers numériques structure per two tiers-lieux
    (a quarter of them twins). Returns {relative path: records}."""
    rng = random.Random(f"{seed}-referential-national")
    out_dir = Path(out_dir)
    written: dict[str, int] = {}
    codes = [str(c) for c in t.codes]
    index = {c: i for i, c in enumerate(codes)}

    def where(i: int) -> dict:
        return dict(arr=str(t.arr[i]), dep=str(t.dep[i]), reg=str(t.reg[i]))

    def siren(i: int) -> str:
        return f"21{i:07d}"

    comd_of: dict[str, list[str]] = {}
    for code, _, parent in t.comd:
        comd_of.setdefault(parent, []).append(code)
    items = [etalab_commune(code=codes[i], name=c.name, **where(i), siren=siren(i), postcodes=[str(t.postcode[i])],
                            population=int(t.pmun[i]), former_codes=comd_of.get(codes[i]))
             for i, c in enumerate(t.communes)]
    items += [etalab_delegated(code=code, name=name, parent=parent, **where(index[parent]))
              for code, name, parent in t.comd]
    items += [etalab_arrondissement(code=code, name=name, city=codes[city], **where(city),
                                    postcodes=[str(t.postcode[city])])
              for city, arms in t.arm.items() for code, name in arms]
    written[layout.ETALAB_COMMUNES] = write(out_dir, layout.ETALAB_COMMUNES, items)

    members: dict[str, list[int]] = {}
    for i, e in enumerate(t.epci):
        if e:
            members.setdefault(str(e), []).append(i)
    epci_items = [etalab_epci(code=e, name=t.epci_names[e], kind=t.epci_kind.get(e, "CC"), members=[
        etalab_member(code=codes[i], siren=siren(i), name=t.communes[i].libelle, pmun=t.pmun[i], pcap=t.pcap[i])
        for i in m]) for e, m in sorted(members.items())]
    written[layout.ETALAB_EPCI] = write(out_dir, layout.ETALAB_EPCI, epci_items)
    written[layout.ETALAB_DEPARTEMENTS] = write(out_dir, layout.ETALAB_DEPARTEMENTS, [
        etalab_departement(code=d, reg=t.dep_reg[d], name=n) for d, n in sorted(t.dep_names.items())])
    written[layout.ETALAB_REGIONS] = write(out_dir, layout.ETALAB_REGIONS, [
        etalab_region(code=r, name=n, type_liaison=0) for r, n in sorted(t.reg_names.items())])

    dens, rur = [], []
    for i, c in enumerate(t.communes):
        pop = int(t.pmun[i])
        level = 1 if pop >= 100_000 else 2 if pop >= 20_000 else 3 if pop >= 5_000 else 5 if pop >= 1_000 else 6
        dens.append(density_grid_row(codes[i], c.libelle, level))
        rur.append(rurality_grid_row(codes[i], c.libelle,
                                     URBAN_RURALITY if level <= 2 else RURALITY_TYPES[i % len(RURALITY_TYPES)]))
    written[layout.DENSITE] = write(out_dir, layout.DENSITE, dens)
    written[layout.RURALITE] = write(out_dir, layout.RURALITE, rur)
    written[layout.EPCI_CENTROIDS] = write(out_dir, layout.EPCI_CENTROIDS, [
        epci_centroid(siren=e, name=t.epci_names[e], lon=sum(float(t.lon[i]) for i in m) / len(m),
                      lat=sum(float(t.lat[i]) for i in m) / len(m)) for e, m in sorted(members.items())])

    inventory = [p for p in places if not p.sentinel]
    fabt, manuprox = [], []
    for k, p in enumerate(inventory[::8]):
        i = p.host
        name = f"Association {p.name.upper()}" if k % 2 == 0 else LAUREATE_NAMES[k % len(LAUREATE_NAMES)]
        ref = f"fabt-{900 + k}" if k % 3 else f"manuprox-9-{k}"
        (fabt if ref.startswith("fabt") else manuprox).append(laureate(
            code=codes[i], commune_name=t.communes[i].libelle, refs=[ref], names=[name], lon=float(t.lon[i]),
            lat=float(t.lat[i])))
    written[layout.FABT] = write(out_dir, layout.FABT, fabt)
    written[layout.MANUPROX] = write(out_dir, layout.MANUPROX, manuprox)
    # Petites villes de demain: one convention per tenth laureate commune, the codes inside liste_geo.
    written[layout.PVD] = write(out_dir, layout.PVD, [
        pvd_convention(ref=f"pvd-{k}", name=t.communes[p.host].libelle, signed="2021-05-28",
                       communes=[(t.communes[p.host].libelle, codes[p.host])], lon=float(t.lon[p.host]),
                       lat=float(t.lat[p.host])) for k, p in enumerate(inventory[::80])])

    cnfs = []
    for k, p in enumerate(inventory[::2]):
        i = p.host if k % 4 == 0 else rng.randrange(len(codes))
        twin = k % 4 == 0
        lat, lon = _offset_m(rng, p.lat, p.lon, 25) if twin else _offset_m(rng, float(t.lat[i]), float(t.lon[i]), 300)
        dep, reg = str(t.dep[i]), str(t.reg[i])
        commune = t.communes[i]
        # No draw for the geocoding score: the other values stay those of the seed.
        cnfs.append(cnfs_record(
            id=9000 + k, name=p.name.upper() if twin else f"COMMUNE DE {commune.libelle.upper()}",
            commune_name=commune.libelle, commune_code=codes[i], published_code=codes[i],
            postcode=str(t.postcode[i]), street=f"{1 + k % 40} PL DE LA MAIRIE", dep=dep,
            dep_name=t.dep_names.get(dep, ""), reg=reg, reg_name=t.reg_names.get(reg, ""), n_advisers=1 + k % 3,
            validated="2021-05-19", public=True, siret=f"{21000000000000 + k:014d}", investment=54805,
            geocoded=(lat, lon, round(0.6 + 0.01 * (k % 40), 2))))
    written[layout.CNFS] = write(out_dir, layout.CNFS, cnfs)
    return written
