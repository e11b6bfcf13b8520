"""The source ``mobpro_foreign_codes``: where it is published, its columns and its defects."""

from ingest.contracts import FOREIGN_WORKPLACE, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='mobpro_foreign_codes',
    label="INSEE, codes des lieux de travail à l'étranger",
    description="INSEE RP2021 - codes des lieux de travail à l'étranger (liste reprise par mobility-team/mobility)",
    publisher='INSEE',
    licence='Licence Ouverte 2.0 (liste reprise par le projet mobility, MIT)',
    cadence='yearly',
    locations={
        # INSEE publishes these codes in the documentation of the MOBPRO detail files; this CSV (no header) is the list as published by the mobility project (MIT).
        'production': ('https://raw.githubusercontent.com/mobility-team/mobility/4253f50f3d7851c16821a3bc6bbad8cdb3b659d9/mobility/runtime/resources/insee/insee_RP2021_mobpro_border_cities.csv',),
        'shared-data': ('{mirror}/mobpro_foreign_codes/insee_RP2021_mobpro_border_cities.csv',),
    },
    contract=Contract(
        description="INSEE RP2021 MOBPRO: codes des lieux de travail à l'étranger (AL000, MO001...), "
                    "fichier sans en-tête",
        header=False,
        columns=(
            # ZZZZZ (other foreign commune) and 99999 (works or studies in France) are INSEE's own codes.
            _c("code", not_empty=True, pattern=rf"{FOREIGN_WORKPLACE}|99999", label="code étranger du lieu de travail"),
            _c("name", not_empty=True, label="nom du lieu de travail"),
        ),
        key=("code",),
    ),
)
