"""Fusion rules as pure functions: names, places, days, figures, grades, order independence."""
from __future__ import annotations

import itertools
import random

import pytest

from fixture_reports import incident, location
from vigil import fuse


def claim(place, killed, *, report="r1", published="2020-01-21", group=None, idx=0, **kw):
    c = incident(place, killed, **kw)
    key = fuse.claim_key(report, idx)
    return {**c, "claim_key": key, "report_key": report, "copy_group": group or report, "doc_id": report,
            "url": None, "published": published}


@pytest.mark.parametrize("a,b", [
    ("Kafr Taal", "Kfar Ta'al"), ("Kafr Taal", "Kefer Teal"), ("Kafr Taal", "kafr ta`al"),
    ("Maarat al-Nouman", "Ma'arrat an-Nu'man"), ("Khan Sheikhoun", "Khan Shaykhun"), ("Idleb", "Idlib"),
    ("Saraqeb", "Saraqib"), ("Al-Bara", "Bara"), ("Deir ez-Zor", "Dayr az-Zawr"), ("Jisr al-Shughur", "Jisr ash-Shughur"),
    ("Kafr Nuran", "Kafr Noran"), ("Takad", "Taqad"), ("Ḥamāh", "Hama"),
])
def test_transliteration_variants_fold_together(a, b):
    assert fuse.fold_name(a) == fuse.fold_name(b)


@pytest.mark.parametrize("a,b", [("Kafr Taal", "Kafr Nuran"), ("Ariha", "Sarmin"), ("Taqad", "Takhad al-Kabir")])
def test_different_places_stay_apart(a, b):
    assert fuse.fold_name(a) != fuse.fold_name(b)


def test_place_rules_in_order():
    gid_a = location("Kafr Taal")
    assert fuse.same_place(gid_a, location("Kafr Taal", "Kfar Ta'al"))
    # two gazetteer ids for one spelling: the same place only when the two entries lie close together
    assert fuse.same_place(gid_a, {**location("Kafr Taal"), "gazetteer_id": "wof:other"})
    far_namesake = {**location("Kafr Taal"), "gazetteer_id": "wof:other", "lat": 36.60, "lon": 36.90}
    assert not fuse.same_place(gid_a, far_namesake)
    assert not fuse.same_place(gid_a, {**location("Kafr Nuran"), "gazetteer_id": "wof:other"})
    # no id on one side: coordinates within a few km
    assert fuse.same_place(gid_a, {"name": "the village", "lat": 36.16, "lon": 36.90})
    assert not fuse.same_place(gid_a, {"name": "Kafr Taal", "lat": 36.30, "lon": 36.90})
    # a province centroid is no evidence of the same place; names decide
    assert not fuse.same_place({"name": "Sarmin", "lat": 35.9, "lon": 36.7, "geo_precision": "province"},
                               {"name": "Ariha", "lat": 35.9, "lon": 36.7, "geo_precision": "province"})
    assert fuse.same_place({"name": "Kfar Ta'al"}, {"name": "Kafr Taal"})


def test_day_rules():
    a = claim("Kafr Taal", 9, date="2020-01-21")
    assert not fuse.same_incident(a, claim("Kafr Taal", 9, date="2020-01-22", report="r2"))
    assert not fuse.same_incident(a, claim("Kafr Taal", 9, type="bombing", report="r2"))
    # a week-precision date may be a day off
    assert fuse.same_incident(a, claim("Kafr Taal", 9, date="2020-01-22", precision="week", report="r2"))
    # published on different days and one date came from "on Tuesday": a day of slack
    relative = claim("Kafr Taal", 9, date="2020-01-20", report="r2", published="2020-01-22",
                     evidence="Jets bombed Kafr Taal on Tuesday, killing nine.")
    assert fuse.same_incident(a, relative)
    absolute = claim("Kafr Taal", 9, date="2020-01-20", report="r2", published="2020-01-22",
                     evidence="Jets bombed Kafr Taal on January 20, killing nine.")
    assert not fuse.same_incident(claim("Kafr Taal", 9, date="2020-01-21", evidence="On January 21 jets struck."),
                                  absolute)
    assert fuse.is_relative_date({**absolute, "date_relative": True})


def test_figures_ranges_and_best():
    cs = [claim("Kafr Taal", 9, report="a"), claim("Kafr Taal", 9, report="b"),
          claim("Kafr Taal", 10, report="c"), claim("Kafr Taal", None, report="d")]
    inc = fuse.fuse_claims(cs)
    assert (inc["killed_low"], inc["killed_high"], inc["killed_best"], inc["killed"]) == (9, 10, 9, 9)
    assert inc["reports"] == 4 and inc["independent_sources"] == 4
    # a report's own upper figure widens the range
    inc = fuse.fuse_claims([claim("Kafr Taal", 4, killed_high=7)])
    assert (inc["killed_low"], inc["killed_high"], inc["killed_best"]) == (4, 7, 4)
    # lower median: an actual reported number, robust to one outlier
    inc = fuse.fuse_claims([claim("X", n, report=r) for n, r in ((3, "a"), (5, "b"), (40, "c"), (6, "d"))])
    assert inc["killed_best"] == 5


def test_near_copies_count_once():
    cs = [claim("Kafr Taal", 9, report="a", group="g"), claim("Kafr Taal", 12, report="b", group="g",
                                                              published="2020-01-22")]
    inc = fuse.fuse_claims(cs)
    assert inc["independent_sources"] == 1 and inc["grade"] == "weak"
    assert inc["killed_best"] == 9 and inc["killed_high"] == 12  # the group's figure is the original's
    assert inc["sources"][1]["copy_of"] == "a"


@pytest.mark.parametrize("figures,perps,expected", [
    ((9, 9, 10), ("Russia",) * 3, "confirmed"),
    ((9, 9, 20), ("Russia",) * 3, "fair"),
    ((9, 9), ("Russia", "Russia"), "fair"),
    ((9,), ("Russia",), "weak"),
    ((9, 9, 9), ("Russia", "Syrian government", "Russia"), "contested"),
    ((9, 9, 9), ("Russia", None, None), "confirmed"),
])
def test_grades(figures, perps, expected):
    cs = [claim("Kafr Taal", k, report=f"r{i}", perpetrator=p) for i, (k, p) in enumerate(zip(figures, perps))]
    assert fuse.fuse_claims(cs)["grade"] == expected


def test_attributions_are_counted_by_independent_source():
    cs = [claim("K", 1, report="a", perpetrator="Russia"), claim("K", 1, report="b", perpetrator="Russia", group="a"),
          claim("K", 1, report="c", perpetrator="Syrian government"), claim("K", 1, report="d", perpetrator="Russia")]
    assert fuse.fuse_claims(cs)["perpetrators"] == [{"perpetrator": "Russia", "sources": 2},
                                                    {"perpetrator": "Syrian government", "sources": 1}]


def test_fused_record_does_not_depend_on_claim_order():
    cs = [claim("Kafr Taal", 9, report="a", spelled="Kafr Taal"),
          claim("Kafr Taal", 10, report="b", spelled="Kefer Teal", perpetrator="Syrian government"),
          claim("Kafr Taal", 9, report="c", spelled="Kfar Ta'al", published="2020-01-22", children=6)]
    outs = {repr(fuse.fuse_claims(list(p))) for p in itertools.permutations(cs)}
    assert len(outs) == 1


def _components(claims):
    """Connected components by pairwise `same_incident` (the reference the store must reproduce)."""
    parent = list(range(len(claims)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(claims)), 2):
        if fuse.same_incident(claims[i], claims[j]):
            parent[find(i)] = find(j)
    groups = {}
    for i, c in enumerate(claims):
        groups.setdefault(find(i), []).append(c)
    return sorted(fuse.fuse_claims(g)["id"] for g in groups.values())


def test_components_are_the_same_for_shuffled_input():
    rnd = random.Random(7)
    places = ["Kafr Taal", "Kafr Nuran", "Ariha", "Sarmin", "Taqad"]
    cs = [claim(rnd.choice(places), rnd.randint(0, 9), report=f"r{i}", idx=i,
                date=f"2020-01-{rnd.randint(20, 23)}", type=rnd.choice(["airstrike", "shelling"])) for i in range(40)]
    ref = _components(cs)
    for _ in range(5):
        rnd.shuffle(cs)
        assert _components(cs) == ref


def test_joint_and_partial_attributions_are_not_a_dispute():
    from vigil.fuse import conflicting_attributions, grade

    agree = [{"perpetrator": "Syrian government; Russia", "sources": 2}, {"perpetrator": "Russia", "sources": 1}]
    dispute = [{"perpetrator": "Russia", "sources": 2}, {"perpetrator": "Turkey", "sources": 1}]
    assert conflicting_attributions(agree) == 0
    assert conflicting_attributions(dispute) == 1
    assert grade(3, 9, 10, conflicting_attributions(agree)) == "confirmed"
    assert grade(3, 9, 10, conflicting_attributions(dispute)) == "contested"


def test_two_spellings_of_a_village_the_gazetteer_knows_once_are_one_place():
    from vigil.fuse import same_place

    unplaced = {"name": "Jidarya", "admin1": "Aleppo", "lat": 36.13, "lon": 36.88, "geo_precision": "district"}
    placed = {"name": "Jadraya", "admin1": "Aleppo", "lat": 36.04, "lon": 36.86, "gazetteer_id": "geonames:1"}
    assert same_place(unplaced, placed)
    assert not same_place(unplaced, {**placed, "admin1": "Idlib"})
    assert not same_place(unplaced, {**placed, "lat": 35.0})  # far apart
    assert not same_place({**unplaced, "gazetteer_id": "geonames:2"}, placed)  # both known: ids decide


def test_an_air_strike_read_as_shelling_or_a_drone_is_one_incident_unless_the_attackers_disagree():
    a = claim("Kafr Taal", 9, type="airstrike", perpetrator="Russia")
    assert fuse.same_incident(a, claim("Kafr Taal", 9, type="shelling", perpetrator="Russia", report="r2"))
    assert fuse.same_incident(a, claim("Kafr Taal", 9, type="drone_strike", perpetrator=None, report="r2"))
    assert not fuse.same_incident(a, claim("Kafr Taal", 9, type="shelling", perpetrator="Turkey", report="r2"))
    assert not fuse.same_incident(a, claim("Kafr Taal", 9, type="ground_clash", perpetrator="Russia", report="r2"))
