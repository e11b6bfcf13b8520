"""Page « Fiche territoire » : la fiche d'une commune, d'une intercommunalité (EPCI), d'un département ou d'une
région, avec les territoires qui la contiennent, et pour une EPCI les EPCI semblables ; imprimable et exportable."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from dashboards import menu, queries
from dashboards.common import DISTANCE_CAVEAT, header, published_at, source_note
from dashboards.formatting import fr_number, fr_table, fr_text
from dashboards.pdf import fiche_pdf
from dashboards.territory import LEVELS, access_note, figures, resolve, select_territory
from dashboards.views.mobilites import NO_FLOWS

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


def fr_html(df: pd.DataFrame, decimals: dict[str, int] | None = None) -> str:
    """An HTML table with French numbers ('24 695', '97,6'), missing values as '—'."""
    return fr_text(df, decimals).to_html(index=False, border=0, escape=True)


def opportunity_note(t) -> tuple[bool, str]:
    """(computed, why the territory lists no commune where a place could open): no commuting data covers it
    (not computed, which is not a zero), or its data show no long commute without a tiers-lieu nearby."""
    flows = queries.commuting(t.level, t.code)
    if flows is None or not flows.n_communes_with_flows:
        return False, f"Non calculé : {NO_FLOWS} (ce n'est pas un zéro)."
    return True, "Aucune commune repérée : pas de longs trajets sans tiers-lieu proche dans les données."


def fiche_html(name: str, f: dict, similar: pd.DataFrame, opportunities: pd.DataFrame, rank=None,
               context: str = "", neighbours: pd.DataFrame | None = None,
               no_opportunity: str = "Aucune commune repérée.") -> str:
    rows = "".join(f"<tr><th colspan=2>{html.escape(title)}</th></tr>" + "".join(
        f"<tr><td>{html.escape(label)}</td><td>{html.escape(with_note(f, k, d, s))}</td></tr>"
        for k, label, d, s in items) for title, items in SECTIONS)
    sim = (f"<h2>EPCI comparables</h2>{fr_html(similar, {'Tiers-lieux / 10 000 hab.': 2})}" if len(similar)
           else "")
    if neighbours is not None and len(neighbours):
        sim = f"<h2>Territoires voisins</h2>{fr_html(neighbours, {'Tiers-lieux / 10 000 hab.': 2})}" + sim
    opp = fr_html(opportunities) if len(opportunities) else f"<p>{html.escape(no_opportunity)}</p>"
    if rank is not None and rank.score_status != "calcule":
        opp = f"<p>Rang « zone d'opportunité » : {html.escape(str(rank.score_note))}</p>" + opp
    elif rank is not None:
        opp = (f"<p>Rang « zone d'opportunité » : {fr_number(rank.opportunity_rank)} sur {fr_number(rank.n_epci)} "
               f"EPCI ({'zone d’opportunité' if rank.is_opportunity_zone else 'hors zone d’opportunité'}). "
               f"<small>{html.escape(rank.method)}</small></p>") + opp
    return (f"<!doctype html><html lang=fr><meta charset=utf-8><title>Fiche {html.escape(name)}</title>"
            "<style>body{font-family:sans-serif;max-width:900px;margin:auto}td,th{padding:4px 10px;"
            "text-align:left;border-bottom:1px solid #ddd}</style>"
            f"<h1>Fiche territoire : {html.escape(name)}</h1><p>{html.escape(context)}</p><table>{rows}</table>"
            f"{sim}<h2>Opportunités</h2>{opp}<p><small>{html.escape(DISTANCE_CAVEAT)}"
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


def context_line(t) -> tuple[str, dict[str, str]]:
    """'Commune de l'EPCI X, département Y, région Z' and the containing territories' codes by level."""
    up = queries.parents(t.level, t.code)
    names = {lv: resolve(lv, code) for lv, code in up.items()}
    words = {"epci": "intercommunalité", "departement": "département", "region": "région"}
    parts = [f"{words[lv]} : {n.name}" for lv, n in names.items() if n is not None]
    return (f"{LEVELS.get(t.level, 'Territoire')} — " + ", ".join(parts)) if parts else "", up


def fiche_pdf_bytes(t, f: dict, context: str, near: pd.DataFrame, similar: pd.DataFrame,
                    opportunities: pd.DataFrame, rank, no_opportunity: str = "") -> bytes:
    """The fiche as PDF: the same figures, tables and notes as the page, French formats throughout."""
    sections = [(title, [(label, with_note(f, k, d, suffix)) for k, label, d, suffix in items])
                for title, items in SECTIONS]
    if rank is not None and rank.score_status == "calcule":
        sections.append(("Opportunités", [
            ("Rang « zone d'opportunité »", f"{fr_number(rank.opportunity_rank)} sur {fr_number(rank.n_epci)}"),
            ("Zone d'opportunité", "oui" if rank.is_opportunity_zone else "non")]))
    decimals = {"Tiers-lieux / 10 000 hab.": 2}
    tables = [("Évolution d'une vague d'enquête à l'autre", fr_text(evolution_table(t), {
                  "Taux de réponse (%)": 1, "Visiteurs / 1 000 hab.": 1, "Évolution à lieux constants (%)": 1})),
              ("Territoires voisins", fr_text(near.drop(columns=["Code"], errors="ignore").head(15), decimals)),
              ("EPCI comparables", fr_text(similar.drop(columns=["Code"], errors="ignore").head(10), decimals)),
              ("Communes où ouvrir un lieu : longs trajets sans tiers-lieu proche", fr_text(opportunities.head(10)))]
    meta = queries.publication()
    notes = [DISTANCE_CAVEAT,
             "Sources : " + source_note("populations", "tierslieux_2019", "france_services", "surveys",
                                        "subventions", "mobpro_flows", "admin_contours") + "."]
    if opportunities.empty and no_opportunity:
        notes.insert(0, f"Communes où ouvrir un lieu : {no_opportunity}")
    if meta.is_fictional:
        notes.insert(0, "Territoire d'exemple - données fictives : ces chiffres illustrent l'outil.")
    footer_text = f"Observatoire des tiers-lieux — données publiées le {published_at(meta.built_at)}"
    return fiche_pdf(t.name, context, sections, tables, notes, footer_text)


def evolution_table(t) -> pd.DataFrame:
    """The territory's figures wave after wave of the annual survey (marts.fct_attendance_territory, all
    places), when there are two waves or more; empty otherwise."""
    waves = queries.attendance_waves(t.level, t.code)
    waves = waves[(waves.place_category == "tous") & (waves.n_respondents.fillna(0) > 0)]
    if len(waves) < 2:
        return pd.DataFrame()
    return pd.DataFrame({
        "Vague": waves.wave_year.astype(int).astype(str), "Lieux répondants": waves.n_respondents,
        "Taux de réponse (%)": 100 * waves.response_rate, "Visiteurs par semaine": waves.visitors_per_week,
        "Visiteurs / 1 000 hab.": waves.visitors_per_week_per_1000_inhabitants,
        "Évolution à lieux constants (%)": waves.panel_visitors_per_week_change_pct}).reset_index(drop=True)


def neighbour_table(t) -> pd.DataFrame:
    """The territories touching ``t`` (same level) with their figures, French column names."""
    return queries.neighbours(t.level, t.code).rename(columns={
        "code": "Code", "name": "Territoire", "population": "Population", "n_tiers_lieux": "Tiers-lieux",
        "tiers_lieux_per_10k": "Tiers-lieux / 10 000 hab.", "n_france_services": "France Services",
        "share_within_pct": "Part à moins de 10 km (%)"})


def render() -> None:
    header("Fiche territoire")
    t = select_territory()
    f = figures(t)
    st.subheader(t.name)
    context, up = context_line(t)
    if context:
        st.caption(context)
        links = st.columns(len(up))
        for col, (lv, code) in zip(links, up.items()):
            parent = resolve(lv, code)
            if parent is not None:
                menu.link(col, "fiche", f"Fiche : {parent.name}", {"niveau": lv, "code": code})
    for title, items in SECTIONS:
        st.markdown(f"#### {title}")
        cols = st.columns(len(items))
        for col, (k, label, d, s) in zip(cols, items):
            col.metric(label, value(f, k, d, s))
            if note(f, k):
                col.caption(note(f, k))
    evolution = evolution_table(t)
    if len(evolution):
        st.markdown("#### Évolution d'une vague d'enquête à l'autre")
        st.dataframe(fr_table(evolution, {"Taux de réponse (%)": 1, "Visiteurs / 1 000 hab.": 1,
                                          "Évolution à lieux constants (%)": 1}, raw=("Vague",)),
                     hide_index=True, placeholder="—", width="stretch")
        st.caption("Lieux ayant répondu à l'enquête annuelle de l'observatoire, vague par vague ; l'évolution à "
                   "lieux constants compare les seuls lieux ayant répondu aux deux vagues successives.")
    st.markdown("#### Opportunités")
    epci = t.code if t.level == "epci" else up.get("epci") if t.level == "commune" else None
    rank = queries.opportunity_epci(epci) if epci else None
    if rank is not None and t.level == "commune":
        st.caption(f"Rang de son intercommunalité ({resolve('epci', epci).name}) :")
    if rank is not None and rank.score_status != "calcule":
        st.info(f"Rang « zone d'opportunité » : {rank.score_note}")
    elif rank is not None:
        c = st.columns(3)
        c[0].metric("Rang « zone d'opportunité »", f"{fr_number(rank.opportunity_rank)} sur {fr_number(rank.n_epci)}",
                    help=rank.method)
        c[1].metric("Zone d'opportunité", "oui" if rank.is_opportunity_zone else "non")
        c[2].metric(f"Actifs à plus de {fr_number(rank.long_commute_km)} km de leur travail",
                    fr_number(rank.long_commuters))
    no_opportunity = ""
    opp = queries.opportunity_communes(t.level, t.code, 10)[
        ["Commune", "Population", "Tiers-lieu le plus proche (km)", "Actifs faisant de longs trajets",
         "Dont sans tiers-lieu proche"]]
    if len(opp):
        st.caption("Communes dont beaucoup d'actifs font de longs trajets domicile-travail sans tiers-lieu "
                   "proche : emplacements possibles pour un nouveau lieu.")
        st.dataframe(fr_table(opp), hide_index=True, placeholder="—", width="stretch")
    else:
        computed, no_opportunity = opportunity_note(t)
        if computed:
            st.caption(no_opportunity)
        elif rank is None or rank.score_status == "calcule":   # else the rank's note above says it already
            st.info(no_opportunity)
    near = neighbour_table(t)
    if len(near):
        st.markdown(f"#### Territoires voisins ({fr_number(len(near))})")
        st.dataframe(fr_table(near, {"Tiers-lieux / 10 000 hab.": 2, "Part à moins de 10 km (%)": 1},
                              raw=("Code",)), hide_index=True, placeholder="—", width="stretch")
        st.caption("Territoires du même échelon dont le contour touche celui-ci (contours IGN simplifiés).")
    sim = pd.DataFrame()
    if t.level == "epci":
        st.markdown("#### EPCI comparables (population et densité proches)")
        sim = queries.similar_epci(t.code).rename(columns={
            "epci_code": "Code", "epci_name": "EPCI", "population": "Population", "n_tiers_lieux": "Tiers-lieux",
            "tiers_lieux_per_10k": "Tiers-lieux / 10 000 hab.", "n_france_services": "France Services",
            "share_within_tiers_lieu": "Part à moins de 10 km (%)",
            "access_base": "Part calculée sur (% de la population)"})
        st.dataframe(fr_table(sim, {"Tiers-lieux / 10 000 hab.": 2}, raw=("Code",)), hide_index=True,
                     placeholder="—", width="stretch")
        st.caption("Part à moins de 10 km : calculée sur les communes dont le centre est connu (la colonne "
                   "suivante donne la part de la population qu'elles représentent) ; « — » : non calculée, aucune "
                   "commune de l'EPCI n'a de centre connu.")
    st.info(DISTANCE_CAVEAT)
    st.caption("Sources : " + source_note("populations", "tierslieux_2019", "france_services", "surveys",
                                          "subventions", "mobpro_flows"))
    c = st.columns(2)
    c[0].download_button("Télécharger la fiche (PDF)", fiche_pdf_bytes(t, f, context, near, sim, opp, rank, no_opportunity),
                         file_name=f"fiche-{t.code or 'france'}.pdf", mime="application/pdf")
    c[1].download_button("Télécharger la fiche (HTML imprimable)",
                         fiche_html(t.name, f, sim, opp, rank, context, near, no_opportunity or "Aucune commune repérée."),
                         file_name=f"fiche-{t.code or 'france'}.html", mime="text/html")
    st.caption("Pour imprimer cette page : menu du navigateur, « Imprimer » (la mise en page masque les menus).")
