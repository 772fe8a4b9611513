"""Extraction on sentences written for these tests (never copied from real reports)."""
from datetime import date

from vigil.extract import extract
from vigil.model import Document


def run(text: str, published: str = "2021-03-09") -> dict:
    return extract(Document("t", date.fromisoformat(published), text)).to_dict()


def by_place(rep: dict) -> dict:
    return {i["location"]["name"]: i for i in rep["incidents"]}


def test_distributive_list_gives_one_incident_per_place():
    rep = run("Syrian regime helicopters dropped barrel bombs on villages in southern Idlib on Monday, "
              "killing at least 14 civilians, rescuers said. The dead included seven members of one family, "
              "four of them children, in Kafr Sajna, three in Hish, two each in Maar Zita and Rakaya, "
              "according to the White Helmets.")
    places = by_place(rep)
    assert set(places) == {"Kafr Sajna", "Hish", "Maar Zita", "Rakaya"}
    assert places["Kafr Sajna"]["killed"] == 7 and places["Kafr Sajna"]["children_killed"] == 4
    assert places["Hish"]["killed"] == 3
    assert places["Maar Zita"]["killed"] == 2 and places["Rakaya"]["killed"] == 2
    for inc in places.values():
        assert inc["type"] == "airstrike"
        assert inc["perpetrator"] == "Syrian government"
        assert inc["date"] == "2021-03-08"
        assert "White Helmets" in inc["sources"]
    assert any(t["killed"] == 14 and t["killed_qualifier"] == "at_least" for t in rep["totals"])


def test_possessive_place_and_carried_over_actor():
    rep = run("Russian jets struck the outskirts of Ariha on Tuesday. A child was killed in Idlib's Mastumah "
              "village while two other civilians were killed in Hama's Kafr Zita town.", "2021-03-10")
    places = by_place(rep)
    assert places["Mastumah"]["killed"] == 1 and places["Mastumah"]["children_killed"] == 1
    assert places["Mastumah"]["location"]["admin1"] in ("Idlib", "Idleb")
    assert places["Kafr Zita"]["killed"] == 2
    assert places["Kafr Zita"]["perpetrator"] == "Russia"


def test_evidence_spans_point_into_the_text():
    text = "Shelling killed three people in the village of Jisr al-Shughur on Friday."
    rep = run(text, "2021-03-13")
    inc = rep["incidents"][0]
    (a, b), = inc["evidence_spans"]
    assert text[a:b] == inc["evidence"][0]


def test_report_without_incident():
    rep = run("Diplomats met in Geneva on Monday to discuss a political settlement, officials said.")
    assert rep["reports_incident"] is False and rep["incidents"] == []


def test_two_ceasefires_with_announcement_and_start():
    rep = run("Russia said a truce in Idlib took effect on March 1. On March 3, Turkey announced that "
              "another ceasefire in Idlib would start on March 6.", "2021-03-09")
    cfs = {c["declared_by"][0]: c for c in rep["ceasefires"]}
    assert cfs["Russia"]["effective_from"] == "2021-03-01"
    assert cfs["Turkey"]["announced_on"] == "2021-03-03"
    assert cfs["Turkey"]["effective_from"] == "2021-03-06"
