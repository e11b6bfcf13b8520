"""French number formatting of the dashboard's figures and tables."""

import pandas as pd

from dashboards.formatting import fr_number, fr_table


def test_fr_number():
    assert fr_number(12345.678) == "12\u202f346"
    assert fr_number(0.5, 1, " %") == "0,5 %"
    assert fr_number(None) == "—" and fr_number(float("nan")) == "—"


def test_fr_table_formats_numbers_and_keeps_codes_and_values():
    df = pd.DataFrame({"Code": ["200059380", "01001"], "Population": [24695.0, 16171.0],
                       "Tiers-lieux / 10 000 hab.": [1.214, 1.236], "Part (%)": [97.64, None], "Année": [2024, 2025]})
    styler = fr_table(df, {"Tiers-lieux / 10 000 hab.": 2}, raw=("Année",))
    html = styler.to_html()
    for text in ("200059380", "01001", "24\u202f695<", "1,21<", "1,24<", "97,6<", "—<", ">2024<"):
        assert text in html, text
    assert "24695.0" not in html and "97.64" not in html
    assert styler.data["Population"].tolist() == [24695.0, 16171.0]   # values kept: sorting stays numeric


def test_fr_table_numbers_in_object_columns_and_missing_values():
    df = pd.DataFrame({"Évolution (%)": [11.84, None], "Nom": ["a", None]})
    html = fr_table(df).to_html()
    assert "11,8<" in html and "None" not in html and html.count("—<") == 2


def test_map_names_never_overlap_and_the_most_populated_wins():
    """Around Nancy on a map of Meurthe-et-Moselle, the suburbs' names would be written over the city's: only
    names whose screen boxes overlap none kept before are written, the most populated first."""
    from dashboards import maps
    points = pd.DataFrame({
        "name": ["Nancy", "Villers-lès-Nancy", "Laxou", "Lunéville", "Toul"],
        "population": [104_000, 14_000, 14_500, 18_000, 15_500],
        "longitude": [6.1844, 6.1525, 6.1497, 6.4967, 5.8917],
        "latitude": [48.6921, 48.6733, 48.6858, 48.5894, 48.6750]})
    box = (5.42, 48.34, 7.12, 49.56)   # Meurthe-et-Moselle
    placed = maps.placed_names(points, box)
    assert list(placed.name) == ["Nancy", "Lunéville", "Toul"]
    # Zoomed on the Métropole du Grand Nancy, the three fit side by side.
    assert set(maps.placed_names(points, (6.05, 48.62, 6.30, 48.76)).name) >= {"Nancy", "Villers-lès-Nancy"}
    assert len(maps.placed_names(points, box, limit=2)) == 2
