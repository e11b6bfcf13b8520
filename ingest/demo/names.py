"""Names and identifiers of the synthetic territories: French-like commune names with their COG article
codes, text normalisation as the warehouse does it, and fictional SIREN/SIRET numbers that fail their Luhn
check (so none can be a real company). Shared by both scales."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

import numpy as np

# ----------------------------------------------------------------------------------------------
# Text
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


def fmt_decimal(value: float, decimals: int) -> str:
    """A decimal with '.' and at most ``decimals`` decimals, trailing zeros dropped ("12.5", "3")."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# ----------------------------------------------------------------------------------------------
# Fictional identifiers
# ----------------------------------------------------------------------------------------------


def luhn_fails(digits: np.ndarray) -> np.ndarray:
    """For each row of digits (a 2-D integer array), True when the number fails the Luhn check."""
    rev = digits[:, ::-1].copy()
    doubled = rev[:, 1::2] * 2
    rev[:, 1::2] = np.where(doubled > 9, doubled - 9, doubled)
    return rev.sum(axis=1) % 10 != 0


def luhn_valid(digits: str) -> bool:
    return not bool(luhn_fails(np.array([[int(c) for c in digits]], dtype=np.int64))[0])


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


def fictional_ids(rng: np.random.Generator, n: int, length: int, prefix: str = "") -> list[str]:
    """``n`` distinct digit strings that fail the Luhn check (so no real SIREN/SIRET), drawn in bulk."""
    out: list[str] = []
    seen: set[str] = set()
    body = length - len(prefix)
    while len(out) < n:
        m = 2 * (n - len(out)) + 16
        digits = rng.integers(0, 10, size=(m, body))
        if not prefix:
            digits[:, 0] = rng.integers(1, 10, size=m)
        full = np.column_stack([np.tile(np.array([int(c) for c in prefix], dtype=np.int64), (m, 1)), digits]) \
            if prefix else digits
        for row in full[luhn_fails(full)]:
            s = "".join(map(str, row))
            if s not in seen:
                seen.add(s)
                out.append(s)
                if len(out) == n:
                    break
    return out


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

