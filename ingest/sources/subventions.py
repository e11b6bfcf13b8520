"""The source ``subventions``: where it is published, its columns and its defects."""

from ingest.contracts import AMOUNT, DECIMAL, Contract, _c
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
            # Second names: the titles of the fields in the arrêté of 17 November 2017 and the SCDL schema, used
            # as headers by some publishers (Département de Loire-Atlantique: "Nom de l'attribuant", "Montant
            # total de la subvention"...), and the accented spelling of the beneficiary's name.
            _c("nomAttribuant", "Nom de l'attribuant", not_empty=True, label="nom de l'attribuant"),
            _c("idAttribuant", "Identification de l'attribuant", required=False, normalize="siret",
               label="SIRET de l'attribuant"),
            _c("dateConvention", "Date de la convention de subvention", "Date de la convention", required=False,
               # A year alone ("2014": the Département de Loire-Atlantique's file) is the grant's year (staging's
               # convention_year), not a date.
               pattern=r"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}|(?:19|20)\d{2}",
               label="date (AAAA-MM-JJ, JJ/MM/AAAA ou année seule)",
               consequence="pas de date : l'année d'une subvention est lue dans le nom du fichier quand il en porte une, "
                           "sinon la subvention ne compte dans aucune année des financements"),
            _c("nomBeneficiaire", "nomBénéficiaire", "Nom du bénéficiaire", not_empty=True, label="nom du bénéficiaire"),
            _c("idBeneficiaire", "idBénéficiaire", "Identification du bénéficiaire", required=False, normalize="siret",
               label="SIRET du bénéficiaire",
               consequence="pas de SIRET des bénéficiaires : les subventions sont rapprochées des lieux par le nom seul"),
            _c("objet", "Objet de la subvention", required=False),
            # "27 000,00", "12 500 €", "1.500,00" (written for people) are read once unambiguous, each correction
            # in the per-field report; "12.500" (12,5 or 12 500?) is rejected.
            _c("montant", "Montant total de la subvention", "Montant de la subvention", not_empty=True,
               pattern=AMOUNT, normalize="amount", label="montant en euros"),
            _c("nature", "Nature de la subvention", required=False),
            _c("pourcentageSubvention", "Pourcentage du montant total de la subvention attribuée au bénéficiaire",
               required=False, pattern=DECIMAL, label="pourcentage"),
        ),
        # Free-text fields (objet, conditionsVersement) hold line breaks: the Département de Maine-et-Loire
        # publishes an objet of three lines ("- compensation loyer ...\n- fonctionnement général\n- actions de
        # partenariat"). A record spanning more lines than this is a stray quote.
        max_record_lines=20,
        # Files the team drops in, often exported from a spreadsheet or an open-data portal: a last record
        # without line end is read, with a warning that shows it (readers.read_csv).
        last_line_end=False,
        # No key: two identical grants may exist (two instalments of one decision); a repeated line is loaded
        # and its file warned about.
        repeated_records="chacun compte (une subvention répétée compte deux fois dans les financements)",
    ),
)
