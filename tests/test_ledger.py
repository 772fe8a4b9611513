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


# ---- issue 9: when a truce stops binding, and where it binds -----------------------------------


def _cf(cid, start, declared=("Russia",), until=None, area="Idlib", last=None, collapse=None):
    from vigil import ledger

    return ledger.finish({"id": cid, "declared_by": list(declared), "announced_on": None, "effective_from": start,
                          "effective_until": until, "area": area, "last_reported": last or start,
                          "collapse_reported_on": collapse, "evidence": []})


def test_settle_picks_the_earliest_rule_and_names_it():
    from vigil import ledger

    records = [_cf("a", "2020-01-09"), _cf("b", "2020-02-01", declared=("Russia", "Turkey")),
               _cf("c", "2020-01-01", declared=("Houthis",), area="Yemen", until="2020-01-05"),
               _cf("d", "2020-01-01", declared=("Houthis",), area="Yemen", collapse="2020-01-03"),
               _cf("e", "2020-01-09", declared=("Turkey",), area="Homs", last="2020-03-01")]
    ends = ledger.settle(records, horizon=90)
    assert ends["a"] == ("2020-01-31", {"rule": "superseded", "by": "b", "on": "2020-01-31"})
    assert ends["b"][1]["rule"] == "horizon" and ends["b"][0] == "2020-05-01"
    assert ends["c"][1]["rule"] == "stated end"
    assert ends["d"] == ("2020-01-03", {"rule": "collapse reported", "on": "2020-01-03"})
    assert ends["e"][0] == "2020-05-30"  # 90 days after the last report that mentions it


def test_a_later_truce_of_other_parties_does_not_replace_one():
    from vigil import ledger

    ends = ledger.settle([_cf("a", "2020-01-09", declared=("Russia",)),
                          _cf("b", "2020-02-01", declared=("Houthis",))], horizon=90)
    assert ends["a"][1]["rule"] == "horizon"


def test_areas_resolve_to_the_place_the_text_means():
    from vigil import ledger

    assert ledger.narrowed_area("Israel", ["A truce took hold in Gaza on Friday."]) == "Gaza Strip"
    assert ledger.narrowed_area("Israel", ["Calm returned to the West Bank."]) == "West Bank"
    assert ledger.narrowed_area("Lebanon", ["Talks on Gaza went on."]) == "Lebanon"  # Gaza is not in Lebanon
    assert ledger.narrowed_area("Syria", ["A nationwide truce, Idlib included."]) == "Syria"
    gaza = ledger.resolve_area("Gaza Strip")[0]
    assert ledger.area_contains(gaza, {"name": "Khan Younis", "country": "Israel"})
    assert not ledger.area_contains(gaza, {"name": "Haifa", "country": "Israel", "lat": 32.8, "lon": 35.0,
                                           "geo_precision": "place"})
    assert ledger.resolve_area("Qwertzuiop Festival")[0].placed is False


def test_a_stated_end_before_the_start_is_not_used():
    cf = _cf("a", "2020-01-09", until="2019-01-01")
    assert cf["effective_until"] is None and cf["date_errors"]


def test_collapse_words_are_data():
    from vigil import ledger

    assert ledger.says_ended("The truce broke down within hours.")
    assert ledger.says_ended("Hamas suspended the ceasefire.")
    assert not ledger.says_ended("The truce held through the night.")
