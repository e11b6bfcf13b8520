"""``observatoire verifier SOURCE FICHIER`` (ingest/verifier.py): a file checked against its source without
touching the warehouse, with what a refresh would do; on the real files, the same accounting as the refresh."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.config import PROJECT_ROOT
from ingest.verifier import main, verify

ACCOUNTING = re.compile(r"^    lignes lues (\d+) = chargées (\d+) \+ rejetées (\d+)$", re.M)


def run(source: str, files: list[Path], tmp_path: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = verify(source, [str(f) for f in files], tmp_path / "rapport.csv", out=out)
    return code, out.getvalue()


def test_a_sound_file_a_damaged_one_and_an_unknown_source(tmp_path):
    good = tmp_path / "fs.csv"
    good.write_text('"id_fs","lib_fs","insee_com","insee_dep","latitude","longitude","type_fs","format_fs"\n'
                    '"1","FS A","2B14","2B",42.5,9.0,"Principal","Fixe"\n'
                    '"2","FS B","01053","01",46.2,5.2,"antenne","Bus_équivalent"\n'
                    '"3","FS C","01053","01",46.2,5.2,"Mobile","Fixe"\n', encoding="utf-8")
    code, text = run("france_services", [good], tmp_path)
    assert code == 0, text
    assert "fs.csv : format csv (utf-8, séparateur « , »), millésime reconnu : 2024 (CSV)" in text
    assert ACCOUNTING.findall(text) == [("3", "3", "0")]
    assert "avertissement : colonne « type_fs » : valeur(s) inconnue(s) du millésime 2024 (CSV) (« Mobile »)" in text
    assert "corrections : 1 valeur(s) corrigée(s), 1 valeur(s) inutilisable(s) ou non reconnue(s)" in text
    assert f"Rapport par champ (à renvoyer à l'éditeur) : {tmp_path / 'rapport.csv'} (2 ligne(s))" in text
    assert "Un rafraîchissement chargerait ce(s) fichier(s)." in text

    cut = tmp_path / "cut.csv"
    cut.write_bytes(good.read_bytes()[:-5])
    code, text = run("france_services", [cut], tmp_path)
    assert code == 1
    assert "FICHIER REFUSÉ : Source « france_services »" in text and "fichier tronqué" in text

    assert main(["verifier", "inconnue", str(good)]) == 2
    # Nothing of a deployment was written: no warehouse, no snapshot archive in the project or here.
    assert not (tmp_path / "warehouse").exists() and not (tmp_path / "snapshots").exists()


def test_too_many_rejected_rows_would_be_refused(tmp_path):
    f = tmp_path / "tl.csv"
    f.write_text("ID,NOM_TL,ADRESSE,CP,INSEECOM,NOMCOM,TYPO,LAT,LONG\n"
                 + "".join(f"{i},Lieu {i},,01000,X{i},,,46.2,5.2\n" for i in range(1, 21)), encoding="utf-8")
    code, text = run("tierslieux_2019", [f], tmp_path)
    assert code == 1 and "REFUS : plus de 5 % des lignes rejetées (et plus de 10)" in text
    assert "rejet : tl.csv, ligne 2 : colonne « INSEECOM »" in text


def test_console_script_and_make_target_are_declared():
    assert 'observatoire = "ingest.verifier:main"' in (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "verifier:" in (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ingest.verifier", "verifier", "--help"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "sans toucher à l'entrepôt" in proc.stdout


def test_verifier_on_every_real_file_matches_the_refresh(real_warehouse, tmp_path):
    """For every source of the real files' publication, the files of its manifest (in the refresh's order)
    checked by the verifier give the rows read / loaded / rejected the refresh recorded, file by file."""
    con, _, settings = real_warehouse
    manifest = con.execute(
        "select source, location, rows_read, rows_loaded, rows_rejected from raw._manifest m where loaded_at = "
        "(select max(loaded_at) from raw._manifest where source = m.source) order by source").fetchall()
    by_source: dict[str, list] = {}
    for source, location, *counts in manifest:
        by_source.setdefault(source, []).append((location, tuple(str(c) for c in counts)))
    assert len(by_source) >= 15
    for source, files in by_source.items():
        order = list(settings.sources[source].locations)
        files.sort(key=lambda f: order.index(f[0]) if f[0] in order else len(order))
        out = io.StringIO()
        code = verify(source, [f[0] for f in files], tmp_path / f"{source}.csv", str(settings.config_path), out=out)
        text = out.getvalue()
        assert code == 0, text
        assert ACCOUNTING.findall(text) == [counts for _, counts in files], (source, text)


@pytest.mark.parametrize("argv", [["verifier"], []])
def test_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as err:
        main(argv)
    assert err.value.code == 2
