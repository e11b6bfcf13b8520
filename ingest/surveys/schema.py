"""The observatory's survey schema: one declaration per field of the questionnaire.

Everything else about surveys is generated from :data:`FIELDS`: the blank XLSX template
(:mod:`ingest.surveys.template`), the importer's validation (:mod:`ingest.surveys.validate`), the
column names of ``raw.surveys`` and the Markdown documentation (``docs/enquete_schema.md``, written by
``python -m ingest.surveys.schema docs/enquete_schema.md``).

A field has a technical ``code`` (the column of ``raw.surveys``, also accepted as a header), a French
``label`` (the header of the template and the name used in the reports sent back to the places), a
``unit``, a ``kind`` (text, integer, decimal, year, choice, multi, siret, commune, postcode), its allowed
values or range, and whether it is required. Coherence rules between fields are listed in
:data:`COHERENCE_RULES` and applied by the validator.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("text", "integer", "decimal", "year", "choice", "multi", "siret", "commune", "postcode")


@dataclass(frozen=True)
class Field:
    code: str
    label: str
    kind: str
    unit: str = ""
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()           # allowed values (stored as written here)
    synonyms: dict[str, str] = field(default_factory=dict)  # other spellings -> one of choices
    group: str = ""
    help: str = ""

    @property
    def header(self) -> str:
        """The template's column header: the French label, with its unit."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


PLACE_TYPES = ("coworking", "fablab", "atelier partagé", "tiers-lieu culturel", "tiers-lieu social",
               "tiers-lieu nourricier", "campus connecté", "micro-folie", "autre")
LEGAL_STATUSES = ("association", "SCIC", "SCOP", "SAS", "SARL", "entreprise individuelle", "collectivité",
                  "établissement public", "autre")
ACTIVITIES = ("coworking", "fabrication numérique", "atelier partagé", "culture", "action sociale et solidaire",
              "alimentation", "formation", "services au public", "médiation numérique", "accueil d'entreprises",
              "autre")
SERVICES = ("France Services", "médiation numérique", "conseiller numérique", "espace public numérique",
            "micro-folie", "campus connecté", "fabrique de territoire", "manufacture de proximité", "autre")
PLACE_STATUSES = ("ouvert", "en projet", "fermé")
PUBLICS = ("tout public", "indépendants et entrepreneurs", "salariés en télétravail", "étudiants",
           "demandeurs d'emploi", "jeunes", "seniors", "associations", "scolaires", "autre")
ACCESSIBILITY = ("oui", "partielle", "non")
#: revenue by activity (€ per year): field code suffix -> French label
REVENUE_ACTIVITIES = (("location", "location d'espaces et de postes"), ("evenements", "événements"),
                      ("formation", "formation"), ("services", "prestations de services"),
                      ("subventions", "subventions"))
FUNDERS = (("etat", "État"), ("region", "Région"), ("departement", "Département"), ("epci", "EPCI"),
           ("commune", "Commune"), ("europe", "Europe"), ("autre", "Autre financeur public"))

FIELDS: tuple[Field, ...] = (
    # --- Vague et identité du lieu
    Field("annee", "Année de l'enquête", "year", required=True, minimum=2000, maximum=2100, group="Vague",
          help="Année de la vague d'enquête (une vague par an). Quand la colonne manque : l'année du nom du "
               "fichier (une réponse envoyée une autre année est signalée), sinon celle de l'horodatage de la "
               "réponse ; un fichier dont toutes les réponses datées sont d'une autre année que celle de son nom "
               "est refusé en entier."),
    Field("identifiant_lieu", "Identifiant du lieu", "text", group="Identité du lieu",
          help="Pré-rempli par l'observatoire (ex. TL2019-123) ; laisser vide pour un nouveau lieu."),
    Field("nom_lieu", "Nom du lieu", "text", required=True, group="Identité du lieu"),
    Field("adresse", "Adresse", "text", group="Identité du lieu"),
    Field("code_postal", "Code postal", "postcode", group="Identité du lieu"),
    Field("code_commune", "Code commune INSEE", "commune", required=True, group="Identité du lieu",
          help="5 caractères (ex. 01053, 2A004) ; un zéro initial perdu par le tableur est rétabli."),
    Field("commune", "Commune", "text", group="Identité du lieu"),
    Field("siret", "SIRET de la structure", "siret", group="Identité du lieu",
          help="14 chiffres ; sert à reconnaître le lieu d'une vague à l'autre."),
    Field("latitude", "Latitude", "decimal", unit="degrés", minimum=-90, maximum=90, group="Identité du lieu"),
    Field("longitude", "Longitude", "decimal", unit="degrés", minimum=-180, maximum=180, group="Identité du lieu"),
    Field("annee_ouverture", "Année d'ouverture", "year", minimum=1900, maximum=2100, group="Identité du lieu",
          help="Ne peut pas être postérieure à l'année de l'enquête, sauf pour un lieu en projet (année prévue)."),
    Field("statut_lieu", "Statut du lieu", "choice", choices=PLACE_STATUSES, group="Identité du lieu",
          synonyms={"ouverte": "ouvert", "en activite": "ouvert", "en fonctionnement": "ouvert", "actif": "ouvert",
                    "projet": "en projet", "en cours de creation": "en projet", "en creation": "en projet",
                    "en preparation": "en projet", "en construction": "en projet", "a venir": "en projet",
                    "pas encore ouvert": "en projet", "ferme": "fermé", "fermee": "fermé",
                    "ferme definitivement": "fermé", "fermee definitivement": "fermé", "cesse": "fermé",
                    "cessation d activite": "fermé", "dissous": "fermé", "n existe plus": "fermé"},
          help="Ouvert, en projet (pas encore ouvert au public) ou fermé (définitivement) à la date de la vague."),
    Field("statut_juridique", "Statut juridique", "choice", choices=LEGAL_STATUSES, group="Identité du lieu",
          synonyms={"asso": "association", "association loi 1901": "association", "loi 1901": "association",
                    "sas u": "SAS", "sasu": "SAS", "eurl": "SARL", "scic sas": "SCIC", "scic sarl": "SCIC",
                    "commune": "collectivité", "collectivite territoriale": "collectivité",
                    "mairie": "collectivité", "ei": "entreprise individuelle", "micro entreprise":
                    "entreprise individuelle", "auto entrepreneur": "entreprise individuelle",
                    "epci": "collectivité", "public": "établissement public"}),
    Field("type_lieu", "Type de lieu (principal)", "choice", choices=PLACE_TYPES, group="Activités",
          synonyms={"co working": "coworking", "espace de coworking": "coworking", "fab lab": "fablab",
                    "makerspace": "fablab", "hackerspace": "fablab", "atelier": "atelier partagé",
                    "ateliers partages": "atelier partagé", "tiers lieu culturel": "tiers-lieu culturel",
                    "culturel": "tiers-lieu culturel", "tiers lieu social": "tiers-lieu social",
                    "social": "tiers-lieu social", "tiers lieux a dominante coworking": "coworking",
                    "tiers lieux a dominante fablab": "fablab", "nourricier": "tiers-lieu nourricier",
                    "microfolie": "micro-folie", "micro folie": "micro-folie"}),
    Field("types_activite", "Types d'activité", "multi", choices=ACTIVITIES, group="Activités",
          help="Plusieurs valeurs possibles, séparées par « ; »."),
    Field("services", "Services proposés", "multi", choices=SERVICES, group="Activités",
          synonyms={"fs": "France Services", "maison france services": "France Services",
                    "cnfs": "conseiller numérique", "conseiller numerique france services": "conseiller numérique",
                    "epn": "espace public numérique", "inclusion numerique": "médiation numérique",
                    "mediation": "médiation numérique"},
          help="Plusieurs valeurs possibles, séparées par « ; »."),
    # --- Capacité et fréquentation
    Field("surface_m2", "Surface", "decimal", unit="m²", minimum=1, maximum=100_000, group="Capacité et fréquentation"),
    Field("postes_travail", "Postes de travail", "integer", unit="postes", minimum=0, maximum=5_000,
          group="Capacité et fréquentation", help="Au plus un poste pour 4 m² de surface."),
    Field("heures_ouverture_semaine", "Heures d'ouverture par semaine", "decimal", unit="heures", minimum=0,
          maximum=168, group="Capacité et fréquentation"),
    Field("adherents", "Adhérents ou membres", "integer", unit="personnes", minimum=0, maximum=100_000,
          group="Capacité et fréquentation"),
    Field("visiteurs_semaine", "Visiteurs par semaine", "integer", unit="personnes", minimum=0, maximum=100_000,
          group="Capacité et fréquentation"),
    Field("evenements_an", "Événements par an", "integer", unit="événements", minimum=0, maximum=10_000,
          group="Capacité et fréquentation"),
    Field("capacite_accueil", "Capacité d'accueil", "integer", unit="personnes", minimum=0, maximum=100_000,
          group="Capacité et fréquentation",
          help="Nombre de personnes que le lieu peut accueillir en même temps (sécurité incendie)."),
    Field("accessibilite_pmr", "Accessibilité aux personnes à mobilité réduite", "choice", choices=ACCESSIBILITY,
          group="Capacité et fréquentation",
          synonyms={"accessible": "oui", "totale": "oui", "complete": "oui", "pmr": "oui", "en partie": "partielle",
                    "partiel": "partielle", "partiellement": "partielle", "rez de chaussee seulement": "partielle",
                    "non accessible": "non", "inaccessible": "non"},
          help="oui : tout le lieu ; partielle : une partie des espaces (ex. rez-de-chaussée) ; non."),
    Field("publics", "Publics accueillis", "multi", choices=PUBLICS, group="Capacité et fréquentation",
          synonyms={"tous publics": "tout public", "grand public": "tout public", "independants": "indépendants et "
                    "entrepreneurs", "entrepreneurs": "indépendants et entrepreneurs", "freelances":
                    "indépendants et entrepreneurs", "teletravailleurs": "salariés en télétravail",
                    "salaries": "salariés en télétravail", "etudiants": "étudiants", "chomeurs": "demandeurs d'emploi",
                    "demandeurs d emploi": "demandeurs d'emploi", "personnes agees": "seniors",
                    "retraites": "seniors", "ecoles": "scolaires", "eleves": "scolaires"},
          help="Plusieurs valeurs possibles, séparées par « ; »."),
    # --- Moyens
    Field("etp", "Salariés", "decimal", unit="ETP", minimum=0, maximum=1_000, group="Moyens"),
    Field("chiffre_affaires_eur", "Chiffre d'affaires ou budget annuel", "decimal", unit="€", minimum=0,
          maximum=100_000_000, group="Moyens"),
    Field("part_financement_public_pct", "Part de financement public", "decimal", unit="%", minimum=0, maximum=100,
          group="Moyens", help="Part du budget venant de financements publics, tous financeurs confondus."),
    *(Field(f"part_{code}_pct", f"Part de financement : {label}", "decimal", unit="%", minimum=0, maximum=100,
            group="Moyens") for code, label in FUNDERS),
    # --- Modèle économique
    Field("prix_poste_mois_eur", "Prix d'un poste de travail par mois", "decimal", unit="€", minimum=0, maximum=5_000,
          group="Modèle économique",
          help="Tarif d'un poste de travail (bureau partagé) pour un mois, hors taxes, au tarif public."),
    *(Field(f"recettes_{code}_eur", f"Recettes : {label}", "decimal", unit="€", minimum=0, maximum=100_000_000,
            group="Modèle économique", help="Montant annuel, sur le même exercice que le chiffre d'affaires.")
      for code, label in REVENUE_ACTIVITIES),
)

BY_CODE: dict[str, Field] = {f.code: f for f in FIELDS}
FUNDER_FIELDS: tuple[str, ...] = tuple(f"part_{code}_pct" for code, _ in FUNDERS)
REVENUE_FIELDS: tuple[str, ...] = tuple(f"recettes_{code}_eur" for code, _ in REVENUE_ACTIVITIES)

COHERENCE_RULES: tuple[tuple[str, str], ...] = (
    ("postes_travail", "Postes de travail <= surface / 4 (au moins 4 m² par poste) : sinon ligne en quarantaine."),
    ("annee_ouverture", "Année d'ouverture <= année de l'enquête : sinon ligne en quarantaine (sauf pour un lieu "
                        "« en projet », dont c'est l'année d'ouverture prévue)."),
    ("statut_lieu", "Statut « en projet » et année d'ouverture antérieure à l'année de l'enquête : avertissement "
                    "(valeurs conservées, à vérifier : le lieu a-t-il ouvert ?)."),
    ("part_financement_public_pct", "Somme des parts par financeur <= 100 % : sinon ligne en quarantaine ; "
                                    "quand la part totale manque elle vaut cette somme (avertissement) ; quand les "
                                    "deux diffèrent de plus d'un point, avertissement."),
    ("chiffre_affaires_eur", "Somme des recettes par activité <= chiffre d'affaires (à 1 % près) : sinon ligne en "
                             "quarantaine ; quand le chiffre d'affaires manque, il reste vide et les recettes "
                             "sont conservées (avertissement)."),
)

FREE_TEXT_RULES = """\
- Nombres écrits en toutes lettres ou approximatifs : « env. 30 », « environ 30 », « ~30 », « 30 environ »,
  « plus de 30 », « > 30 » -> 30 (avertissement « valeur approximative ») ;
- Intervalles « 30-40 », « 30 à 40 », « entre 30 et 40 » -> 35, le milieu de l'intervalle (avertissement) ;
  un entier attendu et un milieu non entier (« 3-4 ») -> arrondi à l'entier le plus proche ;
- Unités : l'unité attendue est retirée (« 120 m2 », « 1,5 ETP », « 45 000 € », « 30 % ») ; « k€ » multiplie par
  1 000 (avertissement) ; une autre unité (« 120 € » pour une surface) est une erreur ;
- Séparateurs : virgule décimale (« 1,5 ») et espaces de milliers (« 45 000 ») acceptés ;
- Valeurs vides ou non communiquées (« », « - », « NC », « ? », « ne sait pas », « n/a ») -> vide ; un champ
  obligatoire vide met la ligne en quarantaine ;
- Un entier attendu et un décimal donné (« 12,5 » visiteurs) -> arrondi (avertissement) ;
- Choix : casse, accents et synonymes tolérés (« asso » -> association) ; une valeur hors liste devient « autre »
  (avertissement) ;
- Doublons dans une vague : deux lignes identiques -> la seconde en quarantaine ; un même lieu (même identifiant,
  même SIRET, ou même nom dans la même commune) qui répond deux fois à la même vague -> la dernière réponse est
  retenue, la précédente en quarantaine avec la référence de la ligne retenue. Un lieu qui répond à plusieurs
  vagues garde une réponse par vague, rapprochées d'une vague à l'autre.
- Exports des outils de formulaire (`config/survey_mappings/`) : une réponse jamais validée (LimeSurvey :
  `submitdate` vide) ou un brouillon (Framaforms : `Draft` = 1) est mis en quarantaine ; les lignes de titre
  au-dessus des intitulés (Framaforms : titre du formulaire, « Submission Details ») sont sautées ; une question à
  choix multiples exportée en une colonne par option (« X » sous chaque option cochée) est réunie en un champ ;
  une colonne technique de l'outil (« Adresse e-mail », « Adresse IP ») n'est jamais lue comme l'adresse du lieu ;
  un intitulé rapproché d'un champ par son seul début ou sa fin est signalé dans le rapport ;
- Fichiers abîmés, refusés en entier avec un message qui nomme le fichier déposé : CSV tronqué (dernière ligne
  sans fin de ligne), classeur XLSX tronqué ou protégé, classeur Excel 97-2003 (.xls), fichier d'une autre année
  renommé pour cette vague ; des cellules vides après la dernière colonne (« ; » final d'un tableur) sont sans effet.
"""


def describe(f: Field) -> str:
    """Allowed values or range of a field, in French."""
    if f.kind in ("choice", "multi"):
        return ("une valeur parmi : " if f.kind == "choice" else "une ou plusieurs valeurs parmi : ") + \
            ", ".join(f.choices)
    if f.kind == "siret":
        return "14 chiffres"
    if f.kind == "commune":
        return "code INSEE à 5 caractères (chiffres, ou 2A/2B + 3 chiffres)"
    if f.kind == "postcode":
        return "5 chiffres"
    if f.minimum is not None or f.maximum is not None:
        kind = {"integer": "entier", "year": "année", "decimal": "nombre"}[f.kind]
        if f.kind == "year":
            return f"année de {int(f.minimum)} à {int(f.maximum)}"
        return f"{kind} de {_fmt(f.minimum)} à {_fmt(f.maximum)}"
    return "texte libre"


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}".replace(",", "\u202f") if float(x).is_integer() else str(x)


KIND_LABELS = {"text": "texte", "integer": "entier", "decimal": "nombre", "year": "année", "choice": "liste",
               "multi": "liste (plusieurs)", "siret": "SIRET", "commune": "code INSEE", "postcode": "code postal"}


def markdown() -> str:
    """The schema as a Markdown document (French, for the observatory team and the places)."""
    out = ["# Enquête annuelle de l'observatoire : schéma des réponses", "",
           "Généré par `python -m ingest.surveys.schema docs/enquete_schema.md` à partir de "
           "`ingest/surveys/schema.py` (ne pas modifier à la main). Une ligne par lieu et par vague ; "
           "le modèle XLSX (`make template`) a une colonne par champ, dans cet ordre.", ""]
    group = None
    for f in FIELDS:
        if f.group != group:
            group = f.group
            out += ["", f"## {group}", "",
                    "| colonne (`raw.surveys`) | libellé | unité | type | valeurs admises | obligatoire | aide |",
                    "| --- | --- | --- | --- | --- | --- | --- |"]
        out.append(f"| `{f.code}` | {f.label} | {f.unit} | {KIND_LABELS[f.kind]} | {describe(f)} | "
                   f"{'oui' if f.required else ''} | {f.help} |")
    out += ["", "## Contrôles de cohérence", ""] + [f"- {text}" for _, text in COHERENCE_RULES]
    out += ["", "## Valeurs saisies librement", "", FREE_TEXT_RULES.strip(), ""]
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    text = markdown()
    if target:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"Schéma écrit dans {target}")
    else:
        sys.stdout.write(text)
