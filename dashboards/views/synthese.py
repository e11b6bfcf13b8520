"""Page « Synthèse » : chiffres clés du territoire choisi, comparés à la région et à la France."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import queries
from dashboards.common import footer, header, source_note
from dashboards.formatting import fr_count, fr_number, fr_table
from dashboards.territory import ACCESS_KM, access_note, figures, france_name, region_of, resolve, select_territory
from dashboards.views.financements import funders_note

# (key, label, decimals, suffix, sources)
INDICATORS = [
    ("population", "Population", 0, " hab.", ("populations",)),
    ("tiers_lieux", "Tiers-lieux", 0, "", ("tierslieux_2019",)),
    ("tiers_lieux_10k", "Tiers-lieux / 10 000 hab.", 2, "", ("tierslieux_2019", "populations")),
    ("france_services", "France Services", 0, "", ("france_services",)),
    ("france_services_10k", "France Services / 10 000 hab.", 2, "", ("france_services", "populations")),
    ("part_10km", f"À moins de {ACCESS_KM:.0f} km d'un tiers-lieu", 1, " %",
     ("tierslieux_2019", "communes_geo")),
    ("visiteurs_semaine", "Visiteurs par semaine (enquête)", 0, "", ("surveys",)),
    ("financements", "Subventions aux tiers-lieux", 0, " €", ("subventions",)),
]


def shown(f: dict, key: str, decimals: int, suffix: str) -> str:
    value = f.get(key)
    if key == "part_10km":
        if f.get("part_10km_reason"):
            return "non calculé"
        value = None if value is None else 100 * value
    return fr_number(value, decimals, suffix.strip() and suffix)


def note(f: dict, key: str) -> str | None:
    """The base of the access share (or why it is not computed), shown beside it."""
    return access_note(f["part_10km"], f["part_10km_base"], f["part_10km_reason"]) if key == "part_10km" else None


def status_section(t) -> None:
    """Places open, in project and closed (the latest year of observation) and their evolution, with the base."""
    offer = queries.offer_by_year(t.level, t.code)
    st.subheader("Statut des tiers-lieux : ouverts, en projet, fermés")
    if offer.empty or offer.n_places.sum() == 0:
        st.caption("Aucun tiers-lieu connu dans ce territoire.")
        return
    last = offer.iloc[-1]
    year = str(int(last.observation_year))
    c = st.columns(4)
    change, delta = last.open_places_change, None
    if not pd.isna(change) and len(offer) > 1:   # the change says since when, or a bare "0" means nothing
        since = str(int(offer.iloc[-2].observation_year))
        delta = f"{'+' if change > 0 else ''}{fr_number(change)} depuis {since}"
    c[0].metric(f"Ouverts ({year})", fr_number(last.n_open), delta=delta,
                delta_color="normal" if delta and change else "off",
                help="Lieux ouverts selon la dernière mention qui donne leur statut (inventaires, enquête).")
    c[1].metric(f"En projet ({year})", fr_number(last.n_project))
    c[2].metric(f"Fermés ({year})", fr_number(last.n_closed), help="Cumul des fermetures connues.")
    c[3].metric("Part des lieux ouverts", fr_number(None if pd.isna(last.share_open) else 100 * last.share_open, 0,
                                                     " %"),
                help="Parmi les lieux ouverts ou en projet.")
    st.caption(f"{last.status_base_fr[0].upper()}{last.status_base_fr[1:]} : "
               f"{fr_count(last.n_places, 'lieu connu', 'lieux connus')}, dont "
               f"{fr_count(last.n_status_from_survey, 'lieu', 'lieux')} dont le statut vient de l'enquête"
               + (f" ; {fr_count(last.n_status_unknown, 'lieu', 'lieux')} sans statut connu"
                  if last.n_status_unknown else "") + ".")
    table = pd.DataFrame({
        "Année": offer.observation_year.astype(int).astype(str),
        "Ouverts": offer.n_open, "En projet": offer.n_project, "Fermés": offer.n_closed,
        "Ouvertures dans l'année": offer.n_opened, "Fermetures dans l'année": offer.n_closed_in_year,
        "Part des ouverts (%)": [None if pd.isna(x) else round(100 * x, 1) for x in offer.share_open],
        "Base": offer.status_base_fr})
    st.dataframe(fr_table(table, raw=("Année", "Base")), hide_index=True, width="stretch")
    st.caption("Un lieu d'un inventaire est compté ouvert l'année de l'inventaire (il ne publie pas de statut) ; une "
               "réponse à l'enquête donne le statut déclaré et l'emporte sur une liste de la même année.")


def render() -> None:
    header("Synthèse")
    t = select_territory()
    st.subheader(t.label)
    f = figures(t)
    # Three a row: at a projector's 1280 pixels, four columns cut a population of eight digits and the
    # longest labels (tests/test_dashboard_browser.py checks that no figure or label is cut).
    for start in range(0, len(INDICATORS), 3):
        c = st.columns(3)
        for i, (key, label, dec, suffix, src) in enumerate(INDICATORS[start:start + 3]):
            c[i].metric(label, shown(f, key, dec, suffix), help="Source : " + source_note(*src))
            if note(f, key):
                c[i].caption(note(f, key))
    wave = fr_number(f["vague"]).replace("\u202f", "")  # a year, without thousands separator
    st.caption(f"{fr_count(f['communes'], 'commune')}. Enquête : vague {wave}, "
               f"{fr_count(f['repondants'], 'lieu répondant', 'lieux répondants')}. "
               f"Subventions : {fr_count(f['lieux_finances'], 'tiers-lieu financé', 'tiers-lieux financés')}, "
               f"base : {funders_note()}.")

    status_section(t)

    st.subheader("Comparaison avec la région et la France")
    columns = {t.name: f}
    region = region_of(t)
    if region is not None:
        columns[region.name + " (région)"] = figures(region)
    if t.level != "france":
        columns[france_name()] = figures(resolve("france", None))
    rows = []
    for key, label, dec, suffix, src in INDICATORS:
        row = {"Indicateur": label}
        row.update({name: shown(v, key, dec, suffix) + (f" ({note(v, key)})" if note(v, key) else "")
                    for name, v in columns.items()})
        row["Source"] = source_note(*src)
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, placeholder="—", width="stretch")
    st.caption(f"« À moins de {ACCESS_KM:.0f} km d'un tiers-lieu » : part de la population vivant dans une "
               "commune dont le centre est à moins de cette distance d'un tiers-lieu, calculée sur les communes dont "
               "le centre est connu (la part de la population qu'elles représentent est indiquée quand elle "
               "n'est pas de 100 %).")
    st.info("Distance à vol d'oiseau depuis le centre de la commune : une approximation de l'accès, "
            "pas un temps de trajet.")
    footer("populations", "tierslieux_2019", "france_services", "surveys", "subventions")
