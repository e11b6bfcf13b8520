"""Read a snapshot file into header + string records, whatever its encoding and separator.

Values stay strings exactly as published (no type guessing: INSEE codes keep their leading zeros);
an empty field becomes ``None``. Each record carries its position: ``row`` (1-based record number,
header excluded) and ``line`` (physical line where the record starts, header = line 1).
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ingest.errors import ContractError

SEPARATORS = (";", ",", "\t", "|")
csv.field_size_limit(1 << 24)


@dataclass
class Record:
    row: int
    line: int
    values: list[str]


def detect_encoding(path: Path, source: str) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else cp1252 (a superset of latin-1)."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            return "cp1252"


def _check_not_html_or_empty(path: Path, source: str) -> None:
    with path.open("rb") as fh:
        head = fh.read(2048)
    text = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    if not text:
        raise ContractError(source, "le fichier reçu est vide.", location=str(path))
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head")):
        raise ContractError(source, "le fichier reçu est une page HTML (page d'erreur du serveur ?) et non "
                                    "un fichier de données.", location=str(path))


def sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def read_csv(path: Path, source: str) -> tuple[list[str], Iterator[Record], dict]:
    """Open a CSV file; return its header, an iterator of records, and what was detected."""
    _check_not_html_or_empty(path, source)
    encoding = detect_encoding(path, source)
    fh = path.open("r", encoding=encoding, newline="")
    first = fh.readline()
    sep = sniff_separator(first)
    fh.seek(0)
    reader = csv.reader(fh, delimiter=sep)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise ContractError(source, "le fichier ne contient pas de ligne d'en-tête.", location=str(path))
    header = [h.strip().lstrip("\ufeff") for h in header]

    def records() -> Iterator[Record]:
        try:
            row = 0
            start_line = reader.line_num + 1
            for values in reader:
                if not values or (len(values) == 1 and values[0] == ""):
                    start_line = reader.line_num + 1
                    continue
                row += 1
                yield Record(row=row, line=start_line, values=values)
                start_line = reader.line_num + 1
        except csv.Error as exc:
            raise ContractError(source, f"CSV illisible à la ligne {reader.line_num} : {exc}", location=str(path))
        finally:
            fh.close()

    return header, records(), {"encoding": encoding, "separator": sep}

