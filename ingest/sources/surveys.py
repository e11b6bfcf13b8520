"""The source ``surveys``: where it is published, its columns and its defects."""

from ingest.contracts import DECIMAL, INSEE_COMMUNE, INTEGER, SIRET, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='surveys',
    label="Enquête de l'observatoire",
    description="Enquête annuelle de l'observatoire (fichiers déposés dans la boîte de réception)",
    publisher='Observatoire',
    licence="Données de l'observatoire (réponses des lieux)",
    cadence='inbox',
    optional="aucune enquête reçue pour l'instant : les indicateurs de fréquentation ne sont pas calculés",
    loader='ingest.surveys.importer:load',
    extra_tables={"surveys_report": (
        "Une ligne par constat de l'import des enquêtes : fichier, ligne, vague, lieu, champ, colonne, valeur lue, "
        "valeur retenue, problème, action, gravité (erreur = ligne mise en quarantaine dans raw.surveys_rejects, "
        "avertissement = ligne gardée). Aussi écrit par fichier dans reports/enquetes/rapport_<fichier>.csv / .xlsx.")},
    locations={
        'production': ('data/inbox/enquete_2024.csv',),
        'demo': ('{mirror}/enquetes/enquete_2024.csv', '{mirror}/enquetes/enquete_2025.csv'),
        # No real survey is public: ../shared/data is read with the blank questionnaire (header only).
        'shared-data': ('config/templates/enquete_modele.csv',),
    },
    contract=Contract(
        description="The observatory's annual questionnaire (one row per place and wave); minimal layout, the "
                    "loader is ingest.surveys.importer (schema ingest/surveys/schema.py)",
        columns=(
            _c("annee", not_empty=True, pattern=r"\d{4}", label="année de l'enquête"),
            _c("identifiant_lieu", required=False),
            _c("nom_lieu", not_empty=True, label="nom du lieu"),
            _c("siret", required=False, pattern=SIRET, label="SIRET"),
            _c("code_commune", not_empty=True, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("type_lieu", required=False),
            _c("surface_m2", required=False, pattern=DECIMAL, label="surface (m²)"),
            _c("postes_travail", required=False, pattern=INTEGER, label="postes de travail"),
            _c("adherents", required=False, pattern=INTEGER, label="adhérents"),
            _c("visiteurs_semaine", required=False, pattern=INTEGER, label="visiteurs par semaine"),
            _c("evenements_an", required=False, pattern=INTEGER, label="événements par an"),
            _c("etp", required=False, pattern=DECIMAL, label="salariés (ETP)"),
            _c("chiffre_affaires_eur", required=False, pattern=DECIMAL, label="chiffre d'affaires"),
            _c("part_financement_public_pct", required=False, pattern=DECIMAL, label="part de financement public"),
        ),
        # No key: the loader registered for "surveys" (ingest.surveys.importer) quarantines duplicates
        # itself (same identifier, else same SIRET or name in the commune, in one wave); two places may
        # share a name in one commune, and answers of places "recensés localement" have no identifier.
    ),
)
