"""Every curated table validates against its schema and cites only keys of book/references.bib."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from pybtex.database import parse_file

from analysis.data import loader as data

DATASETS = data.available()


def test_every_csv_has_a_schema_and_every_schema_a_csv():
    csvs = {p.stem for p in data.DATA_DIR.glob("*.csv")}
    schemas = {p.name.removesuffix(".schema.yml") for p in data.DATA_DIR.glob("*.schema.yml")}
    assert csvs == schemas, f"unpaired: {sorted(csvs ^ schemas)}"
    assert DATASETS, "no curated datasets found"


@pytest.mark.parametrize("name", DATASETS)
def test_dataset_validates_and_cites_known_sources(name):
    df = data.load(name)  # raises with file, row and column on any problem
    assert len(df) > 0
    keys = data.bib_keys()
    cited = {k for cell in df["source"] for k in cell.split(";")}
    assert cited <= keys


def test_bibliography_parses_without_duplicate_keys():
    text = data.BIB_PATH.read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,\s]+),", text, flags=re.M)
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"duplicate BibTeX keys: {duplicates}"
    entries = parse_file(str(data.BIB_PATH), bib_format="bibtex").entries
    assert set(entries) == set(keys)
    for key, entry in entries.items():
        assert "title" in entry.fields, f"{key}: no title"
        assert "year" in entry.fields or "date" in entry.fields, f"{key}: no year"


def test_software_table_lists_installed_packages():
    """Every listed package is installed, except those of pyproject's optional extras (deep, scale)."""
    import re
    import tomllib

    extras = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    optional = {re.split(r"[\[<>=!~; ]", req, maxsplit=1)[0].lower() for reqs in extras.values() for req in reqs}
    optional |= {"sdv"}  # evaluated and rejected for chapter 6 (it imports torch); listed with that reason
    software = data.load("software")
    for package in software["package"]:
        if package.lower() in optional:
            continue
        try:
            version(package)
        except PackageNotFoundError:
            pytest.fail(f"software.csv lists {package}, which is not installed")
