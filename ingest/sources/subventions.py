"""The source ``subventions``: where it is published, its columns and its defects."""

from ingest.contracts import DECIMAL, Contract, _c
from ingest.sources.base import Source

SOURCE = Source(
    name='subventions',
    label='Subventions publiées (SCDL)',
    description='Subventions au format SCDL publiées par les collectivités du territoire',
    publisher='Collectivités du territoire (SCDL)',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='quarterly',
    optional='aucune subvention publiée : les financements constatés ne sont pas calculés',
    defects=(
        'SIRET publiés en notation scientifique par Excel (« 2,43E+13 ») : chiffres perdus, valeur rejetée pour la colonne, jamais convertie.',
        'SIRET écrits avec espaces, points ou guillemets (« 82 212 742 900 014 », « 82212742900014\" ») : chiffres gardés '
        'quand la clé de contrôle (Luhn) est juste, correction au rapport par champ ; clé fausse : valeur gardée telle que '
        'publiée et signalée.',
    ),
    locations={
        # Each observatory lists here the SCDL files of its funders (région, département, EPCI...), e.g. the
        # data.gouv.fr resources of the schema https://schema.data.gouv.fr/scdl/subventions/.
        'production': ('data/inbox/subventions.csv',),
        'demo': ('{mirror}/subventions/subventions-2024.csv',),
        # The SCDL reference example (2 fictitious grants, "Rodriguez SA") is read by the tests only:
        # "{mirror}/scdl_subventions_schema_example/exemple.csv"
        'shared-data': ('{mirror}/scdl_subventions_toulouse/subventions-toulouse_2022.csv', '{mirror}/scdl_subventions_toulouse/subventions-toulouse_2023.csv'),
    },
    contract=Contract(
        description="Grants in the SCDL 'subventions' format",
        columns=(
            _c("nomAttribuant", not_empty=True, label="nom de l'attribuant"),
            _c("idAttribuant", required=False, normalize="siret", label="SIRET de l'attribuant"),
            _c("dateConvention", required=False, pattern=r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}", label="date"),
            _c("nomBeneficiaire", not_empty=True, label="nom du bénéficiaire"),
            _c("idBeneficiaire", required=False, normalize="siret", label="SIRET du bénéficiaire"),
            _c("objet", required=False),
            _c("montant", not_empty=True, pattern=DECIMAL, label="montant"),
            _c("nature", required=False),
            _c("pourcentageSubvention", required=False, pattern=DECIMAL, label="pourcentage"),
        ),
    ),
)
