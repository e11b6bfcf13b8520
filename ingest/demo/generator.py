"""Generator of the synthetic territories: one pipeline, two scales.

The demo and the benchmarks run on FICTIONAL territories, written as a local "mirror" of the public
publications the warehouse reads in production: every file has the exact format of the real
publication it stands for (:mod:`ingest.demo.formats`) at the path the configurations expect
(:mod:`ingest.demo.layout`); none of its rows comes from a real file. Two territories (scales):

* ``demo``: one fictional département, « Territoire d'exemple - données fictives », 300 communes
  (:mod:`ingest.demo.departement`), read by ``config/demo.toml`` (``make demo``);
* ``national``: a fictional France at the size of the real national publications, 35,000 communes and
  1,000,000 flows at ``scale`` 1 (:mod:`ingest.demo.national`), for ``bench/`` (and the tests at 1/100).

A scale draws its territory from the seed; this module writes its publications, the occupancy counts
(:mod:`ingest.demo.attendance`) and the referential files (:mod:`ingest.demo.referential`), then the
« truth » (:mod:`ingest.demo.truth`): what the generator knows it produced, computed from the values
actually written, returned and written as ``truth.json`` so tests and the benchmark can compare the
warehouse with it. The same seed (and scale) gives byte-identical files. Command line::

    python -m ingest.demo.generator --out data/mirror/demo [--seed 2024]
    python -m ingest.demo.generator --territory national --out data/mirror/national [--scale 1] [--stress-flows]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.demo import departement, formats, layout, national
from ingest.demo.attendance import write_attendance
from ingest.demo.mobpro_detail import telework_truth
from ingest.demo.records import Drawn
from ingest.demo.truth import truth as truth_of
from ingest.sources import SOURCES


@dataclass(frozen=True)
class Scale:
    draw: Callable[..., Drawn]     # (seed, scale, say) -> the territory, drawn
    detailed_truth: bool           # a département's truth (lists) rather than a country's (counts)
    truth_indent: int              # truth.json's indentation (the national one is large)
    default_out: str


SCALES: dict[str, Scale] = {
    "demo": Scale(departement.draw, detailed_truth=True, truth_indent=2, default_out="data/mirror/demo"),
    "national": Scale(national.draw, detailed_truth=False, truth_indent=1, default_out="data/mirror/national"),
}


def write_mirror(out_dir: Path, seed: int = 2024, territory: str = "demo", scale: float = 1.0,
                 log: Callable[[str], None] | None = None) -> tuple[dict, dict[str, int]]:
    """Write the mirror of ``territory`` (``demo`` or ``national``, the latter at ``scale``) under ``out_dir``;
    return (truth, {relative path: data records})."""
    spec = SCALES[territory]
    out_dir = Path(out_dir)
    say = log or (lambda msg: None)
    t0 = time.perf_counter()
    drawn = spec.draw(seed, scale, say)
    written: dict[str, int] = {}
    for rel, records in drawn.publications:
        written[rel] = formats.write(out_dir, rel, records)
    written.update(write_attendance(out_dir, seed))
    ref_truth, ref_written = drawn.write_referential(out_dir)
    written.update(ref_written)
    for name, source in SOURCES.items():   # sources that write their own demo files (their declaration)
        if source.demo is not None and name in layout.MIRROR_PATHS:
            written.update(source.demo(out_dir, drawn))
    truth = truth_of(drawn.facts, written, detailed=spec.detailed_truth)
    if spec.detailed_truth and "mobpro_detail" in layout.MIRROR_PATHS:   # the telework figures of the demo
        truth["telework"] = telework_truth(out_dir, drawn.facts)
    if ref_truth is not None:
        truth["referential"] = ref_truth
    (out_dir / layout.TRUTH).write_text(
        json.dumps(truth, ensure_ascii=False, indent=spec.truth_indent, sort_keys=True) + "\n", encoding="utf-8")
    say(f"fichiers écrits ({time.perf_counter() - t0:.1f} s)")
    return truth, written


def generate(out_dir: Path, seed: int = 2024, territory: str = "demo", scale: float = 1.0) -> dict:
    """Write the mirror under ``out_dir`` and return the truth (also written as truth.json)."""
    return write_mirror(out_dir, seed, territory, scale)[0]


def write_stress_flows(out_dir: Path, seed: int = 2024, scale: float = 1.0, rows: int | None = None) -> Path:
    """Write the national benchmark's MOBPRO-sized flows file (``layout.STRESS_FLOWS``, about 8,000,000 rows
    at scale 1), apart from the mirror's publications."""
    return national.write_stress_flows(out_dir, seed, scale, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Génère un territoire fictif (miroir local des publications).")
    parser.add_argument("--territory", choices=sorted(SCALES), default="demo",
                        help="demo : le département fictif de démonstration ; national : la France fictive du banc "
                             "d'essai (demo)")
    parser.add_argument("--out", default=None,
                        help="dossier de sortie (data/mirror/demo, data/mirror/national pour --territory national)")
    parser.add_argument("--seed", type=int, default=2024, help="graine du générateur (2024)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="facteur d'échelle du territoire national (1 = France entière)")
    parser.add_argument("--stress-flows", action="store_true",
                        help="territoire national : écrit aussi le fichier de flux de ~8 millions de lignes (stress/...)")
    parser.add_argument("--stress-only", action="store_true",
                        help="territoire national : n'écrit que le fichier de flux de stress")
    args = parser.parse_args(argv)
    is_national = args.territory == "national"
    if not is_national and (args.scale != 1.0 or args.stress_flows or args.stress_only):
        parser.error("--scale, --stress-flows et --stress-only ne concernent que --territory national")
    out = Path(args.out or SCALES[args.territory].default_out)
    if not args.stress_only:
        # Progress lines for the national territory only (it takes tens of seconds; the demo one second).
        _, written = write_mirror(out, seed=args.seed, territory=args.territory, scale=args.scale,
                                  log=print if is_national else None)
        for rel, n in written.items():
            print(f"{out / rel}\t{n}")
        print(f"total\t{sum(written.values())} lignes dans {len(written)} fichiers (+ {out / layout.TRUTH})")
    if args.stress_flows or args.stress_only:
        t0 = time.perf_counter()
        path = write_stress_flows(out, seed=args.seed, scale=args.scale)
        with path.open("rb") as fh:
            n = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b"")) - 1
        print(f"{path}\t{n}\t({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
