"""Generator of the demo territory: « Territoire d'exemple - données fictives ».

The demo of the observatory runs on a FICTIONAL French département, written as a local "mirror" of
the public publications the warehouse reads in production. Every file has the exact format of the
real publication it stands for (columns and their order, separator, quoting, encoding, line
endings, code formats, known quirks such as the inventory's ``0`` sentinel); none of its rows comes
from a real file. The generator is deterministic: the same seed gives byte-identical files.

The territory model
-------------------
* Département ``96`` « Val-d'Exemple » in région ``96`` « Région d'Exemple ». ``96`` is not used by
  INSEE, so the demo can never be mistaken for a real place. The département is an irregular oval
  of roughly 110 km (west-east) by 90 km (south-north) centred near 45.80 N, 3.10 E.
* 300 communes (``TYPECOM = COM``), codes ``96001``..``96300``: ``96001`` is the metropole at the
  centre (about 180,000 inhabitants); the others are numbered in alphabetical order of their name
  without article, as in the COG. Names are French-like, built from syllables and patterns
  (« Saint-… », « …-sur-<rivière> », « …-en-<pays> », « Le/La/Les/L'… ») with consistent COG
  article codes (TNCC 0/1 no article, 2 Le, 3 La, 4 Les, 5 L'). Three extra ``COMD`` rows
  (communes déléguées, codes ``96301``..``96303``) point to their parent commune: they are not
  communes and have no population.
* Populations (PMUN): the metropole; 25 suburbs within 15 km of it (2,000 - 30,000, bigger when
  closer); 6 secondary poles (8,000 - 25,000) 20 - 40 km away; the rural rest (log-normal,
  80 - 3,000). PCAP is 1 - 3 % of PMUN and PTOT = PMUN + PCAP. Commune centroids are scattered
  (rejection sampling, never on a grid) at least 1.5 km apart.
* 12 EPCI: « Exemple Métropole » (the metropole and its 25 suburbs) and 11 « CA »/« CC » whose
  seats are the 6 poles and 5 rural bourgs spread around the metropole; every other commune
  belongs to the EPCI of the nearest seat, so each EPCI is a contiguous group.
* 25 cantons: 24 ordinary cantons ``9601``..``9624`` (numbered in alphabetical order of their
  name, which is the name of their seat commune; each commune belongs to the canton of the nearest
  seat) and the metropole alone in the pseudo-canton ``9699`` (as the COG does for a town split
  between several cantons). 3 arrondissements (``961``..``963``) and 3 employment zones.
* About 60 tiers-lieux of the 2019 national inventory, placed by population weight (many in the
  metropole, several per pole, some in rural bourgs, none in at least 2 EPCI), within 400 m of
  their commune centre; 2 of them carry the inventory's ``0`` sentinel instead of their commune
  code and postcode (the pipeline must place them by nearest commune centre).
* 15 France Services (12 « Principal » + 3 « Antenne »), at most 2 per canton, several cantons
  without any.
* Home-to-work flows (census 2020 style): 0.42 active workers per inhabitant, a share working in
  their own commune growing with its size, the others sent to the metropole, the poles and the
  bigger bourgs with a gravity model (mass / distance²). Every workplace is in the territory.
* About 40 grants (SCDL format) from 3 funders, about 22 of them to inventory places.
* The observatory's own questionnaire, waves 2024 and 2025, answered by part of the places.

Identifiers that could look real are made impossible: SIREN and SIRET numbers deliberately fail
their Luhn check digit (so they can never be a real company), e-mail and web addresses use the
reserved ``.example`` top-level domain, and telephone numbers use 04 65 71 xx xx, meant as a range
for fiction (not checked against ARCEP's numbering plan from this offline machine).

``generate(out_dir, seed)`` writes every file and returns the « truth »: what the generator knows
it produced (also written as ``truth.json``), computed from the values actually written, so tests
can compare the warehouse with it. Command line::

    python -m ingest.demo.generator --out data/mirror/demo [--seed 2024]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ingest.demo.referential import write_referential

TERRITORY_NAME = "Territoire d'exemple - données fictives"
DEP_CODE = "96"
DEP_NAME = "Val-d'Exemple"
REG_CODE = "96"
REG_NAME = "Région d'Exemple"
METRO_EPCI_NAME = "Exemple Métropole"

CENTRE_LAT = 45.80
CENTRE_LON = 3.10
HALF_WIDTH_KM = 55.0    # west-east half extent
HALF_HEIGHT_KM = 45.0   # south-north half extent
EARTH_RADIUS_KM = 6371.0
KM_PER_DEG_LAT = EARTH_RADIUS_KM * math.pi / 180.0
KM_PER_DEG_LON = KM_PER_DEG_LAT * math.cos(math.radians(CENTRE_LAT))

N_COMMUNES = 300
N_SUBURBS = 25
N_POLES = 6
N_EPCI_SEATS = 11          # 6 poles + 5 rural bourgs
N_CANTONS = 24             # ordinary cantons; + the metropole's pseudo-canton 9699
METRO_CANTON = DEP_CODE + "99"
MIN_COMMUNE_DISTANCE_KM = 1.5
PLACE_RADIUS_KM = 0.4

# ----------------------------------------------------------------------------------------------
# File formats
# ----------------------------------------------------------------------------------------------

COG_HEADER = ["TYPECOM", "COM", "REG", "DEP", "CTCD", "ARR", "TNCC", "NCC", "NCCENR", "LIBELLE", "CAN",
              "COMPARENT"]
POP_HEADER = ["CODREG", "REG", "CODDEP", "CODARR", "CODCAN", "CODCOM", "COM", "PMUN", "PCAP", "PTOT"]
COMMUNES_FRANCE_HEADER = [
    "code_insee", "nom_standard", "nom_sans_pronom", "nom_a", "nom_de", "nom_sans_accent",
    "nom_standard_majuscule", "typecom", "typecom_texte", "reg_code", "reg_nom", "dep_code", "dep_nom",
    "canton_code", "canton_nom", "epci_code", "epci_nom", "academie_code", "academie_nom", "code_postal",
    "codes_postaux", "zone_emploi", "code_insee_centre_zone_emploi", "code_unite_urbaine",
    "nom_unite_urbaine", "taille_unite_urbaine", "type_commune_unite_urbaine",
    "statut_commune_unite_urbaine", "population", "superficie_hectare", "superficie_km2", "densite",
    "altitude_moyenne", "altitude_minimale", "altitude_maximale", "latitude_mairie", "longitude_mairie",
    "latitude_centre", "longitude_centre", "grille_densite", "grille_densite_texte",
    "niveau_equipements_services", "niveau_equipements_services_texte", "gentile", "url_wikipedia",
    "url_villedereve",
]
INVENTORY_HEADER = ["ID", "NOM_TL", "ADRESSE", "CP", "COMINIT", "INSEECOM", "NOMCOM", "WEB", "TWITTER",
                    "FACEBOOK", "TYPO", "LAT", "LONG", "GEOCOD", "PRECISION", "CONTACT", "MAIL", "METRO",
                    "NOMMETRO", "INSEEREG", "NOMREG", "INSEEMETRO", "INSEEDEP", "NOMCOMMETRO", "POPCOM",
                    "COMCLASS", "INSEE_ZE", "NOM_ZE", "CLASS_ZE", "POP_ZE"]
FS_HEADER = ["id_fs", "insee_dep", "lib_fs", "adresse", "complement_adresse", "insee_com", "code_postal",
             "lib_com", "latitude", "longitude", "mail", "telephone", "h_lundi", "h_mardi", "h_mercredi",
             "h_jeudi", "h_vendredi", "h_samedi", "prise_rdv", "commentaire", "type_fs", "format_fs",
             "groupe_fs", "labellisation_fs"]
FLOWS_HEADER = ["CODGEO", "LIBGEO", "DCLT", "L_DCLT", "NBFLUX_C20_ACTOCC15P"]
GRANTS_HEADER = ["nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
                 "idBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
                 "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention"]
SURVEY_HEADER = ["annee", "identifiant_lieu", "nom_lieu", "siret", "code_commune", "commune", "type_lieu",
                 "annee_ouverture", "statut_juridique", "surface_m2", "postes_travail",
                 "heures_ouverture_semaine", "adherents", "visiteurs_semaine", "evenements_an", "etp",
                 "chiffre_affaires_eur", "part_financement_public_pct"]

#: relative path -> (separator, line ending, encoding) of every file written.
FILES = {
    "insee/v_commune_2024.csv": (",", "\r\n", "utf-8"),
    "insee/donnees_communes.csv": (";", "\r\n", "utf-8"),
    "datagouv/communes-france-2025.csv": (",", "\r\n", "utf-8"),
    "anct/CGET_TiersLieux_2019.csv": (",", "\n", "utf-8"),
    "anct/liste-fs-20240801.csv": (",", "\n", "utf-8"),
    "insee/base-flux-mobilite-domicile-lieu-travail-2020.csv": (";", "\n", "utf-8"),
    "subventions/subventions-2024.csv": (",", "\n", "utf-8"),
    "enquetes/enquete_2024.csv": (";", "\r\n", "utf-8-sig"),
    "enquetes/enquete_2025.csv": (";", "\r\n", "utf-8-sig"),
}
HEADERS = {
    "insee/v_commune_2024.csv": COG_HEADER,
    "insee/donnees_communes.csv": POP_HEADER,
    "datagouv/communes-france-2025.csv": COMMUNES_FRANCE_HEADER,
    "anct/CGET_TiersLieux_2019.csv": INVENTORY_HEADER,
    "anct/liste-fs-20240801.csv": FS_HEADER,
    "insee/base-flux-mobilite-domicile-lieu-travail-2020.csv": FLOWS_HEADER,
    "subventions/subventions-2024.csv": GRANTS_HEADER,
    "enquetes/enquete_2024.csv": SURVEY_HEADER,
    "enquetes/enquete_2025.csv": SURVEY_HEADER,
}

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

# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalize_name(text: str) -> str:
    """Upper case, accents stripped, punctuation to spaces, spaces collapsed (as the warehouse does)."""
    out = []
    for c in strip_accents(text).upper():
        out.append(c if ("A" <= c <= "Z" or "0" <= c <= "9") else " ")
    return " ".join("".join(out).split())


def slug(text: str) -> str:
    return "-".join(normalize_name(text).lower().split())


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def to_latlon(x_km: float, y_km: float) -> tuple[float, float]:
    return CENTRE_LAT + y_km / KM_PER_DEG_LAT, CENTRE_LON + x_km / KM_PER_DEG_LON


def fmt_decimal(value: float, decimals: int) -> str:
    """A decimal with '.' and at most ``decimals`` decimals, trailing zeros dropped ("12.5", "3")."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


class IdFactory:
    """Unique fictional SIREN/SIRET numbers: each one fails the Luhn check, so none is real."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def _make(self, prefix: str, length: int) -> str:
        while True:
            body = prefix or str(self.rng.randint(1, 9))   # no leading zero: spreadsheets would eat it
            body += "".join(str(self.rng.randrange(10)) for _ in range(length - len(body)))
            if body not in self.used and not luhn_valid(body):
                self.used.add(body)
                return body

    def siren(self, prefix: str = "200") -> str:
        return self._make(prefix, 9)

    def siret(self, prefix: str = "") -> str:
        return self._make(prefix, 14)


# ----------------------------------------------------------------------------------------------
# Names
# ----------------------------------------------------------------------------------------------

VOWELS = "AEIOUYÉÈÊaeiouyéèêh"
STARTS = ["Bel", "Bour", "Brez", "Cham", "Char", "Cour", "Dal", "Fay", "Gan", "Jur", "Lab", "Lan",
          "Lav", "Mar", "Mau", "Mons", "Mor", "Nau", "Pel", "Pra", "Quin", "Roch", "Sal", "Sau", "Ser", "Tal",
          "Tour", "Val", "Ver", "Vil", "Bess", "Cer", "Gou", "Lour", "Mir", "Pon", "Ray", "Siv", "Trel",
          "Chast", "Font", "Mazer", "Pier", "Vaux", "Gerz", "Ros", "Cel", "Ban", "Corb", "Mén", "Ség", "Ter",
          "Brug", "Cas", "Dor", "Gros", "Lez", "Neb", "Pey", "Sarl", "Tiv"]
VOWEL_STARTS = ["Aub", "Aur", "Arl", "Olb", "Ys", "Esc", "Orc", "Ambl", "Écl", "Auz", "Ull", "Ant", "Emb", "Is",
                "Ard", "Oust", "Ayr"]
LINKS = ["e", "i", "a", "o"]
ENDINGS = ["ac", "at", "ieu", "ières", "ol", "ange", "ay", "eix", "ille", "ergues", "onne", "in", "et", "ès",
           "ols", "on", "argues", "ogne", "ette", "ville", "court", "y", "oux", "ade", "ignac", "euil",
           "enne", "aguet", "ème", "ières", "anges", "eyrat", "oles", "ac", "at", "on"]
FEM_ENDINGS = ["ière", "ade", "ette", "onne", "enne", "ange", "ogne", "ille", "aze"]
MASC_ENDINGS = ["at", "et", "ol", "on", "ay", "euil", "in", "ac", "oux"]
PLUR_ENDINGS = ["ières", "anges", "ols", "oux", "ades", "ettes", "ières", "aux"]
SAINTS = ["Amant", "Genès", "Julien", "Rémy", "Didier", "Priest", "Ours", "Bonnet", "Germain", "Hilaire",
          "Just", "Victor", "Pardoux", "Éloy", "Anthème", "Gervais", "Floret", "Sauves", "Clément", "Ferréol",
          "Alyre", "Dier", "Gal", "Maurice", "Pierre", "Sylvestre", "Vincent", "Martin", "Étienne"]
SAINTES = ["Florine", "Hélène", "Agathe", "Christine", "Marguerite", "Anne", "Catherine", "Eulalie"]
RIVERS = ["Sévonne", "Lizère", "Dourbe", "Ambrelle", "Aveline", "Couzanne", "Orbèze", "Vérane"]
PAYS = ["Brévent", "Varadois", "Combraille", "Montagne", "Aulnois", "Livrade", "Queyrol"]
PREFIX_WORDS = ["Pont", "Mont", "Vic", "Puy", "Château", "Bourg", "Champ", "Villeneuve", "Chaumont"]
TAILS = ["-le-Château", "-les-Bains", "-la-Forêt", "-le-Vieux", "-les-Mines", "-la-Côte"]


@dataclass
class Name:
    article: str     # "", "Le", "La", "Les", "L'"
    base: str        # without article (COG NCCENR)

    @property
    def libelle(self) -> str:
        if not self.article:
            return self.base
        if self.article == "L'":
            return "L'" + self.base
        return f"{self.article} {self.base}"

    @property
    def tncc(self) -> str:
        if self.article == "":
            return "1" if self.base[0] in "AEIOUYÉÈÊÎÂ" else "0"
        return {"Le": "2", "La": "3", "Les": "4", "L'": "5"}[self.article]

    @property
    def ncc(self) -> str:
        return " ".join(strip_accents(self.base).upper().replace("-", " ").replace("'", " ").split())

    @property
    def de(self) -> str:
        """« de X », « d'X », « du X », « des X », « de La X », « de L'X »."""
        if self.article == "Le":
            return f"du {self.base}"
        if self.article == "Les":
            return f"des {self.base}"
        if self.article in ("La", "L'"):
            return f"de {self.libelle}"
        return f"d'{self.base}" if self.base[0] in "AEIOUYÉÈÊ" else f"de {self.base}"

    @property
    def a(self) -> str:
        if self.article == "Le":
            return f"au {self.base}"
        if self.article == "Les":
            return f"aux {self.base}"
        return f"à {self.libelle}"


class NameMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def stem(self, vowel_start: bool = False, endings: list[str] | None = None) -> str:
        r = self.rng
        start = r.choice(VOWEL_STARTS if vowel_start else STARTS)
        ending = r.choice(endings or ENDINGS)
        link = r.choice(LINKS) if ending[0] not in VOWELS and r.random() < 0.35 else ""
        return start + link + ending

    def _candidate(self, plain: bool) -> Name:
        r = self.rng
        if plain:
            return Name("", self.stem())
        u = r.random()
        if u < 0.36:
            return Name("", self.stem(vowel_start=r.random() < 0.15))
        if u < 0.50:
            saint = f"Saint-{r.choice(SAINTS)}" if r.random() < 0.8 else f"Sainte-{r.choice(SAINTES)}"
            v = r.random()
            if v < 0.35:
                return Name("", saint)
            if v < 0.55:
                return Name("", f"{saint}-de-{self.stem()}")
            if v < 0.65:
                return Name("", f"{saint}-d'{self.stem(vowel_start=True)}")
            if v < 0.85:
                return Name("", f"{saint}-sur-{r.choice(RIVERS)}")
            return Name("", f"{saint}-en-{r.choice(PAYS)}")
        if u < 0.60:
            return Name("", f"{self.stem()}-sur-{r.choice(RIVERS)}")
        if u < 0.67:
            return Name("", f"{self.stem()}-en-{r.choice(PAYS)}")
        if u < 0.73:
            return Name("", f"{self.stem()}{r.choice(TAILS)}")
        if u < 0.79:
            word = r.choice(PREFIX_WORDS)
            if r.random() < 0.3:
                return Name("", f"{word}-d'{self.stem(vowel_start=True)}")
            return Name("", f"{word}-de-{self.stem()}" if r.random() < 0.6 else f"{word}-{self.stem()}")
        if u < 0.86:
            return Name("Le", self.stem(endings=MASC_ENDINGS))
        if u < 0.92:
            return Name("La", self.stem(endings=FEM_ENDINGS))
        if u < 0.97:
            return Name("Les", self.stem(endings=PLUR_ENDINGS))
        return Name("L'", self.stem(vowel_start=True))

    def make(self, plain: bool = False) -> Name:
        while True:
            name = self._candidate(plain)
            if name.article in ("Le", "La") and name.base[0] in "AEIOUYÉÈÊ":
                name = Name("L'", name.base)
            if len(name.base) > 38:
                continue
            key = name.ncc
            if key not in self.used:
                self.used.add(key)
                return name


# ----------------------------------------------------------------------------------------------
# Territory
# ----------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Commune:
    idx: int
    role: str                      # metropole | suburb | pole | bourg (EPCI seat) | rural
    x: float                       # km east of the centre
    y: float                       # km north of the centre
    name: Name | None = None
    code: str = ""
    lat: float = 0.0               # commune centre (rounded to 5 decimals), used everywhere
    lon: float = 0.0
    pmun: int = 0
    pcap: int = 0
    epci: str = ""
    canton: str = ""
    arr: str = ""
    ze: str = ""
    postcode: str = ""
    canton_seat: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def libelle(self) -> str:
        return self.name.libelle

    @property
    def dist_centre(self) -> float:
        return math.hypot(self.x, self.y)


@dataclass
class Territory:
    communes: list[Commune]                      # COM rows, sorted by code
    by_code: dict[str, Commune]
    epci_names: dict[str, str]                   # code -> name (file order: metropole first)
    epci_seats: dict[str, str]                   # code -> seat commune code
    canton_names: dict[str, str]                 # code -> name, sorted by code
    comd: list[tuple[str, Name, str]]            # (code, name, parent code)
    ze_names: dict[str, str]
    ze_centres: dict[str, str]
    ze_pop: dict[str, int]
    metro_epci: str


def _boundary(theta: float, phases: tuple[float, float]) -> float:
    return 1.0 + 0.07 * math.sin(3 * theta + phases[0]) + 0.04 * math.sin(5 * theta + phases[1])


def _inside(x: float, y: float, phases) -> bool:
    u, v = x / HALF_WIDTH_KM, y / HALF_HEIGHT_KM
    return math.hypot(u, v) <= 0.97 * _boundary(math.atan2(v, u), phases)


def _far_enough(x: float, y: float, points: list[Commune], min_km: float) -> bool:
    m2 = min_km * min_km
    return all((p.x - x) ** 2 + (p.y - y) ** 2 >= m2 for p in points)


def _place_communes(rng: random.Random) -> list[Commune]:
    phases = (rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi))
    margin = MIN_COMMUNE_DISTANCE_KM + 0.15      # slack for the rounding of coordinates
    pts: list[Commune] = [Commune(0, "metropole", rng.uniform(-1, 1), rng.uniform(-1, 1))]
    # EPCI seats around the metropole, evenly spread in angle (the order follows the angle).
    theta0 = rng.uniform(0, 2 * math.pi)
    pole_slots = sorted(rng.sample(range(N_EPCI_SEATS), N_POLES))
    for k in range(N_EPCI_SEATS):
        while True:
            theta = theta0 + 2 * math.pi * k / N_EPCI_SEATS + rng.uniform(-0.12, 0.12)
            f = rng.uniform(0.50, 0.68) * _boundary(theta, phases)
            x, y = HALF_WIDTH_KM * f * math.cos(theta), HALF_HEIGHT_KM * f * math.sin(theta)
            if _far_enough(x, y, pts, 8.0):
                break
        pts.append(Commune(len(pts), "pole" if k in pole_slots else "bourg", x, y))
    while sum(p.role == "suburb" for p in pts) < N_SUBURBS:
        r, theta = math.sqrt(rng.uniform(3.2 ** 2, 14.5 ** 2)), rng.uniform(0, 2 * math.pi)
        x, y = pts[0].x + r * math.cos(theta), pts[0].y + r * math.sin(theta)
        if _far_enough(x, y, pts, margin):
            pts.append(Commune(len(pts), "suburb", x, y))
    while len(pts) < N_COMMUNES:
        x, y = rng.uniform(-HALF_WIDTH_KM, HALF_WIDTH_KM), rng.uniform(-HALF_HEIGHT_KM, HALF_HEIGHT_KM)
        if not _inside(x, y, phases) or math.hypot(x - pts[0].x, y - pts[0].y) < 16.5:
            continue
        if _far_enough(x, y, pts, margin):
            pts.append(Commune(len(pts), "rural", x, y))
    return pts


def _nearest(c: Commune, seats: list[Commune]) -> Commune:
    return min(seats, key=lambda s: ((s.x - c.x) ** 2 + (s.y - c.y) ** 2, s.idx))


def _lognormal_in(rng: random.Random, median: float, sigma: float, lo: float, hi: float) -> float:
    while True:
        v = median * math.exp(rng.gauss(0.0, sigma))
        if lo <= v <= hi:
            return v


def _populations(rng: random.Random, pts: list[Commune]) -> None:
    while True:
        metro = rng.randint(172_000, 188_000)
        subs = sorted((int(_lognormal_in(rng, 5200, 0.7, 2000, 30000)) for _ in range(N_SUBURBS)),
                      reverse=True)
        suburbs = sorted((p for p in pts if p.role == "suburb"),
                         key=lambda p: (math.hypot(p.x - pts[0].x, p.y - pts[0].y) * rng.uniform(0.7, 1.3), p.idx))
        values = {0: metro}
        for p, v in zip(suburbs, subs):
            values[p.idx] = v
        for p in pts:
            if p.role == "pole":
                values[p.idx] = int(math.exp(rng.uniform(math.log(8000), math.log(25000))))
            elif p.role == "bourg" or (p.role == "rural" and p.canton_seat):
                values[p.idx] = rng.randint(1200, 3000)
            elif p.role == "rural":
                values[p.idx] = int(_lognormal_in(rng, 380, 0.85, 80, 3000))
        if 520_000 <= sum(values.values()) <= 650_000:
            break
    for p in pts:
        p.pmun = values[p.idx]
        p.pcap = int(round(p.pmun * rng.uniform(0.01, 0.03)))


def build_territory(rng: random.Random, ids: IdFactory) -> Territory:
    while True:   # redraw until every EPCI (commune -> nearest seat) has a reasonable size
        pts = _place_communes(rng)
        metro = pts[0]
        seats = [p for p in pts if p.role in ("pole", "bourg")]          # in angular order
        nearest_seat = {p.idx: _nearest(p, seats).idx for p in pts if p.role in ("rural", "pole", "bourg")}
        if min(sum(1 for v in nearest_seat.values() if v == s.idx) for s in seats) >= 8:
            break

    # Canton seats: the 11 EPCI seats, 4 suburbs spread around the metropole, 9 rural bourgs
    # picked by farthest-point sampling so that cantons cover the whole département.
    canton_seats = list(seats)
    suburbs = [p for p in pts if p.role == "suburb"]
    first = rng.choice(suburbs)
    chosen = [first]
    while len(chosen) < 4:
        chosen.append(max((s for s in suburbs if s not in chosen),
                          key=lambda s: (min(math.hypot(s.x - c.x, s.y - c.y) for c in chosen + [metro]), -s.idx)))
    canton_seats += chosen
    rural = [p for p in pts if p.role == "rural"]
    while len(canton_seats) < N_CANTONS:
        ref = canton_seats + [metro]
        canton_seats.append(max((r for r in rural if r not in canton_seats),
                                key=lambda r: (min(math.hypot(r.x - c.x, r.y - c.y) for c in ref), -r.idx)))
    for s in canton_seats:
        s.canton_seat = True

    _populations(rng, pts)

    # Names: the metropole gets a plain name; codes follow the alphabetical order of NCC.
    names = NameMaker(rng)
    metro.name = names.make(plain=True)
    for p in pts:
        if p.role in ("pole", "bourg"):
            p.name = names.make(plain=rng.random() < 0.5)
        elif p.name is None:
            p.name = names.make()
    others = sorted(pts[1:], key=lambda p: (p.name.ncc, p.name.article))
    metro.code = f"{DEP_CODE}001"
    for i, p in enumerate(others, start=2):
        p.code = f"{DEP_CODE}{i:03d}"
    for p in pts:
        lat, lon = to_latlon(p.x, p.y)
        p.lat, p.lon = round(lat, 5), round(lon, 5)

    # EPCI: metropole + suburbs; every other commune goes to the nearest of the 11 seats.
    metro_code = ids.siren("2000")
    epci_codes = [ids.siren("2000") for _ in seats]
    epci_of_seat = {s.idx: code for s, code in zip(seats, epci_codes)}
    for p in pts:
        p.epci = metro_code if p.role in ("metropole", "suburb") else epci_of_seat[nearest_seat[p.idx]]
    pop_by_epci: dict[str, int] = {}
    for p in pts:
        pop_by_epci[p.epci] = pop_by_epci.get(p.epci, 0) + p.pmun
    epci_names = {metro_code: METRO_EPCI_NAME}
    biggest = max(epci_codes, key=lambda c: (pop_by_epci[c], c))
    used_names = {METRO_EPCI_NAME}
    for seat, code in zip(seats, epci_codes):
        nm = seat.name
        if seat.role == "pole" and (pop_by_epci[code] >= 30_000 or code == biggest):
            options = [f"CA {nm.libelle} Agglomération", f"CA du Bassin {nm.de}", f"CA {nm.libelle} Agglo"]
        elif seat.role == "pole":
            options = [f"CC du Pays {nm.de}", f"CC {nm.libelle} Communauté", f"CC {nm.libelle} et Environs"]
        else:
            options = [f"CC du Pays {nm.de}", f"CC des Monts {nm.de}", f"CC Val de {rng.choice(RIVERS)}",
                       "CC {} {}".format(*rng.sample(PAYS, 2)), f"CC {nm.libelle} Communauté"]
        rng.shuffle(options)
        name = next(o for o in options if o not in used_names)
        used_names.add(name)
        epci_names[code] = name

    # Arrondissements (by EPCI, in angular sectors) and employment zones (= arrondissements).
    arr_of_epci = {metro_code: DEP_CODE + "1"}
    for k, code in enumerate(epci_codes):
        arr_of_epci[code] = DEP_CODE + ("2" if k < 4 else "3" if k < 8 else "1")
    for p in pts:
        p.arr = arr_of_epci[p.epci]
        p.ze = DEP_CODE + "0" + p.arr[-1]

    # Cantons: ordinary ones numbered in alphabetical order of their (seat) name.
    for p in pts:
        if p is metro:
            continue
        p.extra["canton_seat_idx"] = _nearest(p, canton_seats).idx
    ordered = sorted(canton_seats, key=lambda s: (s.name.ncc, s.name.article))
    seat_canton = {s.idx: f"{DEP_CODE}{i:02d}" for i, s in enumerate(ordered, start=1)}
    canton_names = {seat_canton[s.idx]: s.libelle for s in ordered}
    canton_names[METRO_CANTON] = metro.libelle
    metro.canton = METRO_CANTON
    for p in pts:
        if p is not metro:
            p.canton = seat_canton[p.extra["canton_seat_idx"]]

    # Postcodes: the metropole 96000; every other commune the postcode of its canton.
    metro.postcode = f"{DEP_CODE}000"
    for p in pts:
        if p is not metro:
            p.postcode = f"{DEP_CODE}{(11 + 3 * (int(p.canton[-2:]) - 1)) * 10:03d}"

    # Employment zones: named after their biggest commune.
    ze_names, ze_centres, ze_pop = {}, {}, {}
    for ze in sorted({p.ze for p in pts}):
        members = [p for p in pts if p.ze == ze]
        centre = max(members, key=lambda p: (p.pmun, p.code))
        ze_names[ze] = strip_accents(centre.libelle).upper()
        ze_centres[ze] = centre.code
        ze_pop[ze] = sum(p.pmun for p in members)

    # Three communes déléguées (not communes): two of them in one commune nouvelle.
    rural_sorted = sorted((p for p in pts if p.role == "rural" and not p.canton_seat), key=lambda p: p.code)
    parents = rng.sample(rural_sorted, 2)
    comd = []
    for i, parent in enumerate([parents[0], parents[0], parents[1]]):
        comd.append((f"{DEP_CODE}{N_COMMUNES + 1 + i:03d}", names.make(), parent.code))

    communes = sorted(pts, key=lambda p: p.code)
    return Territory(
        communes=communes,
        by_code={p.code: p for p in communes},
        epci_names=epci_names,
        epci_seats={metro_code: metro.code, **{c: s.code for c, s in zip(epci_codes, seats)}},
        canton_names=dict(sorted(canton_names.items())),
        comd=comd,
        ze_names=ze_names,
        ze_centres=ze_centres,
        ze_pop=ze_pop,
        metro_epci=metro_code,
    )


def check_min_distance(communes: list[Commune]) -> float:
    best = float("inf")
    for i, a in enumerate(communes):
        for b in communes[i + 1:]:
            if abs(a.lat - b.lat) > 0.03 or abs(a.lon - b.lon) > 0.04:
                continue
            best = min(best, haversine_km(a.lat, a.lon, b.lat, b.lon))
    if best < MIN_COMMUNE_DISTANCE_KM:
        raise RuntimeError(f"two commune centres are {best:.3f} km apart")
    return best


def nearest_commune(communes: list[Commune], lat: float, lon: float) -> Commune:
    return min(communes, key=lambda c: (haversine_km(lat, lon, c.lat, c.lon), c.code))


def offset_point(rng: random.Random, c: Commune, max_km: float, min_km: float = 0.03) -> tuple[float, float]:
    r, theta = rng.uniform(min_km, max_km), rng.uniform(0, 2 * math.pi)
    return (c.lat + r * math.sin(theta) / KM_PER_DEG_LAT,
            c.lon + r * math.cos(theta) / (KM_PER_DEG_LAT * math.cos(math.radians(c.lat))))


# ----------------------------------------------------------------------------------------------
# Facilities
# ----------------------------------------------------------------------------------------------

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


def _place_name(rng: random.Random, typo: str, c: Commune) -> str:
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


@dataclass(eq=False)
class Place:
    id: str
    name: str
    typo: str
    commune: Commune
    address: str
    lat: float
    lon: float
    sentinel: bool = False
    siret: str = ""        # known SIRET (grants, survey); "" when none
    row: list = field(default_factory=list)


def build_places(rng: random.Random, t: Territory) -> list[Place]:
    communes = t.communes
    metro = t.by_code[f"{DEP_CODE}001"]
    n = rng.randint(58, 63)
    n_metro = round(n * 0.30)
    n_pole = round(n * 0.27)
    n_suburb = round(n * 0.13)
    n_rural = n - n_metro - n_pole - n_suburb
    bourg_epcis = sorted(c.epci for c in communes if c.role == "bourg")
    empty_epcis = sorted(rng.sample(bourg_epcis, 2))

    def weighted(pool: list[Commune], k: int, power: float, cap: int) -> list[Commune]:
        out: list[Commune] = []
        while len(out) < k:
            weights = [c.pmun ** power if out.count(c) < cap else 0.0 for c in pool]
            out.append(rng.choices(pool, weights=weights)[0])
        return out

    hosts = [metro] * n_metro
    poles = [c for c in communes if c.role == "pole"]
    hosts += poles + weighted(poles, n_pole - len(poles), 1.0, 4)
    hosts += weighted([c for c in communes if c.role == "suburb"], n_suburb, 1.0, 2)
    rural_pool = [c for c in communes if c.role in ("rural", "bourg") and c.epci not in empty_epcis]
    hosts += weighted(rural_pool, n_rural, 1.3, 1)
    rng.shuffle(hosts)

    n_fab, n_none = round(n * 0.28), round(n * 0.07)
    typos = [TYPO_FABLAB] * n_fab + [""] * n_none + [TYPO_COWORKING] * (n - n_fab - n_none)
    rng.shuffle(typos)

    used: set[str] = set()
    places = []
    for i, (host, typo) in enumerate(zip(hosts, typos), start=1):
        while True:
            name = _place_name(rng, typo, host)
            if normalize_name(name) not in used:
                used.add(normalize_name(name))
                break
        while True:
            lat, lon = offset_point(rng, host, PLACE_RADIUS_KM)
            lat, lon = round(lat, 6), round(lon, 6)
            if nearest_commune(communes, lat, lon) is host:
                break
        street = rng.choice(STREETS)
        address = street[0].upper() + street[1:] if rng.random() < 0.1 else f"{rng.randint(1, 120)} {street}"
        places.append(Place(str(i), name, typo, host, address, lat, lon))
    for p in rng.sample(places, 2):
        p.sentinel = True
    return places


def inventory_rows(rng: random.Random, t: Territory, places: list[Place]) -> list[list[str]]:
    rows = []
    for p in places:
        c = p.commune
        cominit = strip_accents(c.libelle).upper() if rng.random() < 0.25 else c.libelle
        web = f"www.{slug(p.name)}.example" if rng.random() < 0.25 else ""
        mail = f"contact@{slug(p.name)}.example" if rng.random() < 0.1 else ""
        metro = c.epci == t.metro_epci
        if p.sentinel:
            geocod, precision = "PLACE A LA MAIN", "0.99"
        else:
            geocod = f"{p.address} {c.postcode} {c.libelle}"
            precision = fmt_decimal(min(0.99, max(0.5, rng.betavariate(9, 1.2))), 2)
        rows.append([
            p.id, p.name, p.address, "0" if p.sentinel else c.postcode, cominit, "0" if p.sentinel else c.code,
            c.libelle, web, "", "", p.typo, fmt_decimal(p.lat, 6), fmt_decimal(p.lon, 6), geocod, precision,
            "", mail, "1" if metro else "0", METRO_EPCI_NAME if metro else "", REG_CODE, REG_NAME, c.code,
            DEP_CODE, c.libelle, str(c.pmun), comclass(c.pmun), c.ze, t.ze_names[c.ze], ze_class(t.ze_pop[c.ze]),
            str(t.ze_pop[c.ze]),
        ])
    return rows


@dataclass(eq=False)
class FranceServices:
    commune: Commune
    kind: str          # Principal | Antenne
    name: str
    fmt: str
    group: str = ""
    row: list = field(default_factory=list)


HOURS = ["09:00 - 12:00 / 13:30 - 17:00", "08:30 - 12:00 / 13:30 - 17:30", "09:00 - 12:30 / 14:00 - 17:00",
         "09:00 - 12:00", "13:30 - 17:00", "08:30 - 12:30 / 13:30 - 16:30"]
FS_COMMENT_MULTILINE = ("Permanences sur rendez-vous \n\n\nLundi 9h00-12h00 : {a} / 13h30-17h00 : {b}  \n\n\n"
                        "Jeudi 9h00-12h00 : {b}")


def build_france_services(rng: random.Random, t: Territory) -> list[FranceServices]:
    communes = t.communes
    poles = [c for c in communes if c.role == "pole"]
    bourgs = [c for c in communes if c.role == "bourg"]
    rural_seats = [c for c in communes if c.role == "rural" and c.canton_seat]
    while True:
        principals = poles + bourgs + [rng.choice(rural_seats)]
        parents = rng.sample(principals, 3)
        antennas = []
        for parent in parents:
            pool = [c for c in communes if c.epci == parent.epci and c.role == "rural" and c.pmun >= 300
                    and c not in principals and c not in antennas]
            if not pool:
                break
            antennas.append(rng.choice(pool))
        if len(antennas) != 3:
            continue
        per_canton: dict[str, int] = {}
        for c in principals + antennas:
            per_canton[c.canton] = per_canton.get(c.canton, 0) + 1
        if max(per_canton.values()) <= 2 and len(t.canton_names) - len(per_canton) >= 5:
            break
    items = []
    for c in principals:
        fmt = "Fixe" if c not in parents else "Fixe_antenne(s)"
        items.append(FranceServices(c, "Principal", f"France services {c.libelle}", fmt))
    itinerant = rng.choice([i for i in items if i.fmt == "Fixe"])
    itinerant.fmt, itinerant.name = "Itinérante", f"Bus France services {t.epci_names[itinerant.commune.epci]}"
    multi = rng.choice([i for i in items if i.fmt == "Fixe"])
    multi.fmt = "Multisites"
    for parent, c in zip(parents, antennas):
        group = parent.libelle
        next(i for i in items if i.commune is parent).group = group
        items.append(FranceServices(c, "Antenne", f"France services {parent.libelle} - Antenne de {c.libelle}",
                                    "Fixe_antenne(s)", group))
    rng.shuffle(items)
    multi_other = [c for c in communes if c.epci == multi.commune.epci and c is not multi.commune]
    for i, fs in enumerate(items, start=1):
        c = fs.commune
        lat, lon = offset_point(rng, c, 0.3)
        days = []
        for d in range(6):
            if d == 5:
                days.append(rng.choice(["", "", "", "09:00 - 12:00"]))
            elif fs.kind == "Antenne":
                days.append(rng.choice(["", "09:00 - 12:00", "13:30 - 17:00"]))
            else:
                days.append(rng.choice(HOURS[:3] if rng.random() < 0.8 else HOURS[3:]))
        comment = ""
        if fs is multi:
            a, b = sorted(rng.sample(multi_other, 2), key=lambda x: x.code)
            comment = FS_COMMENT_MULTILINE.format(a=a.libelle, b=b.libelle)
        elif rng.random() < 0.2:
            comment = rng.choice(["Prise de rendez-vous conseillée", "Possibilité de prendre rendez-vous",
                                  'Accueil itinérant : voir le planning « Bus France services ».'])
        if fs.fmt == "Itinérante":
            comment = 'Planning d\'itinérance à retrouver sur notre page web rubrique "L\'agenda du bus".'
        complement = rng.choice(["", "", "", "Mairie", "Bureau de Poste"])
        label_date = rng.choice(["01/01/2020", "01/02/2020", "01/07/2020", "01/01/2021", "01/09/2022"])
        fs.row = [
            str(i), DEP_CODE, fs.name, f"{rng.randint(1, 40)} {rng.choice(STREETS)}", complement, c.code,
            c.postcode, c.libelle, round(lat, 6), round(lon, 6),
            f"franceservices.{slug(c.libelle)}@france-services.example",
            f"04 65 71 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}", *days,
            rng.choice(["Oui", "Non", "Non"]), comment, fs.kind, fs.fmt, fs.group, f"Espace labellisé {label_date}",
        ]
    return items


# ----------------------------------------------------------------------------------------------
# Flows, grants, surveys
# ----------------------------------------------------------------------------------------------


def build_flows(rng: random.Random, t: Territory) -> list[tuple[Commune, Commune, str]]:
    communes = t.communes
    attractors = [c for c in communes if c.role in ("metropole", "pole", "bourg") or c.canton_seat
                  or (c.role == "suburb" and c.pmun >= 5000)]
    log_lo, log_hi = math.log(80), math.log(3000)
    rows = []
    for c in communes:
        active = 0.42 * c.pmun * rng.uniform(0.96, 1.04)
        if c.role == "metropole":
            stay = rng.uniform(0.63, 0.67)
        elif c.role == "pole":
            stay = rng.uniform(0.42, 0.48)
        elif c.role == "suburb":
            stay = 0.22 + 0.12 * min(1.0, (math.log(c.pmun) - math.log(2000)) / math.log(15))
        else:
            stay = 0.15 + 0.10 * min(1.0, max(0.0, (math.log(c.pmun) - log_lo) / (log_hi - log_lo)))
        flows = {c.code: active * stay}
        scored = []
        for d in attractors:
            if d is c:
                continue
            dist = max(2.0, haversine_km(c.lat, c.lon, d.lat, d.lon))
            mass = d.pmun * (1.5 if d.role == "metropole" else 1.0)
            scored.append((mass / dist ** 2, d.code))
        scored.sort(reverse=True)
        top = scored[:rng.randint(3, 6)]
        # A few always work outside their EPCI (also in the metropole, whose suburbs attract most).
        outside = next(s for s in scored if t.by_code[s[1]].epci != c.epci)
        if outside not in top:
            top.append(outside)
        weights = [s * rng.uniform(0.7, 1.3) for s, _ in top]
        total = sum(weights)
        for (_, code), w in zip(top, weights):
            flows[code] = flows.get(code, 0.0) + active * (1 - stay) * w / total
        for code in sorted(flows):
            value = round(flows[code] * rng.uniform(0.97, 1.03), 6)
            if value >= 0.5:
                rows.append((c, t.by_code[code], fmt_decimal(value, 6)))
    return rows


FUNDERS = [("Région d'Exemple", "region"), ("Département du Val-d'Exemple", "departement"),
           (METRO_EPCI_NAME, "metropole")]
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


@dataclass(eq=False)
class Grant:
    funder: str
    funder_id: str
    date: str
    ref: str
    beneficiary: str
    beneficiary_id: str
    purpose: str
    cents: int
    place: Place | None
    conditions: str
    period: str
    share: str


def _date_2024(rng: random.Random) -> tuple[int, int]:
    month = rng.randint(1, 11)
    return month, rng.randint(1, 28)


def _upper_with_double_space(rng: random.Random, name: str) -> str:
    text = strip_accents(name).upper() if rng.random() < 0.6 else name.upper()
    words = text.split(" ")
    if len(words) >= 2 and rng.random() < 0.3:
        k = rng.randrange(len(words) - 1)
        words[k] = words[k] + " "
    return " ".join(words)


def build_grants(rng: random.Random, t: Territory, places: list[Place], ids: IdFactory) -> list[Grant]:
    funder_ids = {name: ids.siret({"region": "2396", "departement": "2296", "metropole": "2000"}[kind])
                  for name, kind in FUNDERS}
    n_to_places = rng.randint(20, 24)
    n_other = rng.randint(16, 20)
    funded = rng.sample(places, rng.randint(14, 17))
    targets = list(funded) + [rng.choice(funded) for _ in range(n_to_places - len(funded))]
    for p in funded:
        p.siret = ids.siret()
    place_keys = {normalize_name(p.name) for p in places}
    grants = []
    refs = rng.sample(range(1, 400), n_to_places + n_other)

    def funder_for(c: Commune) -> str:
        options = [FUNDERS[0][0], FUNDERS[1][0]] + ([METRO_EPCI_NAME] * 2 if c.epci == t.metro_epci else [])
        return rng.choice(options)

    def amount() -> int:
        return int(round(math.exp(rng.uniform(math.log(2000), math.log(150_000))) * 100))

    other_names: list[tuple[str, str, Commune]] = []
    used = set(place_keys)
    while len(other_names) < n_other:
        c = rng.choice(t.communes)
        name = rng.choice(ASSOCIATION_PATTERNS).format(de=c.name.de)
        if normalize_name(name) in used:
            continue
        used.add(normalize_name(name))
        other_names.append((name, ids.siret(), c))

    beneficiaries = [(p.name, p.siret, p.commune, p) for p in targets] + [(n, s, c, None) for n, s, c in other_names]
    for k, (name, siret, c, place) in enumerate(beneficiaries):
        funder = funder_for(c)
        month, day = _date_2024(rng)
        cents = amount()
        share = rng.choice([0.2, 0.25, 0.3, 0.4, 0.5, 0.5, 0.6, 0.7, 0.8, 1.0])
        conditions = rng.choice(["unique", "unique", "échelonné"])
        start = f"2024-{min(12, month + 1):02d}-01"
        period = f"{start}_{rng.choice(['2024-12-31', '2025-06-30'])}"
        grants.append(Grant(
            funder=funder, funder_id=funder_ids[funder], date=f"2024-{month:02d}-{day:02d}",
            ref=f"DEL-2024-{refs[k]:03d}", beneficiary=_upper_with_double_space(rng, name),
            beneficiary_id=siret,
            purpose=(rng.choice(GRANT_OBJECTS_PLACE + [GRANT_OBJECTS_BY_TYPO[place.typo]]) if place
                     else rng.choice(GRANT_OBJECTS_OTHER)),
            cents=cents, place=place, conditions=conditions, period=period, share=fmt_decimal(share, 2)))
    order = {name: i for i, (name, _) in enumerate(FUNDERS)}
    grants.sort(key=lambda g: (order[g.funder], g.date, g.ref))
    return grants


SURVEY_TYPES_OTHER = ["atelier partagé", "tiers-lieu culturel", "tiers-lieu social"]
STATUTES = ["association", "association", "association", "SCIC", "SAS", "SARL", "collectivité", "autre"]


def _survey_profile(rng: random.Random, kind: str, pop: int) -> dict:
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


def _evolve(rng: random.Random, prof: dict) -> dict:
    out = dict(prof)
    for key in ("members", "visitors", "events"):
        out[key] = max(1, round(prof[key] * rng.uniform(0.8, 1.2)))
    out["surface"] = prof["surface"] if rng.random() < 0.8 else round(prof["surface"] * rng.uniform(0.9, 1.2))
    out["desks"] = min(out["surface"] // 4, max(0, round(prof["desks"] * rng.uniform(0.8, 1.2))))
    out["etp"] = max(0.1, prof["etp"] * rng.uniform(0.8, 1.2))
    out["revenue"] = prof["revenue"] * rng.uniform(0.8, 1.2)
    out["public"] = min(100, max(0, round(prof["public"] * rng.uniform(0.8, 1.2))))
    return out


def build_surveys(rng: random.Random, places: list[Place], ids: IdFactory) -> dict[str, list[list[str]]]:
    n = len(places)
    wave24 = rng.sample(places, round(0.6 * n))
    keep = rng.sample(wave24, round(0.8 * len(wave24)))
    rest = [p for p in places if p not in wave24]
    wave25 = keep + rng.sample(rest, round(0.7 * n) - len(keep))
    info = {}
    for p in places:
        if p.typo == TYPO_COWORKING:
            kind = "coworking"
        elif p.typo == TYPO_FABLAB:
            kind = "fablab"
        else:
            kind = rng.choice(SURVEY_TYPES_OTHER)
        siret = p.siret or (ids.siret() if rng.random() < 0.8 else "")
        info[p.id] = dict(kind=kind, siret=siret, opened=rng.randint(2008, 2019), statut=rng.choice(STATUTES),
                          hours=rng.choice([20, 25, 30, 35, 40, 45, 50, 55, 60, 70]),
                          profile=_survey_profile(rng, kind, p.commune.pmun),
                          no_revenue=rng.random() < 0.15)
    out = {}
    for year, members in (("2024", wave24), ("2025", wave25)):
        rows = []
        for p in sorted(members, key=lambda q: int(q.id)):
            i = info[p.id]
            prof = i["profile"]
            if year == "2025" and p in wave24:
                prof = _evolve(rng, prof)
            c = p.commune
            rows.append([year, f"TL2019-{p.id}", p.name, i["siret"], c.code, c.libelle, i["kind"],
                         str(i["opened"]), i["statut"], str(prof["surface"]), str(prof["desks"]), str(i["hours"]),
                         str(prof["members"]), str(prof["visitors"]), str(prof["events"]), f"{prof['etp']:.1f}",
                         "" if i["no_revenue"] else str(round(prof["revenue"] / 100) * 100), str(prof["public"])])
        out[year] = rows
    return out


# ----------------------------------------------------------------------------------------------
# Rows of the referential files
# ----------------------------------------------------------------------------------------------


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


def communes_france_rows(rng: random.Random, t: Territory) -> list[list]:
    rows = []
    for c in t.communes:
        if c.role == "metropole":
            ha = rng.randint(4000, 4600)
        elif c.role == "pole":
            ha = rng.randint(1800, 5000)
        elif c.role == "suburb":
            ha = rng.randint(500, 2600)
        else:
            ha = int(_lognormal_in(rng, 2200, 0.45, 600, 7000))
        km2 = ha / 100
        density = c.pmun / km2
        level = density_level(density, c.pmun, c.role)
        c.extra["density_level"] = level        # the ANCT density grid of the referential files agrees
        alt = int(340 + 7 * c.dist_centre + rng.uniform(0, 260))
        alt_min = alt - rng.randint(20, 160)
        alt_max = alt + rng.randint(40, 420)
        mlat, mlon = offset_point(rng, c, 0.2, 0.0)
        equip = (4 if c.role in ("metropole", "pole") else 3 if c.pmun >= 8000
                 else 2 if c.role == "bourg" or c.pmun >= 2500 else 1 if c.canton_seat else 0)
        codes = f"{DEP_CODE}000, {DEP_CODE}100" if c.role == "metropole" else c.postcode
        rows.append([
            c.code, c.libelle, c.name.base, c.name.a, c.name.de, slug(c.libelle), strip_accents(c.libelle).upper(),
            "COM", "commune", REG_CODE, REG_NAME, DEP_CODE, DEP_NAME, c.canton, t.canton_names[c.canton],
            c.epci, t.epci_names[c.epci], "", "", c.postcode, codes, c.ze, t.ze_centres[c.ze], "", "", "", "", "",
            c.pmun, ha, max(1, round(km2)), round(density), alt, alt_min, alt_max, round(mlat, 5), round(mlon, 5),
            c.lat, c.lon, level, DENSITY_LABELS[level], equip if equip else "", EQUIPMENT_LABELS.get(equip, ""),
            "", "", "",
        ])
    return rows


# ----------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------


def _write(out_dir: Path, rel: str, rows: list[list], quoting: int = csv.QUOTE_MINIMAL) -> int:
    sep, eol, encoding = FILES[rel]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=sep, lineterminator=eol, quoting=quoting)
    writer.writerow(HEADERS[rel])
    writer.writerows(rows)
    path = out_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode(encoding))
    return len(rows)


def _fs_field(value) -> str:
    """ANCT list: strings quoted (quotes doubled), numbers bare, empty fields empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + str(value).replace('"', '""') + '"'


def _write_fs(out_dir: Path, rel: str, rows: list[list]) -> int:
    lines = [",".join(_fs_field(v) for v in FS_HEADER)]
    lines += [",".join(_fs_field(v) for v in row) for row in rows]
    path = out_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return len(rows)


def _r6(x: float) -> float:
    return round(x + 0.0, 6)


def write_mirror(out_dir: Path, seed: int = 2024) -> tuple[dict, dict[str, int]]:
    """Write the demo mirror under ``out_dir``; return (truth, {relative path: data rows})."""
    out_dir = Path(out_dir)
    root = random.Random(seed)
    r_geo, r_places, r_fs, r_flows, r_grants, r_surveys, r_rows, r_ids = (
        random.Random(root.getrandbits(64)) for _ in range(8))
    ids = IdFactory(r_ids)

    t = build_territory(r_geo, ids)
    check_min_distance(t.communes)
    places = build_places(r_places, t)
    fs_list = build_france_services(r_fs, t)
    flows = build_flows(r_flows, t)
    grants = build_grants(r_grants, t, places, ids)
    surveys = build_surveys(r_surveys, places, ids)

    written: dict[str, int] = {}
    cog = []
    for c in t.communes:
        cog.append(["COM", c.code, REG_CODE, DEP_CODE, DEP_CODE + "D", c.arr, c.name.tncc, c.name.ncc, c.name.base,
                    c.libelle, c.canton, ""])
    for code, name, parent in t.comd:
        cog.append(["COMD", code, "", "", "", "", name.tncc, name.ncc, name.base, name.libelle, "", parent])
    written["insee/v_commune_2024.csv"] = _write(out_dir, "insee/v_commune_2024.csv", cog)

    pop = [[REG_CODE, REG_NAME, DEP_CODE, c.arr[-1], c.canton[-2:], c.code[2:], c.libelle, c.pmun, c.pcap,
            c.pmun + c.pcap] for c in t.communes]
    written["insee/donnees_communes.csv"] = _write(out_dir, "insee/donnees_communes.csv", pop)
    written["datagouv/communes-france-2025.csv"] = _write(
        out_dir, "datagouv/communes-france-2025.csv", communes_france_rows(r_rows, t), csv.QUOTE_NONNUMERIC)
    written["anct/CGET_TiersLieux_2019.csv"] = _write(out_dir, "anct/CGET_TiersLieux_2019.csv",
                                                      inventory_rows(r_rows, t, places))
    written["anct/liste-fs-20240801.csv"] = _write_fs(out_dir, "anct/liste-fs-20240801.csv",
                                                      [fs.row for fs in fs_list])
    written["insee/base-flux-mobilite-domicile-lieu-travail-2020.csv"] = _write(
        out_dir, "insee/base-flux-mobilite-domicile-lieu-travail-2020.csv",
        [[o.code, o.libelle, d.code, d.libelle, v] for o, d, v in flows])
    written["subventions/subventions-2024.csv"] = _write(out_dir, "subventions/subventions-2024.csv", [
        [g.funder, g.funder_id, g.date, g.ref, g.beneficiary, g.beneficiary_id, g.purpose,
         f"{g.cents // 100}.{g.cents % 100:02d}", "aide en numéraire", g.conditions, g.period, "", "non", g.share]
        for g in grants])
    for year, rows in surveys.items():
        written[f"enquetes/enquete_{year}.csv"] = _write(out_dir, f"enquetes/enquete_{year}.csv", rows)
    written.update(__import__("ingest.demo.attendance", fromlist=["_"]).write_attendance(out_dir, seed))

    ref_truth, ref_written = write_referential(out_dir, t, places, seed, DEP_CODE, DEP_NAME, REG_CODE, REG_NAME, ids)
    written.update(ref_written)

    truth = _truth(t, places, fs_list, flows, grants, surveys)
    truth["referential"] = ref_truth
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                        encoding="utf-8")
    return truth, written


def generate(out_dir: Path, seed: int = 2024) -> dict:
    """Write the demo mirror under ``out_dir`` and return the truth (also written as truth.json)."""
    return write_mirror(out_dir, seed)[0]


def _truth(t: Territory, places, fs_list, flows, grants, surveys) -> dict:
    epcis = sorted(t.epci_names)
    pop_by_epci = {e: sum(c.pmun for c in t.communes if c.epci == e) for e in epcis}

    places_by_epci = {e: {"coworking": 0, "fablab": 0, "non_renseigne": 0, "total": 0} for e in epcis}
    for p in places:
        key = "coworking" if p.typo == TYPO_COWORKING else "fablab" if p.typo == TYPO_FABLAB else "non_renseigne"
        places_by_epci[p.commune.epci][key] += 1
        places_by_epci[p.commune.epci]["total"] += 1

    fs_by_canton = {k: {"principal": 0, "antenne": 0, "total": 0} for k in t.canton_names}
    for fs in fs_list:
        fs_by_canton[fs.commune.canton][fs.kind.lower()] += 1
        fs_by_canton[fs.commune.canton]["total"] += 1

    active = {e: [] for e in epcis}
    out_commune = {e: [] for e in epcis}
    out_epci = {e: [] for e in epcis}
    for o, d, v in flows:
        value = float(v)
        active[o.epci].append(value)
        if d.code != o.code:
            out_commune[o.epci].append(value)
        if d.epci != o.epci:
            out_epci[o.epci].append(value)

    by_funder: dict[str, int] = {}
    to_places = {e: 0 for e in epcis}
    for g in grants:
        by_funder[g.funder] = by_funder.get(g.funder, 0) + g.cents
        if g.place is not None:
            to_places[g.place.commune.epci] += g.cents

    survey_truth = {}
    place_by_ref = {f"TL2019-{p.id}": p for p in places}
    for year, rows in surveys.items():
        visitors = {e: 0 for e in epcis}
        for r in rows:
            visitors[place_by_ref[r[1]].commune.epci] += int(r[13])
        survey_truth[year] = {"respondents": len(rows), "visitors_per_week_by_epci": visitors,
                              "desks_total": sum(int(r[10]) for r in rows)}

    return {
        "territory": {"name": TERRITORY_NAME, "departement": DEP_CODE, "departement_name": DEP_NAME,
                      "region": REG_CODE, "region_name": REG_NAME},
        "n_communes": len(t.communes),
        "population_total": sum(c.pmun for c in t.communes),
        "population_by_epci": pop_by_epci,
        "epci": {e: t.epci_names[e] for e in epcis},
        "cantons": dict(t.canton_names),
        "places_by_epci": places_by_epci,
        "n_places": len(places),
        "france_services_by_canton": fs_by_canton,
        "cantons_without_france_services": sorted(k for k, v in fs_by_canton.items() if v["total"] == 0),
        "n_france_services": len(fs_list),
        "flows": {
            "active_residents_by_epci": {e: _r6(math.fsum(active[e])) for e in epcis},
            "commuters_out_of_commune_by_epci": {e: _r6(math.fsum(out_commune[e])) for e in epcis},
            "commuters_out_of_epci": {e: _r6(math.fsum(out_epci[e])) for e in epcis},
        },
        "grants": {
            "n_rows": len(grants),
            "total_amount": round(sum(g.cents for g in grants) / 100, 2),
            "amount_by_funder": {k: round(v / 100, 2) for k, v in sorted(by_funder.items())},
            "amount_to_places_by_epci": {e: round(v / 100, 2) for e, v in to_places.items()},
            "n_grants_to_places": sum(1 for g in grants if g.place is not None),
        },
        "surveys": survey_truth,
        "sentinel_places": [{"id": p.id, "insee_com": p.commune.code}
                            for p in sorted((p for p in places if p.sentinel), key=lambda p: int(p.id))],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Génère le territoire fictif de démonstration (miroir local).")
    parser.add_argument("--out", default="data/mirror/demo", help="dossier de sortie (data/mirror/demo)")
    parser.add_argument("--seed", type=int, default=2024, help="graine du générateur (2024)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    _, written = write_mirror(out, seed=args.seed)
    for rel, n in written.items():
        print(f"{out / rel}\t{n}")
    print(f"total\t{sum(written.values())} lignes dans {len(written)} fichiers (+ {out / 'truth.json'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
