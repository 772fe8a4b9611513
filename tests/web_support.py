"""Shared by the web tests: the bundled sample corpus ingested once per module, and invented reports."""
from __future__ import annotations

from importlib.resources import files

import pytest

from conftest import postgres_url_or_skip

# Invented for these tests: the places and numbers are made up.
NEW_REPORT = {
    "doc_id": "web-test-zarkan",
    "published": "2024-02-03",
    "text": "An air strike hit the market of Saraqib in Idlib province on Friday, killing seven civilians, "
            "including two children, the civil defence said.\nRescuers were still searching the rubble.",
}
SECOND_REPORT = {
    "doc_id": "web-test-ariha",
    "published": "2024-02-05",
    "text": "Shelling struck the town of Ariha in Idlib province on Sunday, killing four civilians, "
            "a local monitor said.",
}


def ingest_samples(url: str) -> None:
    from vigil.pipeline import process
    from vigil.read import read_paths
    from vigil.store import ingest_reports, open_store

    dicts = []
    for doc in read_paths([str(files("vigil") / "samples" / "docs")]):
        d = process(doc).to_dict()
        d["text"] = doc.text
        dicts.append(d)
    with open_store(url) as s:
        summary = ingest_reports(s, dicts)
    assert summary.failed == 0


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sample_url(request, tmp_path_factory) -> str:
    """A database holding the sample corpus, on each backend (read-only tests share it)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'samples.db'}"
    else:
        url = postgres_url_or_skip()
    ingest_samples(url)
    return url
