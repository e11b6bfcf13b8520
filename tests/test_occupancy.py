"""Occupancy counts: the real La Permanence series (../shared/data) and messy series written here, loaded
by ingest/occupancy.py (row accounting, French reasons) and turned into daily occupancy by the real dbt
models (stg_occupancy_counts -> fct_occupancy_daily)."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingest.config import PROJECT_ROOT
from ingest.errors import ContractError
from ingest.fetch import fetch
from ingest.occupancy import load

DBT_DIR = PROJECT_ROOT / "dbt_project"
REAL = Path("coworking_attendance_la_permanence") / "attendance.csv"


def dbt_build(db: Path, target: Path, select: str = "+fct_occupancy_daily") -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "dbt"
    env = {**os.environ, "OBSERVATOIRE_BUILD_DB": str(db)}
    return subprocess.run([str(exe), "build", "--select", select, "--project-dir", str(DBT_DIR),
                           "--profiles-dir", str(DBT_DIR), "--target-path", str(target),
                           "--log-path", str(target / "logs"), "--vars", json.dumps({"territory_departements": []})],
                          env=env, capture_output=True, text=True, timeout=600)


def expected_daily(path: Path) -> tuple[dict, dict]:
    """Per (site, day): [n, min, max, sum] of available seats, read with the csv module; capacity per site."""
    days: dict[tuple, list] = {}
    cap: dict[str, int] = defaultdict(int)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        sites = next(reader)[1:]
        for row in reader:
            day = datetime.strptime(row[0], "%Y-%m-%d-%H-%M-%S").date()
            for site, v in zip(sites, row[1:]):
                if v == "":
                    continue
                n = int(v)
                d = days.setdefault((site, day), [0, n, n, 0])
                d[0] += 1
                d[1] = min(d[1], n)
                d[2] = max(d[2], n)
                d[3] += n
                cap[site] = max(cap[site], n)
    return days, dict(cap)


@pytest.mark.slow   # dbt build of +fct_occupancy_daily
def test_real_series_is_accounted_for_and_gives_daily_occupancy_for_both_sites(tmp_path, shared_data):
    src = shared_data / REAL
    if not src.exists():
        pytest.skip(f"{src} is absent (see shared/data/SOURCES.md)")
    db = tmp_path / "occ.duckdb"
    con = duckdb.connect(str(db))
    result = load(con, [fetch("occupancy_counts", str(src), tmp_path / "snapshots")])
    assert result.rows_read == 49_990
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    read, loaded, rejected = con.execute("select rows_read, rows_loaded, rows_rejected from raw._manifest "
                                         "where source = 'occupancy_counts'").fetchone()
    assert (read, loaded + rejected) == (49_990, 49_990)
    assert con.execute("select count(*) from raw.occupancy_counts").fetchone()[0] == loaded
    assert con.execute("select count(*) from raw.occupancy_counts_rejects").fetchone()[0] == rejected
    con.close()

    proc = dbt_build(db, tmp_path / "target")
    assert proc.returncode == 0, proc.stdout[-4000:]
    expected, capacity = expected_daily(src)
    con = duckdb.connect(str(db), read_only=True)
    got = {(r[0], r[1]): r[2:] for r in con.execute(
        "select site, day, n_observations, min_available_seats, max_available_seats, mean_available_seats, "
        "capacity_seats, capacity_method, mean_occupied_seats, peak_occupancy_rate from marts.fct_occupancy_daily"
    ).fetchall()}
    assert {s for s, _ in got} == {"Moulin", "Alésia"}
    assert set(got) == set(expected)
    for (site, day), (n, lo, hi, total) in expected.items():
        g = got[(site, day)]
        assert g[:3] == (n, lo, hi)
        assert g[3] == pytest.approx(total / n)
        assert g[4:6] == (capacity[site], "maximum_observe")
        assert g[6] == pytest.approx(capacity[site] - total / n)
        assert g[7] == pytest.approx((capacity[site] - lo) / capacity[site])
    per_site = dict(con.execute("select site, count(*) from marts.fct_occupancy_daily group by site").fetchall())
    assert per_site == {s: sum(1 for k in expected if k[0] == s) for s in ("Moulin", "Alésia")}
    assert sum(r[0] for r in got.values()) == 2 * 49_990     # every observation of both sites is counted once
    con.close()


@pytest.mark.slow   # dbt build of +fct_occupancy_daily
def test_messy_series_rejects_with_french_reasons(tmp_path):
    path = tmp_path / "comptage_tiers_lieu.csv"
    path.write_text(
        "horodatage;Salle A;Salle B\n"
        "2025-03-03 09:00:00;10;5\n"
        "2025-03-03 09:10:00;8;\n"          # one site not observed: kept
        "03/03/2025 09:20;7;4\n"            # another timestamp format: kept
        "hier matin;7;4\n"                  # unreadable timestamp
        "2025-03-03 09:30:00;sept;4\n"      # not a number
        "2025-03-03 09:40:00;-1;4\n"        # negative
        "2025-03-03 09:00:00;10;5\n"        # repeated timestamp
        "2025-03-03 09:50:00;;\n"           # nothing observed
        "2025-03-04 10:00:00;3;2;9\n",      # one field too many
        encoding="utf-8")
    db = tmp_path / "messy.duckdb"
    con = duckdb.connect(str(db))
    result = load(con, [fetch("occupancy_counts", str(path), tmp_path / "snapshots")])
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (9, 3, 6)
    reasons = dict(con.execute("select _line, reason from raw.occupancy_counts_rejects").fetchall())
    assert set(reasons) == {5, 6, 7, 8, 9, 10}
    assert reasons[5] == "comptage_tiers_lieu.csv, ligne 5 : colonne « horodatage » (horodatage) : valeur « hier matin » illisible"
    assert "colonne « Salle A »" in reasons[6] and "« sept »" in reasons[6]
    assert "colonne « Salle A »" in reasons[7] and "« -1 »" in reasons[7]
    assert "doublon" in reasons[8] and "ligne 2" in reasons[8]
    assert "aucune valeur" in reasons[9]
    assert "nombre de champs incorrect" in reasons[10]
    con.close()
    proc = dbt_build(db, tmp_path / "target")
    assert proc.returncode == 0, proc.stdout[-4000:]
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("select site, n_observations, min_available_seats, capacity_seats, peak_occupied_seats "
                       "from marts.fct_occupancy_daily order by site").fetchall()
    assert rows == [("Salle A", 3, 7, 10, 3), ("Salle B", 2, 4, 5, 1)]
    con.close()


def test_demo_series_in_the_published_warehouse(demo_warehouse, demo_mirror):
    from ingest.demo.attendance import REL_PATH, SITES

    expected, _ = expected_daily(demo_mirror[0] / REL_PATH)
    got = demo_warehouse.execute("select site, count(*), sum(n_observations), any_value(capacity_seats), "
                                 "any_value(capacity_method), max(peak_occupancy_rate) <= 1 "
                                 "from marts.fct_occupancy_daily group by site order by site").fetchall()
    assert got == sorted((name, sum(1 for k in expected if k[0] == name),
                          sum(v[0] for k, v in expected.items() if k[0] == name), cap, "declaree", True)
                         for name, cap, _ in SITES)


def test_a_damaged_copy_of_the_real_series_is_refused_or_shown(tmp_path, shared_data):
    """A stray quote at line 11 of the real series swallowed the 49,980 lines after it into one reject (10 rows
    read instead of 49,990) without a word, and a last row cut inside its value loaded without the warning the
    reader gave. Now the quote refuses the file, naming its line and the file by its location (so that the
    previous copy can stand in, ingest.sources.load_or_keep_previous), and the cut last row is shown."""
    data = (shared_data / REAL).read_bytes()
    lines = data.split(b"\n")
    lines[10] = lines[10].replace(b",", b',"', 1)
    bad = tmp_path / "mirror" / "attendance.csv"
    bad.parent.mkdir()
    bad.write_bytes(b"\n".join(lines))
    snap = fetch("occupancy_counts", str(bad), tmp_path / "snapshots")
    with pytest.raises(ContractError, match=rf"\({re.escape(str(bad))}\) : CSV abîmé : l'enregistrement qui commence "
                                            r"à la ligne 11 s'étend sur 49981 lignes \(au plus 1 pour cette source\)"):
        load(duckdb.connect(), [snap])
    cut = tmp_path / "cut" / "attendance.csv"
    cut.parent.mkdir()
    cut.write_bytes(data.rstrip(b"\r\n")[:-1])
    res = load(duckdb.connect(), [fetch("occupancy_counts", str(cut), tmp_path / "snapshots")])
    assert (res.rows_read, res.rows_loaded) == (49990, 49990)
    [warning] = res.files[0].warnings
    assert warning.startswith("dernier enregistrement (ligne 49991) sans fin de ligne : lu")
