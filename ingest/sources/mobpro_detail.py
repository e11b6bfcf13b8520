"""The source ``mobpro_detail``: INSEE's census detail file of home-to-work mobility (one row per weighted
individual), where it is published, its columns and its defects."""

from ingest.contracts import DECIMAL, FOREIGN_WORKPLACE, INSEE_COMMUNE, Contract, _c
from ingest.demo.mobpro_detail import write_demo
from ingest.sources.base import Source

# The census years whose detail file this product reads (tests/test_mobpro_vintages.py). The year decides how
# TRANS is read: 5 codes before the 2017 census, 6 codes (a bicycle code) from 2017. A year outside this range
# is refused by the loader (its codes or columns may have changed again): check INSEE's varmod_MOBPRO_<year>
# (TRANS, CS1 / GS, DCLT) and add it here once read.
CENSUS_YEARS = tuple(range(2015, 2023))
TRANS_SIX_CODES_FROM = 2017
# Where the census year is written: INSEE names the archive RP2019_mobpro_csv.zip and the data file
# FD_MOBPRO_2019.csv (FD_MOBPRO_2015.txt in the text archives of 2015).
CENSUS_YEAR_IN_NAME = r"(?i)(?:(?<![a-z])RP|MOBPRO_?)((?:19|20)\d{2})(?!\d)"

SOURCE = Source(
    name='mobpro_detail',
    label='INSEE, mobilités professionnelles (fichier détail)',
    description="INSEE - Recensement de la population, fichier détail « Mobilités professionnelles des individus : "
                "déplacements commune de résidence / commune de travail » (FD_MOBPRO, un individu pondéré par ligne)",
    publisher='INSEE',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='yearly',
    optional="pas de fichier détail des mobilités : le potentiel de télétravail, les kilomètres et le CO2 évités "
             "et les implantations recommandées ne sont pas calculés",
    # The file is large (about 9 million rows nationally, 33 columns): it is checked and loaded in one pass of
    # DuckDB that streams the CSV into the raw table (ingest/mobpro_detail.py), not through a temporary copy.
    loader='ingest.mobpro_detail:load',
    locations={
        # Page https://www.insee.fr/fr/statistiques/6456056 (RP2019, fichier détail MOBPRO, CSV zippé holding
        # FD_MOBPRO_2019.csv and Varmod_MOBPRO_2019.csv); this URL is the one public projects reading the file
        # use (e.g. odyssee-co/tiers-lieux, mobility-team/mobility). Later vintages: RP2022 on page
        # https://www.insee.fr/fr/statistiques/8589904 (also published as Parquet, not read: take the CSV).
        # The census years of CENSUS_YEARS load; the year is read from the archive's or the data file's name
        # (a file whose name does not say it, such as a data.gouv.fr /datasets/r/<id> link, is refused) and
        # recorded in raw.mobpro_detail.census_year.
        'production': ('https://www.insee.fr/fr/statistiques/fichier/6456056/RP2019_mobpro_csv.zip',),
        'demo': ('{mirror}/insee/RP2020_mobpro_csv.zip',),
    },
    demo=write_demo,
    contract=Contract(
        description="INSEE census detail file of home-to-work mobility (FD_MOBPRO_<year>.csv, any census year); "
                    "columns outside the contract (AGEREVQ, DIPL, EMPL, ILT, NA17, SEXE, STAT, TP, VOIT...) are "
                    "kept as published",
        columns=(
            _c("COMMUNE", not_empty=True, pattern=INSEE_COMMUNE, label="commune de résidence"),
            _c("ARM", pattern=r"(?:\d{5}|ZZZZZ)", label="arrondissement municipal de résidence (ZZZZZ : sans objet)"),
            _c("DCFLT", required=False, label="lieu de travail à l'étranger (99999 : en France)"),
            _c("DCLT", not_empty=True, pattern=rf"(?:\d{{5}}|2[AB]\d{{3}}|{FOREIGN_WORKPLACE})",
               label="commune (ou arrondissement, ou pays) du lieu de travail"),
            # PCS 2020: the 2022 census publishes the socio-professional group as GS (same first level).
            _c("CS1", "GS", not_empty=True, pattern=r"[1-8]", label="catégorie socioprofessionnelle (groupe)"),
            _c("TRANS", not_empty=True, pattern=r"[1-6]", label="mode de transport principal"),
            _c("IPONDI", not_empty=True, pattern=DECIMAL, label="poids de l'individu"),
        ),
        # No key: one row per individual of the census sample, two individuals may be alike in every column.
        # INSEE zips hold the data file next to its documentation (Varmod_*, contenu_*): take FD_MOBPRO.
        member=r"(?i)^FD_MOBPRO.*\.(?:csv|txt)$",
    ),
    defects=(
        "Codes de transport : depuis le recensement 2017, TRANS a 6 modalités (1 pas de transport, 2 marche, "
        "3 vélo, 4 deux-roues motorisé, 5 voiture, 6 transports en commun) ; avant, 5 (3 deux-roues, 4 voiture, "
        "5 transports en commun) : le staging ramène les anciens codes aux nouveaux d'après l'année du fichier "
        "(les deux-roues d'avant 2017 comptent comme motorisés).",
        "Recensement 2022 : la catégorie socioprofessionnelle est publiée en PCS 2020 (colonne GS), lue comme CS1.",
        "L'année du recensement n'est écrite que dans le nom du fichier (RP2019_mobpro_csv.zip, FD_MOBPRO_2019.csv) : "
        "un fichier dont le nom ne la dit pas (lien data.gouv.fr /datasets/r/<identifiant>, fichier renommé) est "
        "refusé, tout comme une année que le produit ne connaît pas (recensements 2015 à 2022).",
    ),
)
