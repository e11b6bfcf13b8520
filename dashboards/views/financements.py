"""Page « Financements » : subventions publiées (SCDL) rapprochées des tiers-lieux."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import queries
from dashboards.common import footer, header
from dashboards.formatting import FR_AXIS_LABEL, fr_count, fr_labels, fr_list, fr_number, fr_table
from dashboards.territory import figures, select_territory


def render() -> None:
    header("Financements")
    t = select_territory()
    f = figures(t)
    c = st.columns(3)
    c[0].metric("Subventions versées aux tiers-lieux", fr_number(f["financements"], 0, " €"))
    c[1].metric("Tiers-lieux financés", fr_number(f["lieux_finances"]))
    c[2].metric("Par habitant", fr_number(f["financements_hab"], 2, " €"))
    st.caption(years_caption(t))
    funders = queries.funding_by_funder(t.level, t.code)
    if funders.empty:
        st.info("Aucune subvention publiée rapprochée d'un tiers-lieu pour ce territoire.")
    else:
        funders = fr_labels(funders, "montant", 0, " €")
        chart = alt.Chart(funders).mark_bar(color="#2ca02c").encode(
            y=alt.Y("financeur:N", sort="-x", title=None, axis=alt.Axis(labelFontSize=15, labelLimit=300)),
            x=alt.X("montant:Q", title="Montant versé aux tiers-lieux (€), par financeur et par année",
                    axis=alt.Axis(labelExpr=FR_AXIS_LABEL)),
            tooltip=[alt.Tooltip("financeur:N", title="Financeur (année)"),
                     alt.Tooltip("montant_fr:N", title="Montant"),
                     alt.Tooltip("subventions:Q", title="Subventions")]).properties(height=60 * len(funders) + 40)
        st.altair_chart(chart + chart.mark_text(align="left", dx=4, fontSize=14).encode(
            text="montant_fr:N"), width="stretch")
        grants = queries.grants(t.level, t.code)
        st.dataframe(fr_table(grants, {"Montant (€)": 0}, raw=("Année",)), hide_index=True, placeholder="—",
                     width="stretch")
    st.caption("Seules les subventions publiées en open data (format SCDL) et rapprochées d'un tiers-lieu "
               "sont comptées ; les autres financements ne sont pas connus. Année d'une subvention : celle de sa "
               "convention quand elle est publiée, sinon celle du fichier publié.")
    programme_estimates(t)
    footer("subventions", "france_services", "programme_laureates", "conseillers_numeriques")


def years_label(years) -> str | None:
    """'2022, 2023' -> '2022 et 2023' ; None/empty -> None."""
    if years is None or (isinstance(years, float) and pd.isna(years)) or not str(years).strip():
        return None
    return fr_list(y.strip() for y in str(years).split(",") if y.strip())


def funders_note(shown: int = 3) -> str:
    """Whose published grants the amounts count (queries.grant_funders): a territory that none of these
    funders supports shows 0 €, which says nothing of its other funding."""
    funders = queries.grant_funders()
    if funders.empty:
        return "aucune subvention publiée n'est chargée"
    names = [f"{r.funder_name} ({years_label(r.years) or 'année inconnue'})"
             for r in funders.head(shown).itertuples()]
    if len(funders) > shown:
        names.append(fr_count(len(funders) - shown, "autre financeur", "autres financeurs"))
    return f"subventions publiées par {fr_list(names)}"


def years_caption(t) -> str:
    """Over which years the grant amounts of the territory are summed (fct_funding_territory)."""
    row = queries.funding(t.level, t.code)
    loaded = years_label(row.grant_years_loaded) if row is not None else None
    counted = years_label(row.grant_years) if row is not None else None
    if loaded is None:
        return "Aucune subvention publiée n'est chargée."
    period = f"l'année {loaded}" if " et " not in loaded else f"les années {loaded}"
    text = f"Montants cumulés des subventions publiées pour {period}"
    if counted and counted != loaded:
        text += f" (subventions rapprochées d'un tiers-lieu de ce territoire : {counted})"
    return text + f" ; le détail par année figure ci-dessous. Base : {funders_note()} ; les financeurs qui ne " \
        "publient pas leurs subventions ne sont pas comptés."


# Estimated programme funding columns of fct_funding_territory, with their French labels.
PROGRAMMES = {
    "estimated_france_services_eur": ("France Services", "par an"),
    "estimated_campus_connecte_eur": ("Campus connectés", "par an"),
    "estimated_fabrique_territoire_eur": ("Fabriques de territoire", "sur trois ans"),
    "estimated_fabrique_numerique_eur": ("Bonus Fabrique numérique", "une fois"),
    "estimated_micro_folie_eur": ("Micro-Folies", "une fois"),
    "estimated_conseiller_numerique_eur": ("Conseillers numériques", "investissement estimé de l'État"),
    "estimated_manufacture_proximite_eur": ("Manufactures de proximité", "aucune règle de montant publiée"),
    "estimated_petite_ville_demain_eur": ("Petites villes de demain", "aucun montant par commune publié"),
}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value))


def programme_estimates(t) -> None:
    """Estimated funding of the national programmes in the territory (published rules x places)."""
    st.subheader("Financements estimés des programmes nationaux")
    est = queries.funding(t.level, t.code)
    rows = [{"Programme": label, "Montant estimé (€)": float(est[col]), "Période": period}
            for col, (label, period) in PROGRAMMES.items() if est is not None and not _missing(est[col])
            and est[col] > 0]
    missing = [label for col, (label, _) in PROGRAMMES.items() if est is None or _missing(est[col])]
    if t.level == "france":
        # Items without a commune: in France's total, in no territory (one figure per programme).
        names = {col.removeprefix("estimated_").removesuffix("_eur"): label for col, (label, _) in PROGRAMMES.items()}
        for r in queries.programme_unplaced().itertuples():
            if not _missing(r.montant):
                rows.append({"Programme": f"{names.get(r.programme_code, r.programme_code)} : non localisé",
                             "Montant estimé (€)": float(r.montant),
                             "Période": f"{fr_count(int(r.elements), 'élément')} sans commune connue"})
    if missing:
        st.caption("Non disponible (aucune liste de lauréats chargée, ou aucune règle de montant publiée) : "
                   + ", ".join(missing) + ".")
    if not rows:
        st.info("Aucun site ni lauréat de programme national connu dans ce territoire.")
        return
    st.dataframe(fr_table(pd.DataFrame(rows), {"Montant estimé (€)": 0}), hide_index=True, placeholder="—", width="stretch")
    st.caption("Estimations, pas des montants versés : nombre de sites ou de lauréats du territoire multiplié "
               "par la règle publiée de chaque programme (par exemple 30 000 € par an et par France Services, "
               "75 000 à 150 000 € sur trois ans par Fabrique de territoire). Voir la page Méthodologie.")
