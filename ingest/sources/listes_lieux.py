"""The source ``listes_lieux``: lists of places in layouts of their own, read through a mapping file each."""

from ingest.demo.listes import write_demo
from ingest.sources.base import Source

SOURCE = Source(
    name='listes_lieux',
    label='Listes de lieux (réseaux régionaux, recensements, tableurs locaux)',
    description="Listes de lieux chargées par correspondance de colonnes (liste d'un réseau régional, export d'un "
                "recensement national plus récent, tableur local) : une correspondance TOML par fichier "
                "(config/listes_lieux/)",
    publisher='Réseaux de tiers-lieux, recensements, observatoire',
    licence='Selon la liste (indiquée dans sa correspondance)',
    cadence='quarterly',
    optional="aucune liste de lieux déclarée (réseau régional, recensement, tableur local) : les lieux ne sont connus "
             "que par l'inventaire 2019 et les autres sources ; déclarer une liste et sa correspondance "
             "(docs/sources.md, « Listes de lieux »)",
    loader='ingest.listes_lieux:load',
    locations={
        # No list by default: the blank list (header only) and its mapping, so that the publication says that
        # no list was declared. Declare the observatory's lists with [sources.listes_lieux] urls = [...] in the
        # deployment's TOML, each with its mapping (config/listes_lieux/README.md).
        'production': ('config/listes_lieux/modele_liste.csv',),
        'demo': ('{mirror}/reseaux/reseau-tiers-lieux-exemple.csv',),
        'shared-data': ('config/listes_lieux/modele_liste.csv',),
    },
    demo=write_demo,
    defects=(
        "Codes postaux et codes commune de 4 chiffres (zéro initial perdu par un tableur) : zéro rendu, chaque "
        "correction dans le rapport par champ.",
        "Lignes sans code commune : placées par code postal, puis code postal et nom de commune, puis coordonnées "
        "(placement_method) ; les autres sont listées dans quality_unplaced_places avec la raison.",
        "Fichier qui ne correspond pas à sa correspondance (colonne nommée absente, moins de colonnes qu'une "
        "position, header = false sur un fichier qui a une ligne d'en-tête) : refusé en entier, message qui nomme "
        "le fichier, la correspondance et la colonne.",
        "Coordonnées dans une seule colonne (geo_point_2d des exports OpenDataSoft, « 45.1, 3.2 ») : lues par le "
        "champ coordonnees de la correspondance ; une valeur qui n'est pas une paire de nombres rejette la ligne.",
        "La même ligne deux fois (sans identifiant, mêmes valeurs dans toutes les colonnes lues) : la seconde "
        "rejetée avec la ligne de la première.",
        "Clé de correspondance mal orthographiée (headr, [statut]) : correspondance refusée avec la clé voulue.",
    ),
)
