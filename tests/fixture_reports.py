"""Hand-written report dicts in the codebook shape (`Report.to_dict()` plus `text`).

The sentences are invented for the tests; places and coordinates are real
(Who's On First / GeoNames gazetteer entries), so geography rules are tested
against true positions.
"""
from __future__ import annotations

from typing import Any

PLACES = {
    "Kafr Taal": dict(matched_name="Kafr Ta`al", admin1="Aleppo", admin2="Jebel Saman", country="Syria",
                      lat=36.15423, lon=36.89346, geo_precision="place", gazetteer_id="wof:1242963005"),
    "Kafr Nuran": dict(matched_name="Kafr Nuran", admin1="Aleppo", admin2="Jebel Saman", country="Syria",
                       lat=36.08167, lon=36.83047, geo_precision="place", gazetteer_id="wof:1344153227"),
    "Ariha": dict(matched_name="Ariha", admin1="Idleb", admin2="Ariha", country="Syria",
                  lat=35.81374, lon=36.60964, geo_precision="place", gazetteer_id="wof:1293760771"),
    "Taqad": dict(matched_name="Taqad", admin1="Aleppo", admin2="Jebel Saman", country="Syria",
                  lat=36.19868, lon=36.86977, geo_precision="place", gazetteer_id="wof:1209399203"),
    "Sarmin": dict(matched_name="Sarmin", admin1="Idleb", admin2="Idleb", country="Syria",
                   lat=35.90403, lon=36.72501, geo_precision="place", gazetteer_id="wof:1259660971"),
    "Aleppo": dict(matched_name="Aleppo", admin1="Aleppo", admin2="Jebel Saman", country="Syria",
                   lat=36.20124, lon=37.16117, geo_precision="place", gazetteer_id="wof:101751765"),
    "Douma": dict(matched_name="Duma", admin1="Rif Dimashq", admin2="Douma", country="Syria",
                  lat=33.57175, lon=36.40270, geo_precision="place", gazetteer_id="wof:421168901"),
}


def location(name: str, spelled: str | None = None, **over: Any) -> dict[str, Any]:
    loc = {"name": spelled or name, **PLACES.get(name, dict(matched_name=None, admin1=None, admin2=None,
                                                           country=None, lat=None, lon=None,
                                                           geo_precision=None, gazetteer_id=None))}
    loc.update(over)
    return loc


def incident(place: str, killed: int | None, *, date: str = "2020-01-21", type: str = "airstrike",
             perpetrator: str | None = "Russia", spelled: str | None = None, sources=("White Helmets",),
             evidence: str | None = None, children: int | None = None, precision: str = "day",
             loc: dict | None = None, **extra: Any) -> dict[str, Any]:
    sentence = evidence or f"Warplanes struck {spelled or place}, killing {killed} people."
    d = {
        "date": date, "date_precision": precision, "type": type, "perpetrator": perpetrator,
        "location": loc or location(place, spelled),
        "killed": killed, "killed_qualifier": "exact" if killed is not None else None, "injured": None,
        "victims": "civilians", "children_killed": children, "women_killed": None,
        "sources": list(sources), "evidence": [sentence], "evidence_spans": [[0, len(sentence)]],
    }
    d.update(extra)
    return d


def ceasefire(declared_by=("Russia",), *, announced_on=None, effective_from=None, effective_until=None,
              area="Idlib", evidence="A ceasefire took effect.") -> dict[str, Any]:
    return {"declared_by": list(declared_by), "announced_on": announced_on, "effective_from": effective_from,
            "effective_until": effective_until, "area": area, "evidence": [evidence],
            "evidence_spans": [[0, len(evidence)]]}


def report(doc_id: str, published: str, incidents=(), ceasefires=(), totals=(), text: str | None = None,
           url: str | None = None) -> dict[str, Any]:
    body = text if text is not None else " ".join(
        s for c in [*incidents, *ceasefires, *totals] for s in c["evidence"]) + f" (Report {doc_id}.)"
    return {"doc_id": doc_id, "url": url or f"https://example.org/{doc_id}", "published": published,
            "reports_incident": bool(incidents), "incidents": list(incidents), "totals": list(totals),
            "ceasefires": list(ceasefires), "text": body}


def kafr_taal_outlets() -> list[dict[str, Any]]:
    """Three outlets on the strikes of 2020-01-21 west of Aleppo and in Idlib."""
    a = report("outlet-a", "2020-01-21", incidents=[
        incident("Kafr Taal", 9, children=6, evidence="Russian jets bombed Kafr Taal on Tuesday and nine members of one family died, six of them children."),
        incident("Kafr Nuran", 2, evidence="Two more people died when bombs fell on Kafr Nuran."),
        incident("Ariha", 3, evidence="In Ariha, three civilians were killed in a raid on the market."),
    ], text="Russian jets bombed Kafr Taal on Tuesday and nine members of one family died, six of them children. "
            "Two more people died when bombs fell on Kafr Nuran. In Ariha, three civilians were killed in a raid "
            "on the market. Rescuers said the search went on into the night.")
    b = report("outlet-b", "2020-01-21", incidents=[
        incident("Kafr Taal", 9, spelled="Kfar Ta'al", sources=("Syrian Observatory for Human Rights",),
                 evidence="The monitor counted nine dead in Kfar Ta'al after the air raid, including six children."),
        incident("Kafr Nuran", 2, spelled="Kafr Noran", sources=("Syrian Observatory for Human Rights",),
                 evidence="Another two were killed in Kafr Noran, the monitor added."),
    ], text="The monitor counted nine dead in Kfar Ta'al after the air raid, including six children. "
            "Another two were killed in Kafr Noran, the monitor added. Residents fled towards the border.")
    c = report("outlet-c", "2020-01-22", incidents=[
        incident("Kafr Taal", 10, spelled="Kefer Teal", sources=("Response Coordination Group",),
                 evidence="Ten civilians, most of them from one family, were killed in Kefer Teal on Tuesday."),
        incident("Ariha", 3, sources=("Response Coordination Group",),
                 evidence="Three people lost their lives in Ariha the same day."),
    ], text="Ten civilians, most of them from one family, were killed in Kefer Teal on Tuesday. "
            "Three people lost their lives in Ariha the same day. Aid groups warned of a new wave of displacement.")
    return [a, b, c]


def russian_ceasefire_report() -> dict[str, Any]:
    return report("truce-1", "2020-01-12", ceasefires=[
        ceasefire(("Russia",), announced_on="2020-01-08", effective_from="2020-01-09", area="Idlib",
                  evidence="Moscow said a truce in Idlib had been in force since January 9."),
    ], text="Moscow said a truce in Idlib had been in force since January 9. Ankara did not comment on the claim.")
