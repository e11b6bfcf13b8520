"""Page « Fiche territoire » : une intercommunalité (EPCI) comparée aux EPCI semblables, imprimable."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from dashboards import queries
from dashboards.common import DISTANCE_CAVEAT, header, source_note
from dashboards.formatting import fr_number, fr_table
from dashboards.territory import access_note, figures, select_territory

SECTIONS = [
    ("Offre", [("tiers_lieux", "Tiers-lieux", 0, ""), ("tiers_lieux_10k", "Tiers-lieux pour 10 000 hab.", 2, ""),
               ("france_services", "France Services", 0, "")]),
    ("Demande", [("population", "Population", 0, " hab."),
                 ("part_10km", "Habitants à moins de 10 km d'un tiers-lieu", 1, " %")]),
    ("Fréquentation", [("visiteurs_semaine", "Visiteurs par semaine (dernière enquête)", 0, ""),
                       ("repondants", "Lieux répondants", 0, "")]),
    ("Financements", [("financements", "Subventions aux tiers-lieux", 0, " €"),
                      ("financements_hab", "Subventions par habitant", 2, " €")]),
]


def fiche_html(name: str, f: dict, similar: pd.DataFrame, opportunities: pd.DataFrame, rank=None) -> str:
    rows = "".join(f"<tr><th colspan=2>{html.escape(title)}</th></tr>" + "".join(
        f"<tr><td>{html.escape(label)}</td><td>{html.escape(with_note(f, k, d, s))}</td></tr>"
        for k, label, d, s in items) for title, items in SECTIONS)
    sim = similar.to_html(index=False, border=0) if len(similar) else "<p>Aucun EPCI comparable.</p>"
    opp = opportunities.to_html(index=False, border=0) if len(opportunities) else "<p>Aucune.</p>"
    if rank is not None and rank.score_status != "calcule":
        opp = f"<p>Rang « zone d'opportunité » : {html.escape(str(rank.score_note))}</p>" + opp
    elif rank is not None:
        opp = (f"<p>Rang « zone d'opportunité » : {fr_number(rank.opportunity_rank)} sur {fr_number(rank.n_epci)} "
               f"EPCI ({'zone d’opportunité' if rank.is_opportunity_zone else 'hors zone d’opportunité'}). "
               f"<small>{html.escape(rank.method)}</small></p>") + opp
    return (f"<!doctype html><html lang=fr><meta charset=utf-8><title>Fiche {html.escape(name)}</title>"
            "<style>body{font-family:sans-serif;max-width:900px;margin:auto}td,th{padding:4px 10px;"
            "text-align:left;border-bottom:1px solid #ddd}</style>"
            f"<h1>Fiche territoire : {html.escape(name)}</h1><table>{rows}</table>"
            f"<h2>EPCI comparables</h2>{sim}<h2>Opportunités</h2>{opp}<p><small>{html.escape(DISTANCE_CAVEAT)}"
            "</small></p></html>")


def value(f: dict, key: str, dec: int, suffix: str) -> str:
    v = f.get(key)
    if key == "part_10km" and f.get("part_10km_reason"):
        return "non calculé"
    return fr_number(100 * v if key == "part_10km" and v is not None else v, dec, suffix)


def note(f: dict, key: str) -> str | None:
    """The base of the access share (or why it is not computed), shown beside it."""
    return access_note(f["part_10km"], f["part_10km_base"], f["part_10km_reason"]) if key == "part_10km" else None


def with_note(f: dict, key: str, dec: int, suffix: str) -> str:
    """'62,3 % (calculé sur 39,7 % de la population)'; the value alone when there is nothing to add."""
    n = note(f, key)
    return value(f, key, dec, suffix) + (f" ({n})" if n else "")


def render() -> None:
    header("Fiche territoire")
    t = select_territory(("epci",))
    f = figures(t)
    st.subheader(t.name)
    for title, items in SECTIONS:
        st.markdown(f"#### {title}")
        cols = st.columns(len(items))
        for col, (k, label, d, s) in zip(cols, items):
            col.metric(label, value(f, k, d, s))
            if note(f, k):
                col.caption(note(f, k))
    st.markdown("#### Opportunités")
    rank = queries.opportunity_epci(t.code)
    if rank is not None and rank.score_status != "calcule":
        st.info(f"Rang « zone d'opportunité » : {rank.score_note}")
    elif rank is not None:
        c = st.columns(3)
        c[0].metric("Rang « zone d'opportunité »", f"{fr_number(rank.opportunity_rank)} sur {fr_number(rank.n_epci)}",
                    help=rank.method)
        c[1].metric("Zone d'opportunité", "oui" if rank.is_opportunity_zone else "non")
        c[2].metric(f"Actifs à plus de {fr_number(rank.long_commute_km)} km de leur travail",
                    fr_number(rank.long_commuters))
    opp = queries.opportunity_communes("epci", t.code, 10)[
        ["Commune", "Population", "Tiers-lieu le plus proche (km)", "Actifs faisant de longs trajets",
         "Dont sans tiers-lieu proche"]]
    if len(opp):
        st.caption("Communes dont beaucoup d'actifs font de longs trajets domicile-travail sans tiers-lieu "
                   "proche : emplacements possibles pour un nouveau lieu.")
        st.dataframe(fr_table(opp), hide_index=True, placeholder="—", width="stretch")
    else:
        st.caption("Aucune commune repérée : pas de longs trajets sans tiers-lieu proche dans les données.")
    st.markdown("#### EPCI comparables (population et densité proches)")
    sim = queries.similar_epci(t.code).rename(columns={
        "epci_code": "Code", "epci_name": "EPCI", "population": "Population", "n_tiers_lieux": "Tiers-lieux",
        "tiers_lieux_per_10k": "Tiers-lieux / 10 000 hab.", "n_france_services": "France Services",
        "share_within_tiers_lieu": "Part à moins de 10 km (%)",
        "access_base": "Part calculée sur (% de la population)"})
    st.dataframe(fr_table(sim, {"Tiers-lieux / 10 000 hab.": 2}), hide_index=True, placeholder="—", width="stretch")
    st.caption("Part à moins de 10 km : calculée sur les communes dont le centre est connu (la colonne suivante "
               "donne la part de la population qu'elles représentent) ; « — » : non calculée, aucune commune "
               "de l'EPCI n'a de centre connu.")
    st.info(DISTANCE_CAVEAT)
    st.caption("Sources : " + source_note("populations", "tierslieux_2019", "france_services", "surveys",
                                          "subventions", "mobpro_flows"))
    st.download_button("Télécharger la fiche (HTML imprimable)", fiche_html(t.name, f, sim, opp, rank),
                       file_name=f"fiche-{t.code}.html", mime="text/html")
    st.caption("Pour imprimer cette page : menu du navigateur, « Imprimer » (la mise en page masque les menus).")
