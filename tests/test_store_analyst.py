"""What an analyst publishes (issue 9), on SQLite and PostgreSQL: the ceasefire ledger's rules,
corrections that reach every output, filters that never silently miss, places filled in later,
samples kept apart. All reports are invented; places are real gazetteer entries."""
from __future__ import annotations

import csv
import io

import pytest

from fixture_reports import ceasefire, incident, kafr_taal_outlets, report, russian_ceasefire_report
from vigil.export import acled_row, write_csv
from vigil.store import (CorrectionError, FilterError, IncidentFilter, UnknownIncident, check_filter, correct,
                         delete_report, get_ceasefire, get_incident, history, ingest_reports, merge,
                         query_ceasefires, query_incidents, query_violations, rebuild, regeocode, reject, split,
                         stats, undo)


def by_place(incs):
    return {i["location"]["matched_name"] or i["location"]["name"]: i for i in incs}


def _strike(doc_id: str, day: str, place: str = "Ariha", killed: int = 2, perpetrator: str | None = "Russia"):
    return report(doc_id, day, incidents=[incident(place, killed, date=day, perpetrator=perpetrator,
                                                   evidence=f"A strike on {place} killed {killed} on that day ({doc_id}).")])


# ---- the ledger ---------------------------------------------------------------------------


def test_an_open_ended_truce_stops_flagging_after_a_superseding_truce(store):
    first = report("truce-a", "2020-01-09", ceasefires=[ceasefire(("Russia",), effective_from="2020-01-09")])
    later = report("truce-b", "2020-02-01", ceasefires=[
        ceasefire(("Russia", "Turkey"), effective_from="2020-02-01", evidence="A new truce began on 1 February.")])
    ingest_reports(store, [first, _strike("s1", "2020-01-20"), _strike("s2", "2020-02-05", killed=4)])
    cf_a = query_ceasefires(store)[0]
    assert cf_a["violations"] == 2  # open-ended: both strikes inside
    ingest_reports(store, [later])
    cfs = {c["effective_from"]: c for c in query_ceasefires(store)}
    old, new = cfs["2020-01-09"], cfs["2020-02-01"]
    assert old["in_force_until"] == "2020-01-31" and old["ended_by"]["rule"] == "superseded"
    assert old["ended_by"]["by"] == new["id"]
    assert old["violations"] == 1 and new["violations"] == 1
    assert {v["date"] for v in query_violations(store, old["id"])} == {"2020-01-20"}


def test_an_open_ended_truce_lapses_after_the_horizon(store, monkeypatch):
    monkeypatch.setenv("VIGIL_CEASEFIRE_HORIZON_DAYS", "30")
    ingest_reports(store, [report("truce-a", "2020-01-09", ceasefires=[ceasefire(effective_from="2020-01-09")]),
                           _strike("s1", "2020-01-20"), _strike("s2", "2020-03-20")])
    cf = query_ceasefires(store)[0]
    assert cf["in_force_until"] == "2020-02-08" and cf["ended_by"]["rule"] == "horizon"
    assert [v["date"] for v in query_violations(store)] == ["2020-01-20"]
    # a later report reaffirming the same truce moves the horizon
    ingest_reports(store, [report("truce-again", "2020-03-01", ceasefires=[
        ceasefire(effective_from="2020-01-09", evidence="The January truce is still holding, officials said.")])])
    cf = query_ceasefires(store)[0]
    assert cf["in_force_until"] == "2020-03-31" and cf["violations"] == 2


def test_a_reported_collapse_ends_the_truce(store):
    ingest_reports(store, [report("truce-a", "2020-01-09", ceasefires=[ceasefire(effective_from="2020-01-09")]),
                           _strike("s1", "2020-01-20"), _strike("s2", "2020-02-10")])
    ingest_reports(store, [report("collapse", "2020-02-01", ceasefires=[
        ceasefire(effective_from="2020-01-09", evidence="The truce that began on January 9 collapsed today.")])])
    cf = query_ceasefires(store)[0]
    assert cf["in_force_until"] == "2020-02-01" and cf["ended_by"]["rule"] == "collapse reported"
    assert cf["violations"] == 1


def test_an_end_before_the_start_is_a_flagged_reading_error(store):
    ingest_reports(store, [report("t", "2020-01-09", ceasefires=[
        ceasefire(effective_from="2020-01-09", effective_until="2019-12-01")]), _strike("s1", "2020-01-20")])
    cf = query_ceasefires(store)[0]
    assert cf["effective_until"] is None and "before the start" in cf["date_errors"][0]
    assert cf["violations"] == 1


def test_gaza_means_the_gaza_strip_and_an_unknown_area_flags_nothing(store):
    gaza_truce = report("g", "2021-03-01", ceasefires=[ceasefire(
        ("Israel", "Hamas"), effective_from="2021-03-01", area="Israel",
        evidence="Israel and Hamas agreed to a truce in Gaza brokered by Egypt.")])
    shot = report("shot", "2021-03-05", incidents=[incident(
        "Rafah", 1, date="2021-03-05", perpetrator="Israel", type="shooting",
        loc={"name": "Rafah", "matched_name": None, "admin1": None, "admin2": None, "country": "Israel",
             "lat": None, "lon": None, "geo_precision": None, "gazetteer_id": None},
        evidence="One man was shot dead in Rafah.")])
    elsewhere = report("tlv", "2021-03-06", incidents=[incident(
        "Tel Aviv", 1, date="2021-03-06", perpetrator=None, type="shooting",
        loc={"name": "Tel Aviv", "matched_name": "Tel Aviv", "admin1": "Tel Aviv", "admin2": None, "country": "Israel",
             "lat": 32.08, "lon": 34.78, "geo_precision": "place", "gazetteer_id": "geonames:293397"},
        evidence="A man was shot in Tel Aviv.")])
    nowhere = report("n", "2021-03-01", ceasefires=[ceasefire(
        ("Somebody",), effective_from="2021-03-01", area="Qwertzuiop Festival")])
    ingest_reports(store, [gaza_truce, shot, elsewhere, nowhere])
    cfs = {c["area"]: c for c in query_ceasefires(store)}
    assert cfs["Israel"]["area_used"] == "Gaza Strip" and cfs["Israel"]["violations"] == 1
    v = query_violations(store, cfs["Israel"]["id"])[0]
    assert v["place"] == "Rafah" and v["strength"] == "by a declarer"
    assert "inside Gaza Strip" in v["reason"] and "by Israel, a declarer" in v["reason"]
    assert cfs["Qwertzuiop Festival"]["area_placed"] is False and cfs["Qwertzuiop Festival"]["violations"] == 0


def test_violations_say_how_strong_they_are(store):
    ingest_reports(store, [russian_ceasefire_report(),
                           _strike("s1", "2020-01-20", perpetrator="Syrian government; Russia"),
                           _strike("s2", "2020-01-21", place="Sarmin", perpetrator="Turkey"),
                           _strike("s3", "2020-01-22", place="Kafr Taal", perpetrator=None)])
    strength = {v["place"]: v["strength"] for v in query_violations(store)}
    assert strength == {"Ariha": "by a declarer", "Sarmin": "by another party", "Kafr Taal": "perpetrator unknown"}
    cf = query_ceasefires(store)[0]
    assert (cf["violations_by_declarers"], cf["violations_by_other_parties"], cf["violations_perpetrator_unknown"]) \
        == (1, 1, 1)


def test_ceasefire_corrections_recompute_violations_and_keep_the_machine_value(store):
    ingest_reports(store, [russian_ceasefire_report(), _strike("s1", "2020-01-20"), _strike("s2", "2020-02-20")])
    cf = query_ceasefires(store)[0]
    assert cf["violations"] == 2
    fixed = correct(store, cf["id"], "effective_until", "2020-02-01", by="analyst", note="ended per OSCE")
    assert fixed["effective_until"] == "2020-02-01" and fixed["machine"] == {"effective_until": None}
    assert fixed["violations"] == 1 and fixed["ended_by"]["rule"] == "stated end"
    fixed = correct(store, cf["id"], "area", "Homs", by="analyst")
    assert fixed["violations"] == 0
    fixed = correct(store, cf["id"], "declared_by", "Russia; Turkey", by="analyst")
    assert fixed["declared_by"] == ["Russia", "Turkey"]
    with pytest.raises(CorrectionError):
        correct(store, cf["id"], "effective_from", "2020-02-31", by="analyst")
    rebuild(store)
    assert get_ceasefire(store, cf["id"])["area"] == "Homs"
    reject(store, cf["id"], by="analyst", note="a call for a truce, not one")
    assert query_ceasefires(store) == [] and query_violations(store) == []


# ---- corrections everywhere -----------------------------------------------------------------


def test_a_corrected_toll_appears_in_csv_geojson_and_the_ceasefire_sum(store):
    ingest_reports(store, [russian_ceasefire_report(), _strike("s1", "2020-01-20", killed=2)])
    iid = query_incidents(store)[0]["id"]
    correct(store, iid, "killed", 12, by="analyst", note="morgue list")
    inc = get_incident(store, iid)
    out = io.StringIO()
    write_csv([inc], out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["fatalities"] == "12" and row["killed"] == "12" and row["corrected"]
    assert acled_row(inc)["fatalities"] == 12
    assert query_ceasefires(store)[0]["violations_killed"] == 12
    assert query_ceasefires(store)[0]["violations_killed_low"] == 12


@pytest.mark.parametrize("field,value,words", [
    ("killed", -5, "0 or more"), ("killed", 2.5, "whole number"), ("type", "massacre", "airstrike"),
    ("date", "2020-02-30", "real date"), ("grade", "great", "confirmed"), ("location.lat", 123.0, "-90"),
    ("victims", "dogs", "civilians"), ("colour", "red", "correctable fields")])
def test_corrections_are_checked_against_the_codebook(store, field, value, words):
    ingest_reports(store, [_strike("s1", "2020-01-20")])
    iid = query_incidents(store)[0]["id"]
    with pytest.raises(CorrectionError) as e:
        correct(store, iid, field, value, by="a")
    assert words in str(e.value)
    assert stats(store)["corrections"] == 0


def test_type_corrections_take_any_case(store):
    ingest_reports(store, [_strike("s1", "2020-01-20")])
    iid = query_incidents(store)[0]["id"]
    assert correct(store, iid, "type", "Shelling", by="a")["type"] == "shelling"


def test_reject_merge_split_delete_undo_and_history(store):
    ingest_reports(store, [_strike("s1", "2020-01-20", place="Ariha"), _strike("s2", "2020-01-20", place="Sarmin"),
                           _strike("s3", "2020-01-20", place="Ariha", killed=3)])
    incs = by_place(query_incidents(store))
    ariha, sarmin = incs["Ariha"], incs["Sarmin"]
    assert ariha["reports"] == 2
    # split one report's claim off, then undo it
    rest, alone = split(store, ariha["id"], "s3", by="a", note="a different strike")
    assert rest["reports"] == 1 and alone["reports"] == 1 and len(query_incidents(store)) == 3
    rebuild(store)
    assert len(query_incidents(store)) == 3  # the split survives re-fusion
    # merge two incidents
    merged = merge(store, rest["id"], sarmin["id"], by="a", note="one strike, two names")
    assert merged["reports"] == 2 and len(query_incidents(store)) == 2
    rebuild(store)
    assert len(query_incidents(store)) == 2  # the merge survives re-fusion
    # reject, and undo
    reject(store, alone["id"], by="b", note="not an incident")
    assert len(query_incidents(store)) == 1
    with pytest.raises(UnknownIncident, match="rejected"):
        get_incident(store, alone["id"])
    rows = history(store, alone["id"])
    assert [r["field"] for r in rows] == ["split", "status"] and rows[-1]["by"] == "b"
    undo(store, rows[-1]["id"], by="b")
    assert len(query_incidents(store)) == 2
    # delete a report, and undo
    def sources():
        return sorted(s["doc_id"] for i in query_incidents(store) for s in i["sources"])

    done = delete_report(store, "s2", by="c", note="retracted by the outlet")
    assert done["doc_id"] == "s2" and sources() == ["s1", "s3"]
    rebuild(store)
    assert sources() == ["s1", "s3"]
    withdrawal = [r for r in history(store) if r["kind"] == "report"][0]
    undo(store, withdrawal["id"], by="c")
    assert sources() == ["s1", "s2", "s3"] and len(query_incidents(store)) == 2  # merged again
    everything = history(store)
    assert len(everything) == 4 and sum(1 for r in everything if r["undone"]) == 2
    with pytest.raises(CorrectionError):
        undo(store, withdrawal["id"], by="c")


# ---- filters ----------------------------------------------------------------------------------


def test_perpetrator_finds_every_incident_that_names_the_actor(store):
    ingest_reports(store, [_strike("s1", "2020-01-20", place="Ariha", perpetrator="Russia"),
                           _strike("s2", "2020-01-20", place="Sarmin", perpetrator="Syrian government; Russia"),
                           _strike("s3", "2020-01-21", place="Kafr Taal", perpetrator="Syrian government"),
                           _strike("s4", "2020-01-22", place="Taqad", perpetrator=None)])
    for asked in ("Russia", "russia", "Russian forces"):
        f = check_filter(store, IncidentFilter(perpetrator=asked))
        assert {i["location"]["name"] for i in query_incidents(store, f)} == {"Ariha", "Sarmin"}
    f = check_filter(store, IncidentFilter(perpetrator="Syrian regime"))
    assert {i["location"]["name"] for i in query_incidents(store, f)} == {"Sarmin", "Kafr Taal"}
    with pytest.raises(FilterError, match="perpetrators in this database: .*russia"):
        check_filter(store, IncidentFilter(perpetrator="Martians"))


def test_country_type_and_grade_filters_take_codes_aliases_and_any_case(store):
    ingest_reports(store, [_strike("s1", "2020-01-20")])
    for asked in ("Syria", "SY", "SYR", "syria", "Syrian Arab Republic"):
        assert len(query_incidents(store, check_filter(store, IncidentFilter(country=asked)))) == 1
    assert query_incidents(store, check_filter(store, IncidentFilter(country="DRC"))) == []
    assert check_filter(store, IncidentFilter(country="Congo")).country  # an alias of a known country
    assert len(query_incidents(store, check_filter(store, IncidentFilter(type="Airstrike")))) == 1
    assert len(query_incidents(store, check_filter(store, IncidentFilter(grade="WEAK")))) == 1
    with pytest.raises(FilterError, match="valid types: airstrike"):
        check_filter(store, IncidentFilter(type="massacre"))
    with pytest.raises(FilterError, match="valid grades: confirmed"):
        check_filter(store, IncidentFilter(grade="great"))
    with pytest.raises(FilterError, match="countries in this database: syria"):
        check_filter(store, IncidentFilter(country="Atlantis"))


# ---- places filled in later, samples, report text ------------------------------------------------


def test_rebuild_geocode_fills_places_left_without_coordinates(store):
    bare = {"name": "Sarmin", "matched_name": None, "admin1": "Idlib", "admin2": None, "country": "Syria",
            "lat": None, "lon": None, "geo_precision": None, "gazetteer_id": None}
    ingest_reports(store, [report("late", "2020-01-20", incidents=[incident("Sarmin", 3, loc=bare,
                                                                            evidence="Three died in Sarmin.")])])
    assert stats(store)["without_coordinates"] == 1
    change = regeocode(store)
    assert (change.gained, change.without_before, change.without_after) == (1, 1, 0)
    inc = query_incidents(store)[0]
    assert abs(inc["location"]["lat"] - 35.90) < 0.05 and stats(store)["without_coordinates"] == 0
    again = regeocode(store)  # nothing new to learn: nothing changes, nothing is lost
    assert (again.claims_changed, again.gained, again.moved, again.lost) == (0, 0, 0, 0)


def test_samples_are_marked_and_counted(store):
    sample = {**_strike("sample-1", "2020-01-20"), "sample": True}
    summary = ingest_reports(store, [sample])
    assert summary.samples == 1 and stats(store)["samples"] == 1
    summary = ingest_reports(store, [_strike("mine", "2020-01-21", place="Sarmin")])
    assert summary.added["incidents"] == 1 and summary.samples == 1


def test_the_report_text_and_url_are_kept(store):
    from vigil.store import get_report

    ingest_reports(store, kafr_taal_outlets()[:1])
    stored = get_report(store, "outlet-a")
    assert stored["text"].startswith("Russian jets bombed Kafr Taal") and stored["url"] == "https://example.org/outlet-a"


def test_the_ingest_summary_says_what_this_run_added_and_what_lacks_coordinates(store):
    first = ingest_reports(store, kafr_taal_outlets()[:1])
    assert first.added["incidents"] == 3
    nowhere = {"name": "Unlisted Hamlet", "matched_name": None, "admin1": None, "admin2": None, "country": None,
               "lat": None, "lon": None, "geo_precision": None, "gazetteer_id": None}
    second = ingest_reports(store, [report("x", "2020-01-23", incidents=[
        incident("Unlisted Hamlet", 1, loc=nowhere, evidence="One died in Unlisted Hamlet.")])])
    assert second.added == {"incidents": 1, "ceasefires": 0, "violations": 0}
    assert second.without_coordinates == 1 and second.unplaced == [("Unlisted Hamlet", 1)]
    assert "this run: +1 incidents" in second.line() and "Unlisted Hamlet x1" in second.line()


def test_ctrl_c_keeps_what_was_stored_and_says_so(store):
    def reports():
        yield _strike("s1", "2020-01-20")
        yield _strike("s2", "2020-01-21", place="Sarmin")
        raise KeyboardInterrupt

    summary = ingest_reports(store, reports())
    assert summary.interrupted and summary.new == 2 and stats(store)["reports"] == 2
    again = ingest_reports(store, [_strike("s1", "2020-01-20"), _strike("s2", "2020-01-21", place="Sarmin"),
                                   _strike("s3", "2020-01-22", place="Taqad")])
    assert (again.duplicate, again.new, again.interrupted) == (2, 1, False)
