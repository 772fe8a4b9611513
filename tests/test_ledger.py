"""Ceasefire ledger rules: areas on the map, periods, merging."""
from __future__ import annotations

import itertools

import pytest

from fixture_reports import ceasefire, location
from vigil import ledger


def zone(text):
    [a] = ledger.resolve_area(text)
    return a


@pytest.mark.parametrize("text", ["Idlib", "Idleb", "Idlib province", "northwest Syria", "north-western Syria",
                                  "the Idlib de-escalation zone", "greater Idlib"])
def test_idlib_in_ceasefire_news_means_the_de_escalation_zone(text):
    assert zone(text).zone_id == "idlib-de-escalation-zone"


def test_other_areas():
    assert zone("Syria").kind == "country"
    assert zone("Yemen").kind == "country"
    assert zone("Daraa").kind == "admin"
    assert zone("southern Syria").zone_id == "southwest-syria-de-escalation-zone"
    assert [a.label for a in ledger.resolve_area("Idlib and Hama")] == ["Idlib de-escalation zone", "Hama"]
    assert ledger.resolve_area(None) == () and ledger.resolve_area("  ") == ()
    assert zone("Syria (nationwide)").kind == "country"
    assert [a.label for a in ledger.resolve_area("Idlib and Aleppo provinces")] == ["Idlib de-escalation zone",
                                                                                   "Aleppo provinces"]
    assert ledger.resolve_area("Idlib and Aleppo provinces")[1].kind == "admin"


@pytest.mark.parametrize("place,inside", [
    ("Kafr Taal", True), ("Kafr Nuran", True), ("Taqad", True),  # western Aleppo countryside (Jebel Saman)
    ("Ariha", True), ("Sarmin", True),  # Idlib governorate
    ("Aleppo", False),  # the same district, but the city is outside the zone
    ("Douma", False),
])
def test_idlib_zone_membership(place, inside):
    assert ledger.area_contains(zone("Idlib"), location(place)) is inside


def test_membership_by_admin_names_without_coordinates():
    idlib = zone("Idlib")
    assert ledger.area_contains(idlib, {"name": "X", "admin1": "Idleb", "country": "Syria"})
    assert ledger.area_contains(idlib, {"name": "X", "admin1": "Aleppo", "admin2": "Mount Simeon"})  # partly in: possible
    assert not ledger.area_contains(idlib, {"name": "X", "admin1": "Aleppo", "admin2": "Manbij"})
    assert not ledger.area_contains(idlib, {"name": "X", "admin1": "Idlib", "country": "Iraq"})
    # a northern Hama village by its point
    assert ledger.area_contains(idlib, {"name": "Kafr Zita", "admin1": "Hama", "admin2": "Muhradah",
                                        "lat": 35.37, "lon": 36.60, "country": "Syria"})
    assert ledger.area_contains(zone("Syria"), {"name": "X", "country": "Syria"})
    assert not ledger.area_contains(zone("Yemen"), {"name": "X", "country": "Syria"})
    assert ledger.area_contains(zone("Daraa"), {"name": "X", "admin1": "Dar'a"})


def test_period():
    cf = ceasefire(announced_on="2020-01-08", effective_from="2020-01-09")
    inc = {"date": "2020-01-21", "location": location("Kafr Taal"), "perpetrator": "Russia"}
    assert ledger.is_violation(cf, inc)
    assert not ledger.is_violation(cf, {**inc, "date": "2020-01-08"})
    assert not ledger.is_violation({**cf, "effective_until": "2020-01-20"}, inc)
    assert ledger.is_violation({**cf, "effective_from": None}, {**inc, "date": "2020-01-08"})  # announced_on counts
    assert not ledger.is_violation({**cf, "area": "the front line"}, inc)
    assert ledger.by_declarer(cf, inc)


def _c(key, **kw):
    return {**ceasefire(**kw), "claim_key": key, "report_key": key, "doc_id": key, "url": None, "published": "2020-01-12"}


def test_merging():
    a = _c("a", declared_by=("Russia",), effective_from="2020-01-09")
    b = _c("b", declared_by=("Russia", "Turkey"), effective_from="2020-01-10", area="Idlib province")
    c = _c("c", declared_by=("Turkey",), effective_from="2020-01-12")
    assert ledger.same_ceasefire(a, b) and not ledger.same_ceasefire(b, c) and not ledger.same_ceasefire(a, c)
    merged = {repr(ledger.merge_ceasefires(list(p))) for p in itertools.permutations([a, b])}
    assert len(merged) == 1
    m = ledger.merge_ceasefires([a, b])
    assert m["declared_by"] == ["Russia", "Turkey"] and m["reports"] == 2 and m["area"] == "Idlib"
