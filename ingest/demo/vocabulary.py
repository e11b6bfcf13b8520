"""What the synthetic territories' places, services, grants and survey answers are made of: names of
tiers-lieux, streets, opening hours, grant purposes, survey profiles, and the classes the publications
derive from populations and densities. Shared by both scales."""

from __future__ import annotations

import math
import random

from ingest.demo.names import strip_accents

TYPO_COWORKING = "Tiers lieux à dominante coworking"
TYPO_FABLAB = "Tiers lieux à dominante fablab"

# INSEE grille communale de densité (7 levels).
DENSITY_LABELS = {
    1: "Grands centres urbains",
    2: "Centres urbains intermédiaires",
    3: "Petites villes",
    4: "Ceintures urbaines",
    5: "Bourgs ruraux",
    6: "Rural à habitat dispersé",
    7: "Rural à habitat très dispersé",
}
EQUIPMENT_LABELS = {
    1: "centres locaux d'équipements et de services",
    2: "centres intermédiaires d'équipements et de services",
    3: "centres structurants d'équipements et de services",
    4: "centres majeurs d'équipements et de services",
}


def density_level(density: float, pop: int, role: str) -> int:
    if density >= 1500 and pop >= 50_000:
        return 1
    if density >= 300 and pop >= 8000:
        return 2 if role in ("pole", "metropole") or pop >= 15_000 else 4
    if density >= 150:
        return 4 if role == "suburb" else 3
    if density >= 45:
        return 5
    if density >= 15:
        return 6
    return 7


STREETS = ["rue de la République", "place de la Mairie", "avenue de la Gare", "rue des Tanneurs", "rue du Moulin",
           "Rue Victor Hugo", "boulevard Pasteur", "rue de l'Industrie", "place du Marché", "Rue Jean Jaurès",
           "chemin des Granges", "rue de la Poste", "Avenue des Volcans", "rue des Écoles", "quai de la Sévonne",
           "rue du Commerce", "Grande Rue", "rue de l'Ancienne Gare", "impasse des Artisans", "rue du Four"]
COWORK_BRANDS = ["La Ruche", "Le Comptoir", "L'Établi", "La Cordée", "Le Quai", "L'Escale", "Le Relais",
                 "La Passerelle", "Cowork'in", "Le Bureau partagé", "La Grange numérique", "L'Annexe",
                 "La Cantine", "La Station", "Le Local", "Espace Coworking", "La Verrière", "Le Nid",
                 "Les Bureaux du Lac", "La Coopérative"]
COWORK_FIXED = ["Le Hangar", "Atelier 42", "Le 109", "La Filature", "Le Moulin à Idées", "Les Ateliers Rive Gauche",
                "La Fabrique à Projets", "Le Carré Coworking", "Pépinière Numérique", "L'Usine à Bureaux"]
FABLAB_X = ["Volcans", "Tisserands", "Moulins", "Couteliers", "Papetiers", "Faiseurs", "Bricoleurs", "Forges"]
FABLAB_FIXED = ["La Bricothèque", "Le Labo Mobile", "Fab'Sévonne", "L'Atelier Numérique", "Makers du Brévent",
                "La Forge Numérique", "Le Petit Fablab"]
OTHER_FIXED = ["La Maison des Projets", "Le Moulin Partagé", "La Grange aux Possibles", "Le Café des Savoirs",
               "La Ferme Commune", "L'Îlot", "Le Bazar Solidaire", "La Remise"]


def place_name(rng: random.Random, typo: str, c) -> str:
    """A tiers-lieu name for a place of commune ``c`` (anything with ``name`` and ``libelle``)."""
    if typo == TYPO_COWORKING:
        u = rng.random()
        if u < 0.65:
            return f"{rng.choice(COWORK_BRANDS)} {c.name.de}"
        if u < 0.85:
            return rng.choice(COWORK_FIXED)
        return f"Coworking {c.libelle}"
    if typo == TYPO_FABLAB:
        u = rng.random()
        if u < 0.3:
            return f"Fablab des {rng.choice(FABLAB_X)}"
        if u < 0.55:
            return f"FabLab {c.libelle}"
        if u < 0.75:
            return f"Le Labo {c.name.de}"
        return rng.choice(FABLAB_FIXED)
    if rng.random() < 0.6:
        return rng.choice(OTHER_FIXED)
    return f"Tiers-lieu {c.name.de}"


def comclass(pop: int) -> str:
    if pop >= 100_000:
        return "100000 et plus"
    if pop >= 50_000:
        return "50000-100000"
    if pop >= 20_000:
        return "20000-50000"
    if pop >= 5_000:
        return "5000-20000"
    return "0-5000"


def ze_class(pop: int) -> str:
    if pop >= 500_000:
        return "500 000-6 000 000"
    if pop >= 200_000:
        return "200 000-500 000"
    if pop >= 100_000:
        return "100 000-200 000"
    if pop >= 50_000:
        return "50 000-100 000"
    return "0-50 000"


HOURS = ["09:00 - 12:00 / 13:30 - 17:00", "08:30 - 12:00 / 13:30 - 17:30", "09:00 - 12:30 / 14:00 - 17:00",
         "09:00 - 12:00", "13:30 - 17:00", "08:30 - 12:30 / 13:30 - 16:30"]
FS_COMMENT_MULTILINE = ("Permanences sur rendez-vous \n\n\nLundi 9h00-12h00 : {a} / 13h30-17h00 : {b}  \n\n\n"
                        "Jeudi 9h00-12h00 : {b}")
FS_COMPLEMENTS = ["", "", "", "Mairie", "Bureau de Poste"]       # complement_adresse
FS_APPOINTMENTS = ["Oui", "Non", "Non"]                            # prise_rdv


def weekday_hours(rng: random.Random) -> str:
    """A weekday's opening hours of a France Services (mostly a full day)."""
    return rng.choice(HOURS[:3] if rng.random() < 0.8 else HOURS[3:])


def saturday_hours(rng: random.Random) -> str:
    return rng.choice(["", "", "", "09:00 - 12:00"])


ASSOCIATION_PATTERNS = ["Comité des fêtes {de}", "Foyer rural {de}", "Association sportive {de}",
                        "Les Amis du patrimoine {de}", "Compagnie théâtrale {de}", "Jardins partagés {de}",
                        "École de musique {de}", "Club des aînés {de}", "Épicerie solidaire {de}",
                        "Association des parents d'élèves {de}"]
GRANT_OBJECTS_PLACE = ["Aide au fonctionnement du tiers-lieu", "Soutien à l'animation du tiers-lieu",
                       "Programme d'actions 2024 du tiers-lieu"]
GRANT_OBJECTS_BY_TYPO = {TYPO_COWORKING: "Aménagement d'un espace de coworking",
                         TYPO_FABLAB: "Équipement de l'atelier de fabrication numérique",
                         "": "Aide au démarrage d'activités partagées"}
GRANT_OBJECTS_OTHER = ["Subvention de fonctionnement 2024", "Organisation de la fête communale",
                       "Projet culturel 2024", "Aide à l'emploi associatif", "Achat de matériel"]


def upper_with_double_space(rng: random.Random, name: str) -> str:
    text = strip_accents(name).upper() if rng.random() < 0.6 else name.upper()
    words = text.split(" ")
    if len(words) >= 2 and rng.random() < 0.3:
        k = rng.randrange(len(words) - 1)
        words[k] = words[k] + " "
    return " ".join(words)


GRANT_SHARES = [0.2, 0.25, 0.3, 0.4, 0.5, 0.5, 0.6, 0.7, 0.8, 1.0]    # pourcentageSubvention
GRANT_CONDITIONS = ["unique", "unique", "échelonné"]                  # conditionsVersement


def payment_period(rng: random.Random, month: int) -> str:
    """datesPeriodeVersement of a grant agreed in ``month`` of 2024: from the next month on."""
    return f"2024-{min(12, month + 1):02d}-01_{rng.choice(['2024-12-31', '2025-06-30'])}"


SURVEY_TYPES_OTHER = ["atelier partagé", "tiers-lieu culturel", "tiers-lieu social"]
STATUTES = ["association", "association", "association", "SCIC", "SAS", "SARL", "collectivité", "autre"]


def survey_kind(rng: random.Random, typo: str) -> str:
    """The type_lieu a place answers: its inventory typology, else one of the other kinds."""
    if typo == TYPO_COWORKING:
        return "coworking"
    if typo == TYPO_FABLAB:
        return "fablab"
    return rng.choice(SURVEY_TYPES_OTHER)


def survey_profile(rng: random.Random, kind: str, pop: int) -> dict:
    size = min(1.0, math.log10(max(pop, 100)) / 5.3)      # 0.4 (small village) .. 1 (metropole)
    if kind == "coworking":
        surface = rng.uniform(80, 900) * (0.5 + 0.5 * size)
        desks = min(int(surface // 4), max(6, int(rng.uniform(6, 60) * size)))
        return dict(surface=max(80, round(surface)), desks=max(6, desks),
                    members=rng.randint(5, int(40 + 110 * size)), visitors=rng.randint(20, int(100 + 300 * size)),
                    events=rng.randint(4, 40), etp=rng.uniform(0.5, 5.0), revenue=rng.uniform(15_000, 450_000),
                    public=rng.randint(0, 45))
    if kind == "fablab":
        surface = rng.uniform(60, 500)
        return dict(surface=round(surface), desks=rng.randint(0, min(12, int(surface // 4))),
                    members=rng.randint(10, 200), visitors=rng.randint(15, 250), events=rng.randint(20, 150),
                    etp=rng.uniform(0.5, 4.0), revenue=rng.uniform(8_000, 220_000), public=rng.randint(25, 90))
    surface = rng.uniform(100, 800)
    return dict(surface=round(surface), desks=rng.randint(0, min(20, int(surface // 4))),
                members=rng.randint(15, 250), visitors=rng.randint(20, 300), events=rng.randint(10, 120),
                etp=rng.uniform(0.3, 4.0), revenue=rng.uniform(5_000, 180_000), public=rng.randint(20, 95))


def evolve(rng: random.Random, prof: dict) -> dict:
    out = dict(prof)
    for key in ("members", "visitors", "events"):
        out[key] = max(1, round(prof[key] * rng.uniform(0.8, 1.2)))
    out["surface"] = prof["surface"] if rng.random() < 0.8 else round(prof["surface"] * rng.uniform(0.9, 1.2))
    out["desks"] = min(out["surface"] // 4, max(0, round(prof["desks"] * rng.uniform(0.8, 1.2))))
    out["etp"] = max(0.1, prof["etp"] * rng.uniform(0.8, 1.2))
    out["revenue"] = prof["revenue"] * rng.uniform(0.8, 1.2)
    out["public"] = min(100, max(0, round(prof["public"] * rng.uniform(0.8, 1.2))))
    return out


SURVEY_SERVICES = (("France Services", 0.12), ("conseiller numérique", 0.25), ("médiation numérique", 0.3),
                   ("espace public numérique", 0.15), ("fabrique de territoire", 0.1))
SURVEY_PUBLICS = ("tout public", "indépendants et entrepreneurs", "salariés en télétravail", "étudiants",
                  "demandeurs d'emploi", "jeunes", "seniors", "associations", "scolaires")
SURVEY_FUNDERS = ("part_etat_pct", "part_region_pct", "part_departement_pct", "part_epci_pct", "part_commune_pct")


def survey_economy(rng: random.Random, kind: str, profile: dict, revenue: int | None) -> dict[str, str]:
    """The economic-model answers of a survey row (columns of :data:`ingest.demo.formats.ECONOMY_COLUMNS`),
    as written: ``revenue`` is the chiffre_affaires_eur the row writes (None when blank). Activity revenues
    are whole euros whose sum never exceeds ``revenue`` (the rest is other income); the funder shares are
    whole percentages summing to the row's public share; some answers leave a question blank."""
    out: dict[str, str] = {}
    services = [s for s, p in SURVEY_SERVICES if rng.random() < p]
    out["services"] = ";".join(services) if services or rng.random() < 0.5 else ""
    if not out["services"] and rng.random() < 0.5:
        out["services"] = "autre"
    out["capacite_accueil"] = str(profile["desks"] * 2 + rng.randint(10, 80)) if rng.random() < 0.9 else ""
    out["accessibilite_pmr"] = rng.choices(["oui", "partielle", "non", ""], weights=[55, 25, 12, 8])[0]
    out["publics"] = ";".join(sorted(rng.sample(SURVEY_PUBLICS, rng.randint(1, 4)), key=SURVEY_PUBLICS.index))
    priced = profile["desks"] > 0 and (kind == "coworking" or rng.random() < 0.4)
    out["prix_poste_mois_eur"] = str(rng.randint(8, 32) * 10) if priced else ""
    public = profile["public"]
    if public > 0 and rng.random() < 0.75:
        cuts = sorted(rng.randint(0, public) for _ in SURVEY_FUNDERS[:-1])
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, public])]
        out.update({c: str(x) for c, x in zip(SURVEY_FUNDERS, parts)})
    if revenue is not None and rng.random() < 0.8:
        subsidies = revenue * public // 100
        rest = round((revenue - subsidies) * rng.uniform(0.85, 1.0))
        weights = [rng.random() * w for w in ((6, 1, 1, 2) if kind == "coworking" else (2, 2, 3, 3))]
        parts = [int(rest * w / sum(weights)) for w in weights]
        out.update(recettes_location_eur=str(parts[0]), recettes_evenements_eur=str(parts[1]),
                   recettes_formation_eur=str(parts[2]), recettes_services_eur=str(parts[3]),
                   recettes_subventions_eur=str(subsidies))
    return out
