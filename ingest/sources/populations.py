"""The source ``populations``: where it is published, its columns and its defects."""

from ingest.contracts import INTEGER, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='populations',
    label='INSEE, populations légales',
    description="INSEE - Populations légales 2022 des communes (donnees_communes.csv de l'archive)",
    publisher='INSEE',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    defects=(
        'Code commune publié en deux colonnes (CODDEP + CODCOM) : recomposé en staging.',
    ),
    locations={
        # Page https://www.insee.fr/fr/statistiques/8290591: a zip of several files; the contract reads donnees_communes.csv.
        'production': ('https://www.insee.fr/fr/statistiques/fichier/8290591/ensemble.zip',),
        'demo': ('{mirror}/insee/donnees_communes.csv',),
        'shared-data': ('{mirror}/insee_cog/donnees_communes.csv',),
    },
    contract=Contract(
        description="INSEE populations légales (code split in CODDEP + CODCOM)",
        columns=(
            _c("CODDEP", "Code département", not_empty=True, pattern=r"\d{2,3}|2[AB]", label="code département"),
            _c("CODCOM", "Code commune", not_empty=True, pattern=r"\d{3}", label="numéro de commune"),
            _c("COM", "Nom de la commune", label="nom de la commune"),
            _c("CODCAN", "Code canton", required=False),
            _c("PMUN", "Population municipale", not_empty=True, pattern=INTEGER, label="population municipale"),
            _c("PCAP", "Population comptée à part", required=False, pattern=INTEGER, label="population comptée à part"),
            _c("PTOT", "Population totale", not_empty=True, pattern=INTEGER, label="population totale"),
        ),
        key=("CODDEP", "CODCOM"),
        # INSEE ships it in ensemble.zip beside donnees_departements.csv, donnees_regions.csv... Older
        # archives (e.g. statistiques/fichier/4265429/ensemble.zip) hold Communes.csv and Departements.csv
        # instead; the copies archived in public repositories have long French headers ("Code département",
        # "Population municipale"...: the aliases) and a ";" at the end of every line.
        member=r"(?i)^(?:donnees_communes|communes)\.csv$",
    ),
)
