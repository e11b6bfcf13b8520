"""Validation of survey answers, field by field and row by row, with French findings.

:func:`clean_value` turns what a place typed into the value kept in ``raw.surveys`` (or ``None``) and
lists what was corrected or refused; :func:`validate_row` applies it to every field of an answer, then
the coherence rules of :mod:`ingest.surveys.schema`. A finding of severity ``erreur`` quarantines the
row; an ``avertissement`` keeps it (the value retained is said in the finding).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass

from ingest.contracts import luhn_ok
from ingest.surveys.schema import BY_CODE, FIELDS, FUNDER_FIELDS, REVENUE_FIELDS, Field

ERROR = "erreur"
WARNING = "avertissement"

BLANKS = {"", "-", "--", "/", "nc", "n c", "n/c", "nr", "?", "??", "na", "n/a", "nsp", "ne sait pas", "inconnu",
          "non communique", "non renseigne", "aucune idee", "x"}
APPROX = re.compile(r"^(?:env(?:iron)?\.?|approx(?:imativement)?\.?|ca\.?|~|±|\+/-|autour de|a peu pres|"
                    r"plus de|moins de|pres de|au moins|au plus|>=?|<=?|≈|>|<)\s*(.+)$")
APPROX_AFTER = re.compile(r"^(.+?)\s*(?:environ|env\.?|approx\.?|et plus|ou plus|\+|maxi?|mini?)$")
RANGE = re.compile(r"^(?:entre\s+|de\s+)?(-?[\d\s.,]+)\s*(?:-|–|—|à|a|et|/|to)\s*(-?[\d\s.,]+)$")
NUMBER = re.compile(r"^-?\d[\d\s\u00a0\u202f]*(?:[.,]\d+)?$|^-?[.,]\d+$")
# unit spellings per expected unit (lower-case, accents stripped)
UNIT_ALIASES = {
    "m²": ("m2", "m²", "m 2", "metres carres", "metre carre", "mc", "m^2", "m carres"),
    "postes": ("postes", "poste", "bureaux", "bureau", "places", "place", "pdt"),
    "heures": ("h", "heures", "heure", "hrs", "hr", "h/semaine", "h/sem", "heures/semaine", "h par semaine",
               "heures par semaine"),
    "personnes": ("personnes", "pers", "pers.", "visiteurs", "adherents", "membres", "p", "/semaine", "par semaine",
                  "visites", "usagers"),
    "événements": ("evenements", "evenement", "events", "/an", "par an", "manifestations"),
    "ETP": ("etp", "e.t.p.", "e.t.p", "fte", "salaries", "salarie", "equivalents temps plein", "equivalent temps plein"),
    "€": ("€", "eur", "euros", "euro", "e", "€ ht", "€ ttc", "euros ht", "euros ttc"),
    "%": ("%", "pourcent", "pour cent", "pct"),
    "degrés": ("°", "deg", "degres"),
}
FOREIGN_UNITS = ("m2", "eur", "euros", "%", "etp", "h", "heures", "km", "ha", "k eur", "keur", "postes", "ans")
MULTI_SEPARATORS = re.compile(r"\s*(?:;|\||\n|,(?!\d)|/| et )\s*")
SIRET = re.compile(r"^\d{14}$")
COMMUNE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
# a text with a digit is not blank: norm keeps the digits 0-9 and no spelling of BLANKS has one
# (test_surveys checks it), so such a text skips norm
DIGIT = re.compile(r"[0-9]")
# compiled once (the validation runs them on every distinct value of a column)
SPACES = re.compile(r"\s+")
NOT_ALNUM = re.compile(r"[^a-z0-9]+")
THOUSAND_EUROS = re.compile(r"(.+?)\s*(k ?eur(?:os?)?|k)$")
MILLION_EUROS = re.compile(r"(.+?)\s*(m ?eur(?:os?)?|millions? d ?eur(?:os?)?)$")
NUMBER_AND_WORD = re.compile(r"(.+?\d)\s*([^\d\s].*)$")
SIRET_SEPARATORS = re.compile(r"[\s.\-\u00a0]")
SCIENTIFIC = re.compile(r"\d[\d,]*[eE]\+?\d+")
FOUR_DIGITS = re.compile(r"\d{4}")
FIVE_DIGITS = re.compile(r"\d{5}")
FIVE_DIGITS_POINT_ZERO = re.compile(r"\d{5}\.0")


@dataclass(frozen=True)
class Finding:
    field: str          # field code ('' for the whole row)
    value: str | None   # what the place wrote
    retained: str | None
    problem: str        # French
    action: str         # French
    severity: str


@functools.lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Lower case, accents stripped, punctuation other than . , % / - ~ < > + collapsed to spaces."""
    text = (text or "").replace("€", " eur").replace("²", "2")
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    t = t.lower().replace("\u2019", "'").replace("'", " ")
    return SPACES.sub(" ", t).strip()


@functools.lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """A matching key: lower case, no accents, only letters and digits separated by one space."""
    return NOT_ALNUM.sub(" ", norm(text)).strip()


def _number(text: str) -> float | None:
    t = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    if not NUMBER.match(t):
        return None
    t = t.replace(" ", "")
    if THOUSANDS_DOT.fullmatch(t):     # 45.000 : thousands separated by points
        t = t.replace(".", "")
    return float(t.replace(",", "."))


def _fmt(x: float, integer: bool) -> str:
    if integer:
        return str(int(round(x)))
    return str(int(x)) if float(x).is_integer() else repr(round(x, 6))


@functools.lru_cache(maxsize=None)
def _unit_aliases(unit: str) -> tuple[tuple[str, str], ...]:
    """(spelling, normalised spelling) of the unit, longest first."""
    return tuple(sorted(((a, norm(a)) for a in UNIT_ALIASES.get(unit, ())), key=lambda x: len(x[1]), reverse=True))


PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
THOUSANDS_DOT = re.compile(r"-?\d{1,3}(?:\.\d{3})+")   # 45.000 : thousands separated by points


def _strip_unit(f: Field, text: str) -> tuple[str, float, str | None, str | None]:
    """(number text, multiplier, unit removed, foreign unit) of a value that may carry a unit."""
    t = norm(text)
    mult = 1.0
    if f.unit == "€":
        m = THOUSAND_EUROS.fullmatch(t)
        if m:
            return m.group(1), 1000.0, "k€", None
        m = MILLION_EUROS.fullmatch(t)
        if m:
            return m.group(1), 1_000_000.0, "M€", None
    for alias, a in _unit_aliases(f.unit):
        if t.endswith(a) and len(t) > len(a):
            head = t[: -len(a)].strip()
            if head and (head[-1].isdigit() or head[-1] in " ."):
                return head.rstrip(" ."), mult, alias, None
    m = NUMBER_AND_WORD.fullmatch(t)
    if m and m.group(2) in FOREIGN_UNITS:
        return m.group(1), mult, None, m.group(2)
    return t, mult, None, None


def clean_number(f: Field, raw: str) -> tuple[str | None, list[Finding]]:
    findings: list[Finding] = []
    integer = f.kind in ("integer", "year")
    if PLAIN_NUMBER.fullmatch(raw) and not THOUSANDS_DOT.fullmatch(raw):   # fast path: a plain number
        value = float(raw.replace(",", "."))
        if (not integer or value.is_integer()) and (f.minimum is None or value >= f.minimum) \
                and (f.maximum is None or value <= f.maximum):
            return _fmt(value, integer), []
    text, mult, unit, foreign = _strip_unit(f, raw)
    if foreign:
        return None, [Finding(f.code, raw, None, f"unité « {foreign} » inattendue (attendu : {f.unit or 'sans unité'})",
                              "ligne mise en quarantaine : corriger la valeur", ERROR)]
    notes = []
    if unit:
        notes.append(f"unité « {f.unit if unit not in ('k€', 'M€') else unit} » retirée" + (" (× 1 000)" if mult == 1000 else " (× 1 000 000)" if mult > 1000 else ""))
    approx = APPROX.match(text) or APPROX_AFTER.match(text)
    if approx:
        inner, _, _, _ = _strip_unit(f, approx.group(1))
        text = inner
        notes.append("valeur approximative")
    value = _number(text)
    if value is None:
        m = RANGE.match(text)
        if m:
            lo, hi = _number(m.group(1)), _number(m.group(2))
            if lo is not None and hi is not None and lo <= hi:
                value = (lo + hi) / 2
                notes.append(f"intervalle {_fmt(lo, False)}-{_fmt(hi, False)} : milieu retenu")
    if value is None:
        return None, [Finding(f.code, raw, None, "valeur non numérique", "ligne mise en quarantaine : corriger la "
                              "valeur", ERROR)]
    value *= mult
    if integer and not float(value).is_integer():
        notes.append("nombre entier attendu : arrondi")
    retained = _fmt(value, integer)
    value = float(retained)
    if (f.minimum is not None and value < f.minimum) or (f.maximum is not None and value > f.maximum):
        return None, [Finding(f.code, raw, None, f"valeur {retained} hors de l'intervalle admis "
                              f"[{_fmt(f.minimum, False)} ; {_fmt(f.maximum, False)}]",
                              "ligne mise en quarantaine : corriger la valeur", ERROR)]
    if notes:
        findings.append(Finding(f.code, raw, retained, " ; ".join(notes), f"valeur retenue : {retained}", WARNING))
    return retained, findings


def _choice(f: Field, item: str) -> str | None:
    k = key(item)
    for c in f.choices:
        if key(c) == k:
            return c
    for syn, target in f.synonyms.items():
        if key(syn) == k:
            return target
    return None


def clean_value(f: Field, raw: str | None) -> tuple[str | None, list[Finding]]:
    """The value retained for field ``f`` and the findings about it."""
    if raw is None or (not DIGIT.search(text := str(raw)) and norm(text) in BLANKS):   # (see DIGIT)
        if f.required:
            return None, [Finding(f.code, raw, None, "valeur obligatoire manquante",
                                  "ligne mise en quarantaine : compléter la valeur", ERROR)]
        if raw is not None and str(raw).strip():
            return None, [Finding(f.code, raw, None, "valeur non communiquée", "laissée vide", WARNING)]
        return None, []
    raw = str(raw).strip()
    if f.kind in ("integer", "decimal", "year"):
        return clean_number(f, raw)
    if f.kind == "siret":
        digits = SIRET_SEPARATORS.sub("", raw)
        if SCIENTIFIC.fullmatch(digits):
            return None, [Finding(f.code, raw, None, "SIRET abîmé par le tableur (notation scientifique)",
                                  "SIRET ignoré : le ressaisir au format texte", WARNING)]
        if not SIRET.match(digits):
            return None, [Finding(f.code, raw, None, "SIRET invalide (14 chiffres attendus)", "SIRET ignoré", WARNING)]
        if not luhn_ok(digits):
            return digits, [Finding(f.code, raw, digits, "clé de contrôle du SIRET incorrecte (faute de frappe ?)",
                                    "SIRET conservé, à vérifier", WARNING)]
        return digits, ([Finding(f.code, raw, digits, "espaces retirés du SIRET", f"valeur retenue : {digits}",
                                 WARNING)] if digits != raw else [])
    if f.kind == "commune":
        code = raw.upper().replace(" ", "")
        if FOUR_DIGITS.fullmatch(code):
            return "0" + code, [Finding(f.code, raw, "0" + code, "zéro initial perdu par le tableur",
                                        f"valeur retenue : 0{code}", WARNING)]
        if FIVE_DIGITS_POINT_ZERO.fullmatch(code):
            code = code[:5]
        if not COMMUNE.match(code):
            return None, [Finding(f.code, raw, None, "code commune INSEE invalide (5 caractères attendus)",
                                  "ligne mise en quarantaine : corriger le code", ERROR)]
        return code, []
    if f.kind == "postcode":
        code = raw.replace(" ", "")
        if FOUR_DIGITS.fullmatch(code):
            code = "0" + code
        if not FIVE_DIGITS.fullmatch(code):
            return None, [Finding(f.code, raw, None, "code postal invalide (5 chiffres attendus)", "laissé vide",
                                  WARNING)]
        return code, []
    if f.kind == "choice":
        c = _choice(f, raw)
        if c is None:
            retained = "autre" if "autre" in f.choices else None
            return retained, [Finding(f.code, raw, retained, "valeur hors de la liste proposée",
                                      f"valeur retenue : {retained}" if retained else "laissée vide", WARNING)]
        return c, ([] if c == raw else [])
    if f.kind == "multi":
        items = [i for i in MULTI_SEPARATORS.split(raw) if i.strip()]
        kept, unknown = [], []
        for item in items:
            c = _choice(f, item)
            if c is None:
                unknown.append(item)
                c = "autre"
            if c not in kept:
                kept.append(c)
        retained = ";".join(kept) if kept else None
        if unknown:
            return retained, [Finding(f.code, raw, retained, "valeur(s) hors de la liste proposée : "
                                      + ", ".join(f"« {u} »" for u in unknown), f"valeur retenue : {retained}", WARNING)]
        return retained, []
    return SPACES.sub(" ", raw), []


def validate_row(values: dict[str, str | None]) -> tuple[dict[str, str | None], list[Finding]]:
    """Clean every field of one answer (``values`` keyed by field code), then check coherence."""
    return validate_rows([values])[0]


def validate_rows(rows: list[dict[str, str | None]]) -> list[tuple[dict[str, str | None], list[Finding]]]:
    """:func:`validate_row` of many answers (see :func:`validate_columns`)."""
    columns = {f.code: [values.get(f.code) for values in rows] for f in FIELDS}
    return list(zip(*validate_columns(columns, len(rows))))


_TEXT = {str, type(None)}


def clean_column(f: Field, raws: list) -> tuple[list[str | None], dict[int, list[Finding]]]:
    """:func:`clean_value` of every value of one column: (the values retained, the findings of the rows
    that have some, by row index). Each distinct text (or None) is cleaned once and the rows that typed
    it share its result (findings are frozen); a value of another type is cleaned on its own."""
    if set(map(type, raws)) <= _TEXT:
        distinct = {raw: clean_value(f, raw) for raw in dict.fromkeys(raws)}
        kept = {raw: retained for raw, (retained, _) in distinct.items()}
        flagged = {raw: found for raw, (_, found) in distinct.items() if found}
        retained = list(map(kept.__getitem__, raws))
        if not flagged:
            return retained, {}
        return retained, {i: flagged[raw] for i, raw in enumerate(raws) if raw in flagged}
    retained, findings = [], {}
    for i, raw in enumerate(raws):
        value, found = clean_value(f, raw)
        retained.append(value)
        if found:
            findings[i] = found
    return retained, findings


class _Typed:
    """What answer ``i`` typed, read from the columns (``get`` as a dictionary keyed by field code)."""

    __slots__ = ("columns", "i")

    def __init__(self, columns: dict[str, list], i: int):
        self.columns, self.i = columns, i

    def get(self, code: str, default=None):
        column = self.columns.get(code)
        return default if column is None else column[self.i]


def validate_columns(columns: dict[str, list], n: int) -> tuple[list[dict[str, str | None]], list[list[Finding]]]:
    """:func:`validate_row` of ``n`` answers given column by column (``columns[code][i]``: what answer
    ``i`` typed for the field, a field without a column being empty): every field cleaned with
    :func:`clean_column`, then the coherence rules per answer. Returns (values retained, findings) per
    answer, the findings of an answer in the order :func:`validate_row` gives them."""
    findings: list[list[Finding]] = [[] for _ in range(n)]
    retained_columns = []
    empty = [None] * n
    for f in FIELDS:
        retained, flagged = clean_column(f, columns.get(f.code, empty))
        retained_columns.append(retained)
        for i, found in flagged.items():
            findings[i] += found
    codes = [f.code for f in FIELDS]
    outs = [dict(zip(codes, retained)) for retained in zip(*retained_columns)]
    for i, (out, found) in enumerate(zip(outs, findings)):
        _check_coherence(_Typed(columns, i), out, found)
    return outs, findings


def _check_coherence(values: "dict[str, str | None] | _Typed", out: dict[str, str | None],
                     findings: list[Finding]) -> None:
    """The coherence rules of one answer (``values`` as typed, read with ``get``; ``out`` as cleaned):
    findings appended, the total public share filled in ``out`` when only the shares per funder were given."""
    def num(code):
        v = out.get(code)
        return float(v) if v is not None else None

    surface, desks = num("surface_m2"), num("postes_travail")
    if surface is not None and desks is not None and desks > surface / 4:
        findings.append(Finding("postes_travail", values.get("postes_travail"), None,
                                f"{_fmt(desks, True)} postes pour {_fmt(surface, False)} m² : plus d'un poste pour "
                                f"4 m² (au plus {math.floor(surface / 4)} postes)",
                                "ligne mise en quarantaine : vérifier la surface et le nombre de postes", ERROR))
    wave, opened = num("annee"), num("annee_ouverture")
    project = out.get("statut_lieu") == "en projet"
    if wave is not None and opened is not None and opened > wave and not project:
        findings.append(Finding("annee_ouverture", values.get("annee_ouverture"), None,
                                f"année d'ouverture {int(opened)} postérieure à l'année de l'enquête {int(wave)}",
                                "ligne mise en quarantaine : corriger l'année", ERROR))
    if wave is not None and opened is not None and opened < wave and project:
        findings.append(Finding("statut_lieu", values.get("statut_lieu"), "en projet",
                                f"lieu « en projet » qui déclare une année d'ouverture passée ({int(opened)}, "
                                f"enquête {int(wave)})", "valeurs conservées, à vérifier : le lieu a-t-il ouvert ?",
                                WARNING))
    shares = [num(c) for c in FUNDER_FIELDS]
    given = [s for s in shares if s is not None]
    if given:
        total = sum(given)
        public = num("part_financement_public_pct")
        if total > 100.0001:
            findings.append(Finding("part_financement_public_pct", ", ".join(
                f"{BY_CODE[c].label.split(' : ')[1]} {_fmt(s, False)} %" for c, s in zip(FUNDER_FIELDS, shares)
                if s is not None), None, f"la somme des parts de financement par financeur dépasse 100 % "
                f"({_fmt(total, False)} %)", "ligne mise en quarantaine : corriger les parts", ERROR))
        elif public is None:
            out["part_financement_public_pct"] = _fmt(total, False)
            findings.append(Finding("part_financement_public_pct", None, out["part_financement_public_pct"],
                                    "part de financement public totale non renseignée",
                                    f"valeur retenue : somme des parts par financeur ({_fmt(total, False)} %)",
                                    WARNING))
        elif abs(public - total) > 1:
            findings.append(Finding("part_financement_public_pct", values.get("part_financement_public_pct"),
                                    out["part_financement_public_pct"],
                                    f"la part totale ({_fmt(public, False)} %) diffère de la somme des parts par "
                                    f"financeur ({_fmt(total, False)} %)", "valeur conservée, à vérifier", WARNING))
    revenues = [(c, num(c)) for c in REVENUE_FIELDS]
    declared = [(c, r) for c, r in revenues if r is not None]
    if declared:
        total, turnover = sum(r for _, r in declared), num("chiffre_affaires_eur")
        if turnover is None:
            findings.append(Finding("chiffre_affaires_eur", values.get("chiffre_affaires_eur"), None,
                                    f"recettes par activité déclarées ({_fmt(total, False)} € au total) sans chiffre "
                                    "d'affaires", "chiffre d'affaires laissé vide, recettes conservées : compléter "
                                    "le chiffre d'affaires", WARNING))
        elif total > turnover * 1.01 + 1:
            detail = ", ".join(f"{BY_CODE[c].label.split(' : ')[1]} {_fmt(r, False)} €" for c, r in declared)
            findings.append(Finding("chiffre_affaires_eur", detail, None,
                                    f"la somme des recettes par activité ({_fmt(total, False)} €) dépasse le chiffre "
                                    f"d'affaires ({_fmt(turnover, False)} €)",
                                    "ligne mise en quarantaine : vérifier le chiffre d'affaires et les recettes", ERROR))
