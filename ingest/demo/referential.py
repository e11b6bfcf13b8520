"""Referential publications of the demo territory, in the exact formats of the real ones.

Written by :func:`ingest.demo.generator.write_mirror` beside the other demo files, with its own random
stream (the other files are byte-identical with or without it):

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

import json
import math
import random
from pathlib import Path

# Relative paths of the files written here.
ETALAB_COMMUNES = "etalab/communes.json"
ETALAB_EPCI = "etalab/epci.json"
ETALAB_DEPARTEMENTS = "etalab/departements.json"
ETALAB_REGIONS = "etalab/regions.json"
DENSITE = "anct/grilles/densite.csv"
RURALITE = "anct/grilles/ruralite.csv"
EPCI_CENTROIDS = "anct/grilles/centroide-4326_epci-ept.geojson"
FABT = "anct/programmes/fabt_geom.geojson"
MANUPROX = "anct/programmes/manuprox_geom.geojson"
CNFS = "anct/conseillers_numeriques/cnfs.json"
FILES = [ETALAB_COMMUNES, ETALAB_EPCI, ETALAB_DEPARTEMENTS, ETALAB_REGIONS, DENSITE, RURALITE, EPCI_CENTROIDS,
         FABT, MANUPROX, CNFS]

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


def _geojson(name: str, features: list[dict]) -> str:
    """GDAL's GeoJSON layout, as the ANCT files: one feature per line."""
    head = ('{\n"type": "FeatureCollection",\n"name": "' + name + '",\n'
            '"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },\n"features": [\n')
    lines = []
    for f in features:
        props = ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                          for k, v in f["properties"].items())
        lon, lat = f["coordinates"]
        lines.append('{ "type": "Feature", "properties": { ' + props + ' }, "geometry": { "type": "Point", '
                     f'"coordinates": [ {lon!r}, {lat!r} ] }} }}')
    return head + ",\n".join(lines) + "\n]\n}\n"


def _json_lines(items: list[dict]) -> str:
    """Etalab's layout: a JSON array with one compact object per line."""
    return "[\n" + ",\n".join(json.dumps(i, ensure_ascii=False, separators=(",", ":")) for i in items) + "\n]\n"


def _offset(rng: random.Random, lat: float, lon: float, max_m: float, min_m: float = 5.0) -> tuple[float, float]:
    d = rng.uniform(min_m, max_m) / 1000.0
    a = rng.uniform(0, 2 * math.pi)
    return (round(lat + d * math.sin(a) / 111.19492664455873, 6),
            round(lon + d * math.cos(a) / (111.19492664455873 * math.cos(math.radians(lat))), 6))


def write_referential(out_dir: Path, t, places, seed: int, dep_code: str, dep_name: str, reg_code: str,
                      reg_name: str, ids) -> tuple[dict, dict[str, int]]:
    """Write the referential files; return (truth, {relative path: records})."""
    rng = random.Random(f"{seed}-referential")
    out_dir = Path(out_dir)
    written: dict[str, int] = {}
    communes = t.communes
    by_code = t.by_code

    def write(rel: str, text: str, bom: bool = False) -> None:
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))

    # --- the commune nouvelle that absorbed 96310: a rural commune without place, COMD or canton seat.
    comd_parents = {parent for _, _, parent in t.comd}
    hosts = {p.commune.code for p in places}
    merged_into = rng.choice(sorted(c.code for c in communes if c.role == "rural" and not c.canton_seat
                                    and c.code not in comd_parents and c.code not in hosts))
    old_codes: dict[str, list[str]] = {merged_into: [MERGED_OLD_CODE]}
    for code, _, parent in t.comd:
        old_codes.setdefault(parent, []).append(code)

    # --- Etalab communes.json
    items = []
    for c in communes:
        item = {"code": c.code, "nom": c.libelle, "typeLiaison": int(c.name.tncc), "zone": "metro",
                "arrondissement": c.arr, "departement": dep_code, "region": reg_code, "type": "commune-actuelle",
                "rangChefLieu": 0}
        if c.code in old_codes:
            item["anciensCodes"] = old_codes[c.code]
        item.update({"siren": ids.siren("21" + dep_code), "codesPostaux": [c.postcode], "population": c.pmun})
        items.append(item)
        if c.code in comd_parents:   # a commune nouvelle's own former commune is a commune déléguée too
            items.append({"code": c.code, "nom": c.libelle, "typeLiaison": int(c.name.tncc), "zone": "metro",
                          "type": "commune-deleguee", "chefLieu": c.code, "arrondissement": c.arr,
                          "departement": dep_code, "region": reg_code})
    for code, name, parent in t.comd:
        items.append({"code": code, "nom": name.libelle, "typeLiaison": int(name.tncc), "zone": "metro",
                      "type": "commune-deleguee", "chefLieu": parent, "arrondissement": by_code[parent].arr,
                      "departement": dep_code, "region": reg_code})
    items.sort(key=lambda i: (i["code"], i["type"] != "commune-actuelle"))
    write(ETALAB_COMMUNES, _json_lines(items))
    written[ETALAB_COMMUNES] = len(items)

    # --- Etalab epci.json
    epci_items = []
    for code, name in t.epci_names.items():
        members = [c for c in communes if c.epci == code]
        epci_items.append({
            "code": code, "nom": name, "type": _epci_type(name), "modeFinancement": "FPU",
            "populationTotale": sum(c.pmun + c.pcap for c in members),
            "populationMunicipale": sum(c.pmun for c in members),
            "membres": [{"code": c.code, "siren": next(i["siren"] for i in items if i["code"] == c.code
                                                       and i["type"] == "commune-actuelle"),
                         "nom": c.libelle, "populationTotale": c.pmun + c.pcap, "populationMunicipale": c.pmun}
                        for c in members]})
    write(ETALAB_EPCI, _json_lines(epci_items))
    written[ETALAB_EPCI] = len(epci_items)
    metro = by_code[f"{dep_code}001"]
    write(ETALAB_DEPARTEMENTS, _json_lines([{"code": dep_code, "region": reg_code, "chefLieu": metro.code,
                                             "nom": dep_name, "typeLiaison": 0, "zone": "metro"}]))
    write(ETALAB_REGIONS, _json_lines([{"code": reg_code, "chefLieu": metro.code, "nom": reg_name,
                                        "typeLiaison": 3, "zone": "metro"}]))
    written[ETALAB_DEPARTEMENTS] = written[ETALAB_REGIONS] = 1

    # --- ANCT grids (UTF-8 with BOM, LF). Density labels as INSEE's grid; rurality by role.
    from ingest.demo.generator import DENSITY_LABELS
    dens_rows, rur_rows, rurality = [], [], {}
    for c in communes:
        level = c.extra["density_level"]          # the level the communes-france file publishes
        dens_rows.append(f"{c.code},{c.libelle},{DENSITY_LABELS[level]}")
        rurality[c.code] = URBAN_RURALITY if level <= 2 else rng.choice(RURALITY_TYPES)
        rur_rows.append(f"{c.code},{c.libelle}, {rurality[c.code]}")
    write(DENSITE, "insee_com,lib_com,niveau_densite\n" + "\n".join(dens_rows) + "\n", bom=True)
    write(RURALITE, "insee_com,lib_com,niveau_ruralite\n" + "\n".join(rur_rows) + "\n", bom=True)
    written[DENSITE] = written[RURALITE] = len(communes)
    centroids = []
    for code, name in t.epci_names.items():
        members = [c for c in communes if c.epci == code]
        centroids.append({"properties": {"siren_epci": code, "lib_epci": name, "type": "epci", "siren_ept": None,
                                         "lib_ept": None},
                          "coordinates": [sum(c.lon for c in members) / len(members),
                                          sum(c.lat for c in members) / len(members)]})
    write(EPCI_CENTROIDS, _geojson("centroide-4326_epci-ept", centroids))
    written[EPCI_CENTROIDS] = len(centroids)

    # --- Programme laureates: one feature per commune, at the commune centre.
    inventory = sorted((p for p in places if not p.sentinel), key=lambda p: int(p.id))
    twin = rng.choice([p for p in inventory if p.commune.role in ("pole", "bourg", "rural")])   # laureate twin
    poles = [c for c in communes if c.role == "pole" and c is not twin.commune]
    expected: dict[str, list[str]] = {}
    fabt_features = [
        # the metropole: two projects in one feature
        (metro, ["fabt-901", "fabt-902"], [LAUREATE_NAMES[0], LAUREATE_NAMES[2]], metro.code),
        # the inventory place's twin: same commune, the name written as the ANCT file writes it
        (twin.commune, ["fabt-903"], [f"Association {twin.name.upper()}"], twin.commune.code),
        # a laureate published under the former code absorbed by a commune nouvelle
        (by_code[merged_into], ["fabt-904"], [LAUREATE_NAMES[4]], MERGED_OLD_CODE),
    ]
    manuprox_features = [(poles[0], ["manuprox-9-1"], [LAUREATE_NAMES[1]], poles[0].code),
                         (poles[1], ["manuprox-9-2"], [LAUREATE_NAMES[3]], poles[1].code)]

    def laureate_features(specs):
        feats = []
        for commune, refs, names, published in specs:
            label = by_code[commune.code].libelle
            feats.append({"properties": {"id_geo": published, "lib_geo": label, "id_territoire": "; ".join(refs),
                                         "liste_geo": f"{label} ({published})", "lib_territoire": "; ".join(names)},
                          "coordinates": [commune.lon, commune.lat]})
            method = "code_insee_fusionne" if published == MERGED_OLD_CODE else "code_insee"
            for ref in refs:
                expected[f"LAUREAT-{ref}"] = [commune.code, method]
        return feats

    fabt = laureate_features(fabt_features)
    manuprox = laureate_features(manuprox_features)
    write(FABT, _geojson("fabt_geom", fabt))
    write(MANUPROX, _geojson("manuprox_geom", manuprox))
    written[FABT], written[MANUPROX] = len(fabt), len(manuprox)
    n_projects = sum(len(s[1]) for s in fabt_features + manuprox_features)

    # --- Conseillers numériques host structures.
    cnfs_twin = rng.choice([p for p in inventory if p is not twin and p.commune.role in ("metropole", "pole")])
    comd_code, _, comd_parent = t.comd[0]
    seats = [by_code[s] for s in sorted(t.epci_seats.values())]

    def record(i, name, commune, *, code="x", postcode="x", lat=None, lon=None, address=None, public=True,
               france_services="non"):
        code = commune.code if code == "x" else code
        postcode = commune.postcode if postcode == "x" else postcode
        street = address or f"{rng.randint(1, 40)} PL DE LA MAIRIE"
        rec = {"raison_sociale": name, "commune_insee": commune.libelle, "département": dep_name.upper(),
               "région": reg_name, "nb_cnfs": rng.randint(1, 3),
               "date_de_validation_en_comité_de_sélection": f"2021-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
               "type": "publique" if public else "privée", "siret": ids.siret(),
               "code_département": dep_code.lstrip("0"), "adresse": f"{street}\n{postcode} {commune.libelle.upper()}",
               "insee_com": code, "code_postal": int(postcode) if postcode else None,
               "investissement_financier_estimatif_total_de_l.etat": rng.choice([50000, 54805, 109610]),
               "zrr": "non", "qpv": "non", "france_services": france_services, "code_postal_bis": postcode}
        if lat is not None:
            rec.update({"latitude": lat, "longitude": lon, "result_score": round(rng.uniform(0.6, 0.99), 2),
                        "result_label": f"{street.title()} {postcode} {commune.libelle}",
                        "result_postcode": int(postcode) if postcode else None, "result_citycode": commune.code})
        rec.update({"siret_doublon": "non", "cp_differents": "non", "adresse_absente": "non",
                    "geocodage_manuel": "non" if lat is not None else "oui", "id": 9000 + i, "insee_dep": dep_code,
                    "lib_dep": dep_name, "insee_reg": reg_code, "lib_reg": reg_name})
        return rec

    cnfs = []
    for i, seat in enumerate(seats, start=1):       # the town halls of the EPCI seats
        lat, lon = _offset(rng, seat.lat, seat.lon, 300)
        cnfs.append(record(i, f"COMMUNE DE {seat.libelle.upper()}", seat, lat=lat, lon=lon))
        expected[f"CNFS-{9000 + i}"] = [seat.code, "code_insee"]
    n = len(cnfs)
    # the twin of an inventory tiers-lieu: its name in capitals, the same address, a few metres away
    lat, lon = _offset(rng, cnfs_twin.lat, cnfs_twin.lon, 25)
    cnfs.append(record(n + 1, cnfs_twin.name.upper(), cnfs_twin.commune, lat=lat, lon=lon,
                       address=cnfs_twin.address.upper(), public=False))
    expected[f"CNFS-{9000 + n + 1}"] = [cnfs_twin.commune.code, "code_insee"]
    # published under a commune déléguée's code: placed in its parent
    parent = by_code[comd_parent]
    lat, lon = _offset(rng, parent.lat, parent.lon, 500)
    cnfs.append(record(n + 2, "FOYER RURAL DES TROIS VILLAGES", parent, code=comd_code, lat=lat, lon=lon))
    expected[f"CNFS-{9000 + n + 2}"] = [parent.code, "code_insee_commune_parente"]
    # no commune code, no postcode, coordinates only: placed by the nearest commune centre
    rural = rng.choice([c for c in communes if c.role == "rural" and c.code not in comd_parents
                        and c.code != merged_into])
    lat, lon = _offset(rng, rural.lat, rural.lon, 150)
    cnfs.append(record(n + 3, "ASSOCIATION FAMILLES RURALES", rural, code="", postcode="", lat=lat, lon=lon))
    expected[f"CNFS-{9000 + n + 3}"] = [rural.code, "coordonnees_commune_la_plus_proche"]
    # no commune code, no coordinates, a postcode of exactly one commune (the metropole's): placed by postcode
    cnfs.append(record(n + 4, "MAISON DES SOLIDARITES", metro, code="", france_services="oui"))
    expected[f"CNFS-{9000 + n + 4}"] = [metro.code, "code_postal"]
    write(CNFS, json.dumps(cnfs, ensure_ascii=False, separators=(",", ":")) + "\n")
    written[CNFS] = len(cnfs)

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
        "n_programme_labels_with_code": n_projects + sum(1 for r in cnfs if r["insee_com"]),
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

    def write(rel: str, text: str, bom: bool = False) -> None:
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))

    codes = [str(c) for c in t.codes]
    index = {c: i for i, c in enumerate(codes)}
    comd_of: dict[str, list[str]] = {}
    for code, _, parent in t.comd:
        comd_of.setdefault(parent, []).append(code)
    items = []
    for i, c in enumerate(t.communes):
        code = codes[i]
        item = {"code": code, "nom": c.libelle, "typeLiaison": int(c.name.tncc), "zone": "metro",
                "arrondissement": str(t.arr[i]), "departement": str(t.dep[i]), "region": str(t.reg[i]),
                "type": "commune-actuelle", "rangChefLieu": 0}
        if code in comd_of:
            item["anciensCodes"] = comd_of[code]
        item.update({"siren": f"21{i:07d}", "codesPostaux": [str(t.postcode[i])],
                     "population": int(t.pmun[i])})
        items.append(item)
    for code, name, parent in t.comd:
        i = index[parent]
        items.append({"code": code, "nom": name.libelle, "typeLiaison": int(name.tncc), "zone": "metro",
                      "type": "commune-deleguee", "chefLieu": parent, "arrondissement": str(t.arr[i]),
                      "departement": str(t.dep[i]), "region": str(t.reg[i])})
    for city, arms in t.arm.items():
        for code, name in arms:
            items.append({"code": code, "nom": name.libelle, "typeLiaison": 0, "zone": "metro",
                          "type": "arrondissement-municipal", "commune": codes[city], "arrondissement": str(t.arr[city]),
                          "departement": str(t.dep[city]), "region": str(t.reg[city]),
                          "codesPostaux": [str(t.postcode[city])], "population": 0})
    write(ETALAB_COMMUNES, _json_lines(items))
    written[ETALAB_COMMUNES] = len(items)

    members: dict[str, list[int]] = {}
    for i, e in enumerate(t.epci):
        if e:
            members.setdefault(str(e), []).append(i)
    epci_items = [{"code": e, "nom": t.epci_names[e], "type": t.epci_kind.get(e, "CC"), "modeFinancement": "FPU",
                   "populationTotale": int(sum(int(t.pmun[i]) + int(t.pcap[i]) for i in m)),
                   "populationMunicipale": int(sum(int(t.pmun[i]) for i in m)),
                   "membres": [{"code": codes[i], "siren": items[i]["siren"], "nom": t.communes[i].libelle,
                                "populationTotale": int(t.pmun[i]) + int(t.pcap[i]),
                                "populationMunicipale": int(t.pmun[i])} for i in m]}
                  for e, m in sorted(members.items())]
    write(ETALAB_EPCI, _json_lines(epci_items))
    written[ETALAB_EPCI] = len(epci_items)
    write(ETALAB_DEPARTEMENTS, _json_lines([{"code": d, "region": t.dep_reg[d], "chefLieu": "", "nom": n,
                                             "typeLiaison": 0, "zone": "metro"} for d, n in sorted(t.dep_names.items())]))
    write(ETALAB_REGIONS, _json_lines([{"code": r, "chefLieu": "", "nom": n, "typeLiaison": 0, "zone": "metro"}
                                       for r, n in sorted(t.reg_names.items())]))
    written[ETALAB_DEPARTEMENTS], written[ETALAB_REGIONS] = len(t.dep_names), len(t.reg_names)
    for d in ("departements", "regions"):   # chefLieu is optional in the contract: drop the empty ones
        rel = ETALAB_DEPARTEMENTS if d == "departements" else ETALAB_REGIONS
        data = json.loads((out_dir / rel).read_text(encoding="utf-8"))
        write(rel, _json_lines([{k: v for k, v in x.items() if v != ""} for x in data]))

    from ingest.demo.generator import DENSITY_LABELS
    dens, rur = [], []
    for i, c in enumerate(t.communes):
        pop = int(t.pmun[i])
        level = 1 if pop >= 100_000 else 2 if pop >= 20_000 else 3 if pop >= 5_000 else 5 if pop >= 1_000 else 6
        dens.append(f"{codes[i]},{c.libelle},{DENSITY_LABELS[level]}")
        rur.append(f"{codes[i]},{c.libelle}, {URBAN_RURALITY if level <= 2 else RURALITY_TYPES[i % len(RURALITY_TYPES)]}")
    write(DENSITE, "insee_com,lib_com,niveau_densite\n" + "\n".join(dens) + "\n", bom=True)
    write(RURALITE, "insee_com,lib_com,niveau_ruralite\n" + "\n".join(rur) + "\n", bom=True)
    written[DENSITE] = written[RURALITE] = len(codes)

    centroids = []
    for e, m in sorted(members.items()):
        centroids.append({"properties": {"siren_epci": e, "lib_epci": t.epci_names[e], "type": "epci",
                                         "siren_ept": None, "lib_ept": None},
                          "coordinates": [sum(float(t.lon[i]) for i in m) / len(m),
                                          sum(float(t.lat[i]) for i in m) / len(m)]})
    write(EPCI_CENTROIDS, _geojson("centroide-4326_epci-ept", centroids))
    written[EPCI_CENTROIDS] = len(centroids)

    inventory = [p for p in places if not p.sentinel]
    fabt, manuprox = [], []
    for k, p in enumerate(inventory[::8]):
        i = p.host
        name = f"Association {p.name.upper()}" if k % 2 == 0 else LAUREATE_NAMES[k % len(LAUREATE_NAMES)]
        ref = f"fabt-{900 + k}" if k % 3 else f"manuprox-9-{k}"
        (fabt if ref.startswith("fabt") else manuprox).append(
            {"properties": {"id_geo": codes[i], "lib_geo": t.communes[i].libelle, "id_territoire": ref,
                            "liste_geo": f"{t.communes[i].libelle} ({codes[i]})", "lib_territoire": name},
             "coordinates": [float(t.lon[i]), float(t.lat[i])]})
    write(FABT, _geojson("fabt_geom", fabt))
    write(MANUPROX, _geojson("manuprox_geom", manuprox))
    written[FABT], written[MANUPROX] = len(fabt), len(manuprox)

    cnfs = []
    for k, p in enumerate(inventory[::2]):
        i = p.host if k % 4 == 0 else rng.randrange(len(codes))
        twin = k % 4 == 0
        lat, lon = _offset(rng, p.lat, p.lon, 25) if twin else _offset(rng, float(t.lat[i]), float(t.lon[i]), 300)
        postcode = str(t.postcode[i])
        cnfs.append({"raison_sociale": p.name.upper() if twin else f"COMMUNE DE {t.communes[i].libelle.upper()}",
                     "commune_insee": t.communes[i].libelle, "département": t.dep_names.get(str(t.dep[i]), "").upper(),
                     "région": t.reg_names.get(str(t.reg[i]), ""), "nb_cnfs": 1 + k % 3,
                     "date_de_validation_en_comité_de_sélection": "2021-05-19", "type": "publique",
                     "siret": f"{21000000000000 + k:014d}", "code_département": str(t.dep[i]).lstrip("0"),
                     "adresse": f"{1 + k % 40} PL DE LA MAIRIE\n{postcode} {t.communes[i].libelle.upper()}",
                     "insee_com": codes[i], "code_postal": int(postcode) if postcode.isdigit() else None,
                     "investissement_financier_estimatif_total_de_l.etat": 54805, "zrr": "non", "qpv": "non",
                     "france_services": "non", "code_postal_bis": postcode, "latitude": lat, "longitude": lon,
                     "siret_doublon": "non", "cp_differents": "non", "adresse_absente": "non",
                     "geocodage_manuel": "non", "id": 9000 + k, "insee_dep": str(t.dep[i]),
                     "lib_dep": t.dep_names.get(str(t.dep[i]), ""), "insee_reg": str(t.reg[i]),
                     "lib_reg": t.reg_names.get(str(t.reg[i]), "")})
    write(CNFS, json.dumps(cnfs, ensure_ascii=False, separators=(",", ":")) + "\n")
    written[CNFS] = len(cnfs)
    return written
