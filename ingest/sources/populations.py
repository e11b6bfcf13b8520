"""The source ``populations``: where it is published, its columns and its defects."""

from ingest.contracts import INSEE_COMMUNE, INTEGER, Contract, Vintage, _c
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
        "Depuis le millésime 2021, « COM » est le code commune et le nom est dans « Commune » (avant : « COM » "
        "était le nom) : le millésime est reconnu à l'en-tête, le code est gardé dans CODGEO et le nom dans COM.",
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
            _c("CODGEO", required=False, pattern=INSEE_COMMUNE, label="code commune INSEE (millésimes 2021 et suivants)"),
            _c("CODCAN", "Code canton", required=False),
            _c("PMUN", "Population municipale", not_empty=True, pattern=INTEGER, label="population municipale"),
            _c("PCAP", "Population comptée à part", required=False, pattern=INTEGER, label="population comptée à part"),
            _c("PTOT", "Population totale", not_empty=True, pattern=INTEGER, label="population totale"),
        ),
        key=("CODDEP", "CODCOM"),
        # The layouts of donnees_communes.csv (recognised by their header, the first that matches):
        # - millésimes 2021 and later (copies in github.com/sebastien-prudhomme/abbeville and
        #   github.com/pjsebastien/vie-de-camping, data/donnees_communes.csv):
        #   REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT. REG is the region's CODE, DEP the
        #   département, COM the 5-character commune CODE and Commune its name: read as the earlier layout
        #   (COM = name) they would load codes as names, so the names are mapped back here.
        # - millésime 2019 (../shared/data/insee_cog/donnees_communes.csv):
        #   CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT, REG the region's name, COM the commune's name.
        # - older archives: Communes.csv with long French headers (the contract's aliases).
        vintages=(
            Vintage("millésimes 2021 et suivants (COM = code, Commune = nom)", signature=("CODCOM", "Commune"),
                    columns={"DEP": "CODDEP", "COM": "CODGEO", "Commune": "COM", "REG": "CODREG", "Région": "REG"}),
            Vintage("millésime 2019 (CODDEP, COM = nom)", signature=("CODDEP", "CODCOM")),
            Vintage("archives anciennes (Communes.csv, en-têtes longs)", signature=("Code département", "Code commune")),
        ),
        # INSEE ships it in ensemble.zip beside donnees_departements.csv, donnees_regions.csv... Older
        # archives (e.g. statistiques/fichier/4265429/ensemble.zip) hold Communes.csv and Departements.csv
        # instead; the copies archived in public repositories have long French headers ("Code département",
        # "Population municipale"...: the aliases) and a ";" at the end of every line.
        member=r"(?i)^(?:donnees_communes|communes)\.csv$",
    ),
)
