"""The source ``programme_laureates``: where it is published, its columns and its defects.

The ANCT cartography repository anct-carto/superposeur-anct publishes each programme's laureates as a GeoJSON
of points with the same properties: ``id_territoire`` (the laureate, e.g. "fabt-59", "manuprox-2-79",
"pvd-01-971-1", "pvd-94-2A-1"; several projects of one commune packed "fabt-59; fabt-60"), ``lib_territoire``
(its name), ``liste_geo`` (its communes as text, "Bouillante (97106)"), and for some programmes ``id_geo``
(the commune code) or ``date_signature`` (Petites villes de demain: the convention's date). The commune code
is ``id_geo`` where present, else the codes written between brackets in ``liste_geo`` (one laureate row per
commune when a convention covers several: "A (01001), B (01002)" or "A (01001); B (01002)"); a ``liste_geo``
from which no code can be read is rejected with its reason.
"""

from ingest.contracts import DECIMAL, INSEE_COMMUNE, Contract, Vintage, _c
from ingest.sources.base import Source

# "Name (code)" items separated by "," or ";": every item must end with a commune code between brackets
# (a name may hold brackets itself: "Saint-Martin (Guadeloupe) (97127)").
_ITEM = rf"[^,;]+?\s*\({INSEE_COMMUNE}\)"
LISTE_GEO = rf"{_ITEM}(?:\s*[,;]\s*{_ITEM})*"

SOURCE = Source(
    name='programme_laureates',
    label='ANCT, lauréats des programmes (Fabriques de territoire, Manufactures de proximité, Petites villes de demain)',
    description='ANCT - lauréats Fabriques de territoire, Manufactures de proximité et Petites villes de demain '
                '(superposeur ANCT)',
    publisher='ANCT',
    licence='Licence Ouverte 2.0 (Etalab)',
    cadence='quarterly',
    optional='aucun lauréat de programme chargé',
    defects=(
        'Plusieurs projets dans un même champ (« fabt-59; fabt-60 ») : un enregistrement par projet en staging.',
        "Un point par commune (son centre), ni adresse ni SIRET : le lieu n'est jamais apparié par la distance.",
        "Petites villes de demain : pas de colonne code commune, le code est écrit dans le texte « liste_geo » "
        "(« Bouillante (97106) ») : il en est extrait ; une convention qui couvre plusieurs communes donne une "
        "ligne par commune ; un texte dont aucun code ne peut être lu est rejeté avec sa raison.",
        "Petites villes de demain : date de signature vide pour certaines conventions : gardée vide "
        "(« non renseignée »), la commune reste lauréate.",
        "Petites villes de demain, fichier d'origine (id_pvd, insee_com, sans liste_geo ni lib_territoire) : lu comme "
        "un millésime ; une ligne sans code commune valable est rejetée avec sa raison.",
    ),
    locations={
        # Repository anct-carto/superposeur-anct, data/geom/: the programmes' laureates as commune points
        # (fabt_geom: Fabriques de territoire; manuprox_geom: Manufactures de proximité; pvd_geom: Petites
        # villes de demain, geojsonV2 at commit 5c5ffe30, read 2026-12).
        'production': ('https://raw.githubusercontent.com/anct-carto/superposeur-anct/58f854e33e6628e85ab7ef52fafadd9da7a7f5f4/data/geom/geojsonV2/fabt_geom.geojson', 'https://raw.githubusercontent.com/anct-carto/superposeur-anct/5c5ffe30cc5d4a0e05a99d30a316d196e180f96a/data/geom/old/manuprox_geom.geojson', 'https://raw.githubusercontent.com/anct-carto/superposeur-anct/5c5ffe30cc5d4a0e05a99d30a316d196e180f96a/data/geom/geojsonV2/pvd_geom.geojson'),
        'demo': ('{mirror}/anct/programmes/fabt_geom.geojson', '{mirror}/anct/programmes/manuprox_geom.geojson', '{mirror}/anct/programmes/pvd_geom.geojson'),
        # ../shared/data holds the first two files only (its SOURCES.md): no Petites villes de demain there.
        'shared-data': ('{mirror}/anct_programmes/fabt_geom.geojson', '{mirror}/anct_programmes/manuprox_geom.geojson'),
    },
    contract=Contract(
        description="ANCT lauréats des programmes (superposeur ANCT : un point par commune ou par convention, "
                    "plusieurs projets « fabt-59; fabt-60 » dans un même champ, code commune dans « id_geo » ou "
                    "dans le texte « liste_geo » : « Bouillante (97106) »)",
        columns=(
            # Absent from the Petites villes de demain file (its normal layout, not a loss: the code is read
            # in liste_geo), hence no `consequence` warning.
            _c("id_geo", "insee_com", required=False, pattern=INSEE_COMMUNE, label="code commune INSEE"),
            _c("lib_geo", "lib_com", required=False),
            _c("id_territoire", not_empty=True,
               pattern=r"[a-z]+(?:-[0-9A-Za-z]+)+(?:\s*;\s*[a-z]+(?:-[0-9A-Za-z]+)+)*", label="identifiant(s) de projet"),
            _c("lib_territoire", required=False),
            _c("liste_geo", not_empty=True, pattern=LISTE_GEO,
               label="communes du lauréat (« Nom (code INSEE) », séparées par « , » ou « ; »)"),
            _c("date_signature", required=False, pattern=r"\d{4}-\d{2}-\d{2}", label="date de signature (AAAA-MM-JJ)"),
            _c("longitude", pattern=DECIMAL, label="longitude"),
            _c("latitude", pattern=DECIMAL, label="latitude"),
        ),
        key=("id_territoire", "liste_geo"),
        coordinates=("latitude", "longitude"),
        vintages=(
            # The layout of every programme file today (data/geom/geojsonV2/, data/geom/old/).
            Vintage("superposeur ANCT (id_territoire, liste_geo)", signature=("id_territoire",)),
            # The older Petites villes de demain file (data/geom/geojson/pvd_geom.geojson, commit 8bf803a0): one
            # feature per commune, the convention in id_pvd, the commune code in insee_com (a real vintage of
            # the same list: read, each row needing its code since there is no liste_geo to read it from).
            Vintage("Petites villes de demain, fichier d'origine (id_pvd, insee_com)", signature=("id_pvd",),
                    columns={"id_pvd": "id_territoire", "lib_com.x": "lib_geo"},
                    absent=("liste_geo",), not_empty=("id_geo",)),
        ),
    ),
)
