"""Page « Méthodologie et qualité » : définitions, sources datées, dernière mise à jour, contrôles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import queries
from dashboards.common import DISTANCE_CAVEAT, header, published_at, source_labels
from dashboards.formatting import fr_number, fr_table

DEFINITIONS = [
    ("Tiers-lieux", "Lieux de l'inventaire national des tiers-lieux (coworking, fablab...) placés dans une "
                    "commune par leur code commune ou, à défaut, leurs coordonnées."),
    ("Tiers-lieux pour 10 000 habitants", "Nombre de tiers-lieux × 10 000 / population municipale."),
    ("France Services", "Sites principaux et antennes de la liste officielle de l'ANCT, itinérants (bus, "
                        "itinérance) ou fixes, tels que le millésime du fichier les décrit. Quand le fichier ne dit "
                        "pas le type ou l'itinérance d'un site, le site est compté mais son type est « non "
                        "renseigné » (jamais « site principal » par défaut) ; l'avertissement du fichier est dans "
                        "le tableau des sources ci-dessous."),
    ("Habitants à moins de 10 km", "Population des communes dont le centre est à moins de 10 km à vol "
                                   "d'oiseau d'un tiers-lieu, rapportée à la population totale."),
    ("Visiteurs par semaine", "Somme des visiteurs hebdomadaires déclarés par les lieux répondant à "
                              "l'enquête annuelle de l'observatoire (dernière vague)."),
    ("Subventions", "Montants des subventions publiées au format SCDL dont le bénéficiaire est rapproché "
                    "d'un tiers-lieu (SIRET ou nom), par année : celle de la convention quand elle est publiée, "
                    "sinon celle du fichier. Les totaux d'un territoire cumulent les années chargées, indiquées "
                    "à côté du montant."),
    ("Longs trajets", "Actifs travaillant hors de leur commune à une distance supérieure au seuil indiqué "
                      "(recensement, flux domicile-travail)."),
    ("Flux domicile-travail : fichier complet ou extrait", "Un fichier de flux est complet quand il publie les "
                      "actifs travaillant dans leur commune de résidence et les petits flux : les flux d'une "
                      "commune font alors le total de ses actifs résidents. Un extrait (par exemple le fichier "
                      "Île-de-France, qui ne publie que les flux d'au moins 100 actifs entre deux communes, sans "
                      "les actifs travaillant dans leur commune) ne le permet pas : les actifs travaillant dans "
                      "leur commune et les parts d'actifs sortants ne sont pas calculés, et les nombres affichés "
                      "sont ceux des flux publiés (des minimums). Le cas est reconnu dans les données : aucun flux "
                      "d'une commune vers elle-même, ou aucun flux de moins de 100 actifs."),
    ("Visiteurs pour 1 000 habitants", "Visiteurs hebdomadaires déclarés × 1 000 / population municipale du "
                                       "territoire ; seuls les lieux répondants sont comptés."),
    ("Taux de réponse", "Lieux ayant répondu à l'enquête de l'année / lieux connus du territoire."),
    ("Évolution à lieux constants", "Évolution des visiteurs entre deux vagues, calculée sur les seuls lieux "
                                    "ayant répondu aux deux vagues."),
    ("Financements estimés des programmes", "Nombre de sites ou de lauréats × règle publiée du programme "
                                            "(par exemple 30 000 € par an et par France Services) : une "
                                            "estimation, pas un montant versé."),
    ("Zone d'opportunité", "EPCI classés par le nombre d'actifs faisant de longs trajets domicile-travail, "
                           "rapporté au nombre de tiers-lieux de l'EPCI (plus un) ; le quart supérieur du "
                           "classement forme les zones d'opportunité. Un EPCI sans aucune donnée de mobilité "
                           "domicile-travail n'a ni score ni rang : il est « non calculé » (ce n'est pas un score "
                           "nul) et n'entre pas dans le classement."),
    ("Cantons sans France Services", "Cantons dont aucune commune n'accueille de France Services (objectif "
                                     "national : au moins une par canton). Le décompte porte sur les seuls "
                                     "cantons réels ; les pseudo-cantons de l'INSEE (codes 90 à 99 : une commune "
                                     "partagée entre plusieurs cantons) sont comptés à part, et les communes sans "
                                     "canton (Paris, Métropole de Lyon, Martinique, Guyane) n'entrent dans aucun "
                                     "décompte."),
]


def render() -> None:
    meta = header("Méthodologie et qualité")
    st.subheader("Définitions des indicateurs")
    st.table(pd.DataFrame(DEFINITIONS, columns=["Indicateur", "Définition"]))
    cantons = queries.cantons_without_france_services()
    if cantons:
        st.caption(f"Cantons sans France Services, ensemble des données : {cantons}.")
    st.info(DISTANCE_CAVEAT)

    st.subheader("Sources")
    s = queries.sources()
    labels = source_labels()
    s.pop("source_name")
    s.insert(0, "Source", s.pop("source_label"))
    s["fetched_at"] = pd.to_datetime(s.fetched_at, utc=True, errors="coerce").dt.strftime("%d/%m/%Y %H:%M")
    s["stale"] = s.stale.map({True: "oui", False: "non"})
    s["warnings"] = s.warnings.fillna("").str.replace(" | ", " ; ", regex=False)
    st.dataframe(fr_table(s.rename(columns={"file_name": "Fichier", "vintage": "Millésime", "fetched_at": "Récupéré le",
                                            "rows_read": "Lignes lues", "rows_loaded": "Lignes chargées",
                                            "rows_rejected": "Lignes rejetées", "n_corrections": "Valeurs corrigées",
                                            "stale": "Ancienne copie", "warnings": "Avertissements"})),
                 hide_index=True, placeholder="—", width="stretch")
    for source, file_name, warnings in s.loc[s.warnings != "", ["Source", "file_name", "warnings"]].itertuples(
            index=False):
        st.warning(f"{source} ({file_name}) : {warnings}")
    st.caption("Les valeurs corrigées (identifiants écrits avec espaces ou points, codes ayant perdu un zéro) et les "
               "valeurs refusées sont listées, fichier par fichier et ligne par ligne, dans le rapport par champ "
               "(table raw._field_report de l'entrepôt, et un fichier CSV par source à renvoyer à l'éditeur).")
    st.metric("Dernière publication des données", published_at(meta.built_at))

    st.subheader("Rattachement des données aux communes")
    st.caption("Part des lignes de chaque source rattachées à une commune du référentiel (par leur code, "
                "l'ancien code d'une commune fusionnée, le code postal ou les coordonnées). Les lignes non "
                "rattachées ne disparaissent pas : elles sont listées avec leur raison dans l'entrepôt "
                "(table marts.quality_unplaced_rows).")
    q = queries.placement_by_source()
    q.insert(0, "Source", q.pop("source_name").map(lambda v: labels.get(v, v)))
    st.dataframe(fr_table(q.rename(columns={"rows": "Lignes", "placed": "Rattachées", "unplaced": "Non rattachées",
                                            "share_placed": "Part rattachée (%)"}), {"Part rattachée (%)": 1}),
                 hide_index=True, placeholder="—", width="stretch")
    reasons = queries.unplaced_reasons()
    if not reasons.empty:
        reasons.insert(0, "Source", reasons.pop("source_name").map(lambda v: labels.get(v, v)))
        st.dataframe(fr_table(reasons.rename(columns={"reason": "Raison", "n": "Lignes"})),
                     hide_index=True, placeholder="—", width="stretch")

    st.subheader("Mises à jour et contrôles")
    runs = queries.refresh_runs()
    if runs is None:
        st.info("Le journal des mises à jour et des contrôles n'est pas encore publié dans l'entrepôt : "
                "il apparaîtra ici dès qu'il sera disponible.")
        return
    for col in ("started_at", "finished_at"):
        runs[col] = runs[col].map(lambda v: "—" if pd.isna(v) else published_at(v))
    runs["published"] = runs.published.map({True: "oui", False: "non"})
    st.dataframe(runs.rename(columns={"started_at": "Début", "finished_at": "Fin", "status": "Statut",
                                      "published": "Publiée", "message": "Message"}),
                 hide_index=True, placeholder="—", width="stretch")
    checks = queries.refresh_checks()
    checks.insert(0, "Donnée", checks.pop("asset").map(lambda a: asset_label(a, labels)))
    failed = int((checks["Résultat"] == "échoué").sum())
    st.metric("Contrôles de la dernière mise à jour", f"{fr_number(len(checks) - failed)} réussis sur "
                                                      f"{fr_number(len(checks))}")
    st.dataframe(checks, hide_index=True, placeholder="—", width="stretch")


# What an asset of the refresh is, in words (the first part of its key).
ASSET_KINDS = {"raw": "Fichier source", "marts": "Table publiée", "intermediate": "Table intermédiaire",
               "staging": "Table de préparation", "reference": "Table de référence", "warehouse": "Publication"}


def asset_label(asset: str, labels: dict[str, str]) -> str:
    """'raw/populations' -> 'Fichier source : INSEE, populations légales'; 'marts/dim_commune' -> 'Table
    publiée dim_commune'; cross-table dbt tests -> 'Contrôle entre tables'."""
    kind, _, name = str(asset).partition("/")
    if kind == "raw":
        return f"Fichier source : {labels.get(name, name)}"
    if kind == "dbt":
        return "Contrôle entre tables"
    return f"{ASSET_KINDS.get(kind, 'Donnée')} {name}" if name else str(asset)
