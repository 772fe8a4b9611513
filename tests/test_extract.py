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


def test_toll_given_for_a_country_is_a_total_not_the_citys():
    rep = run("Missile attacks killed at least five civilians in Ukraine on Monday and cut power in the city "
              "of Sumy, officials said.", "2022-10-11")
    assert all(i["killed"] is None for i in rep["incidents"])
    assert any(t["killed"] == 5 for t in rep["totals"])


def test_summed_tolls_and_latest_figure():
    rep = run("Twelve civilians and three policemen were killed in a car bomb blast in the town of Azaz, "
              "the health directorate said, updating an earlier toll of nine.", "2021-05-02")
    inc = by_place(rep)["Azaz"]
    assert inc["killed"] == 15 and inc["type"] == "bombing" and inc["victims"] == "mixed"


def test_children_among_the_dead():
    rep = run("Three children were among 11 people killed when shells hit the town of Atarib on Sunday.",
              "2021-03-22")
    inc = by_place(rep)["Atarib"]
    assert inc["killed"] == 11 and inc["children_killed"] == 3 and inc["type"] == "shelling"


def test_toll_in_the_lead_goes_to_the_only_place_named():
    rep = run("At least 19 people were killed in an attack by gunmen in eastern Congo on Tuesday, a local "
              "official said.\n\nThe assailants raided the village of Mamove before dawn.", "2021-02-03")
    assert [i["location"]["name"] for i in rep["incidents"]] == ["Mamove"]
    assert rep["incidents"][0]["killed"] == 19


def test_ceasefire_duration_sets_the_end():
    rep = run("The two sides agreed to a seven-day truce that will take effect on June 4, mediators "
              "said on Thursday.", "2021-06-03")
    cf, = rep["ceasefires"]
    assert cf["effective_from"] == "2021-06-04" and cf["effective_until"] == "2021-06-11"
    assert cf["announced_on"] == "2021-06-03"


def test_ceasefire_ordered_today_with_its_hours_and_a_day_of_the_truce_said_apart():
    rep = run("The Ethiopian prime minister has ordered a ceasefire in Tigray for the harvest. "
              "The truce will be observed on the 12th of October as well. "
              "His decree introduces a ceasefire regime from 06.00 on October 11, 2021 to 18.00 on "
              "October 13, 2021.", "2021-10-08")
    cf, = rep["ceasefires"]
    assert cf["announced_on"] == "2021-10-08"  # not the 12th read as a past date
    assert cf["effective_from"] == "2021-10-11" and cf["effective_until"] == "2021-10-13"


def test_a_state_that_declares_a_truce_is_named_as_its_government_once():
    rep = run("Syria, Russia and Turkey announced a nationwide ceasefire from midnight.", "2021-03-05")
    cf, = rep["ceasefires"]
    assert cf["declared_by"] == ["Syrian government", "Russia", "Turkey"]
    rep = run("The Yemeni government and the Houthis agreed a truce in Hodeidah on March 4. "
              "Yemen and the rebels signed the truce in Stockholm, the UN said.", "2021-03-05")
    cf, = rep["ceasefires"]
    assert cf["declared_by"].count("Yemeni government") == 1 and "Yemen" not in cf["declared_by"]


def test_ceasefire_length_said_in_another_sentence():
    rep = run("Mediators said the two armies had agreed a ceasefire that begins on March 3. "
              "The ceasefire shall remain in force for ten days, the statement said.", "2021-03-01")
    cf, = rep["ceasefires"]
    assert cf["effective_from"] == "2021-03-03" and cf["effective_until"] == "2021-03-13"
    assert len(cf["evidence_spans"]) == 2


def test_ceasefire_starting_at_midnight_ahead_of_the_report():
    rep = run("Russia and Turkey said a truce across Syria would come into force at midnight.", "2021-03-05")
    cf, = rep["ceasefires"]
    assert cf["effective_from"] == "2021-03-06"
    assert set(cf["declared_by"]) == {"Russia", "Turkey"}


def test_dozens_injured_and_combatant_victims():
    rep = run("Dozens of soldiers were killed and 40 others wounded when insurgents stormed an army post "
              "in the town of Gao on Sunday, military sources said.", "2021-03-09")
    inc = by_place(rep)["Gao"]
    assert inc["killed"] == 12 and inc["killed_qualifier"] == "at_least"
    assert inc["injured"] == 40 and inc["victims"] == "combatants" and inc["type"] == "ground_clash"
    assert inc["date"] == "2021-03-07"


def test_the_coalition_is_read_by_country():
    rep = run("Coalition air strikes killed six civilians in the Yemeni district of Sirwah on Friday, "
              "local officials said.", "2021-03-13")
    inc = by_place(rep)["Sirwah"]
    assert inc["perpetrator"] == "Saudi-led coalition" and inc["killed"] == 6


def test_week_precision_from_last_week():
    rep = run("Shelling killed four people in the village of Kabani last week, the monitor said.", "2021-03-10")
    inc = by_place(rep)["Kabani"]
    assert inc["date_precision"] == "week" and inc["date"] == "2021-03-01"


def test_announcer_is_not_the_perpetrator():
    rep = run("The Turkish Defence Ministry said a car bomb killed nine civilians in the town of Tal Abyad "
              "on Monday.", "2021-03-09")
    inc = by_place(rep)["Tal Abyad"]
    assert inc["perpetrator"] is None and inc["type"] == "bombing"
    assert inc["sources"] == ["Turkish Defense Ministry"]


def test_a_named_official_is_a_source():
    rep = run("Gunmen killed three policemen at a checkpoint in the town of Dand on Friday, provincial police "
              "chief Wali Ahmadzai said.", "2021-03-13")
    assert "Wali Ahmadzai" in by_place(rep)["Dand"]["sources"]


def test_nobody_killed_is_zero_not_one():
    rep = run("Rebel drones struck a fuel depot in the town of Marib on Monday, but no one was killed, "
              "officials said.", "2021-03-09")
    inc = by_place(rep)["Marib"]
    assert inc["killed"] == 0 and inc["type"] == "drone_strike"
    assert not any(t["killed"] == 1 for t in rep["totals"])


def test_counted_soldiers_are_victims_and_an_office_is_not_a_place():
    rep = run("Twelve Turkish soldiers were killed in an air strike by Syrian government forces in the town of "
              "Saraqib on Thursday, the governor of Hatay said.", "2021-03-12")
    places = by_place(rep)
    assert set(places) == {"Saraqib"}
    assert places["Saraqib"]["perpetrator"] == "Syrian government" and places["Saraqib"]["killed"] == 12


def test_a_country_possessive_that_is_no_place_does_not_take_the_toll():
    rep = run("A truck bomb exploded at a market in the city of Galkayo on Saturday, killing more than 40 people "
              "in the deadliest attack in Somalia's recent history.", "2021-03-14")
    assert by_place(rep)["Galkayo"]["killed"] == 40


def test_region_named_after_the_place_does_not_take_its_toll():
    rep = run("A coalition air strike hit a bus in Dahyan market in Saada province on Thursday, killing 51 people, "
              "40 of them children, the health ministry said.", "2018-08-10")
    inc = by_place(rep)["Dahyan"]
    assert inc["killed"] == 51 and inc["children_killed"] == 40 and inc["victims"] == "civilians"


def test_a_possessive_region_is_an_area_and_the_country_comes_from_places():
    rep = run("Soldiers opened fire on protesters in the town of Kale in Myanmar's Sagaing region, killing at "
              "least 11 people, witnesses said.", "2021-04-02")
    assert set(by_place(rep)) == {"Kale"} and by_place(rep)["Kale"]["killed"] == 11
    rep = run("An Israeli drone strike on a car near the town of Bint Jbeil killed two Hezbollah fighters, "
              "Lebanese security sources said.", "2020-12-20")
    assert by_place(rep)["Bint Jbeil"]["location"]["country"] == "Lebanon"


def test_dateline_and_descriptive_names():
    rep = run("KYIV, March 2 (Reuters) - A Russian drone hit an apartment block in the Black Sea port of Odesa, "
              "killing at least 12 people, including five children, officials said.", "2024-03-02")
    assert set(by_place(rep)) == {"Odesa"}
    inc = by_place(rep)["Odesa"]
    assert inc["killed"] == 12 and inc["children_killed"] == 5 and inc["perpetrator"] == "Russia"
    assert "Reuters" not in inc["sources"]


def test_a_later_sentence_breaks_down_the_toll():
    rep = run("Regime air strikes on a market in the town of Douma killed at least 40 people on Friday, a monitor "
              "said. The monitor said nine of the dead were children.", "2015-10-31")
    inc = by_place(rep)["Douma"]
    assert inc["killed"] == 40 and inc["children_killed"] == 9 and rep["totals"] == []


def test_ceasefire_parties_named_by_office_and_nationality_and_its_area():
    rep = run("The leaders of Russia and Turkey agreed in Moscow on Thursday to a ceasefire in northern Syria "
              "starting on March 6.", "2020-03-05")
    cf, = rep["ceasefires"]
    assert cf["declared_by"] == ["Russia", "Turkey"] and cf["area"] == "Syria"
    assert cf["announced_on"] == "2020-03-05" and cf["effective_from"] == "2020-03-06"
    rep = run("Russian and Turkish presidents agreed on a truce in Idlib from midnight.", "2020-03-05")
    cf, = rep["ceasefires"]
    assert cf["declared_by"] == ["Russia", "Turkey"] and cf["effective_from"] == "2020-03-06"


def test_midnight_on_a_weekday_is_the_nearest_one():
    rep = run("A truce brokered by the United States and Russia came into force across Syria at midnight on "
              "Friday.", "2016-02-27")
    assert rep["ceasefires"][0]["effective_from"] == "2016-02-26"
    rep = run("A truce brokered by Russia and Turkey came into force at midnight on Friday.", "2016-12-29")
    assert rep["ceasefires"][0]["effective_from"] == "2016-12-30"


def test_roundup_of_separate_attacks():
    rep = run("In Baghdad, a roadside bomb killed two people in the Dora neighbourhood. Gunmen shot dead a police "
              "officer in Mosul. In Kirkuk, a sticky bomb wounded a local official.", "2012-05-03")
    places = by_place(rep)
    assert places["Dora"]["killed"] == 2 and places["Dora"]["type"] == "bombing"
    assert places["Mosul"]["killed"] == 1 and places["Mosul"]["type"] == "shooting"
    assert places["Kirkuk"]["injured"] == 1 and places["Kirkuk"]["perpetrator"] is None


def test_named_day_beats_overnight_and_the_day_before_counts_back():
    rep = run("Russian attacks overnight and on Wednesday killed four civilians in the city of Sumy, officials said.",
              "2023-10-18")
    assert by_place(rep)["Sumy"]["date"] == "2023-10-18"
    rep = run("A rights group on Wednesday condemned raids that killed six civilians in the town of Sarmin "
              "the day before.", "2019-11-06")
    assert by_place(rep)["Sarmin"]["date"] == "2019-11-05"


def test_toll_risen_facilities_compass_names_and_nationality_on_a_weapon():
    rep = run("The death toll from Sunday's car bombing in the northern Syrian town of Azaz has risen to 13, "
              "including four children, the local council said.", "2019-04-08")
    assert by_place(rep)["Azaz"]["killed"] == 13 and by_place(rep)["Azaz"]["children_killed"] == 4
    rep = run("At least 20 people died when an air strike hit al-Quds hospital in Aleppo's Sukkari district.",
              "2016-04-28")
    assert set(by_place(rep)) == {"Sukkari"}
    rep = run("Pro-government air strikes on the rebel enclave of Eastern Ghouta killed 94 civilians on Monday.",
              "2018-02-20")
    assert set(by_place(rep)) == {"Eastern Ghouta"}
    rep = run("Five people were killed in Turkish shelling on the village of Tal Tamr, a monitor said.", "2020-08-12")
    assert by_place(rep)["Tal Tamr"]["perpetrator"] == "Turkey"


def test_an_earlier_attack_keeps_its_own_year():
    rep = run("It was the deadliest attack since a 2014 bombing killed 30 people in the town of Kirkuk.",
              "2021-03-09")
    inc = by_place(rep)["Kirkuk"]
    assert inc["date"] == "2014-01-01" and inc["date_precision"] == "year" and inc["killed"] == 30


def test_an_attack_told_at_a_place_is_an_incident_even_without_a_toll_there():
    rep = run("Gunmen killed at least 25 people in eastern Congo on Thursday, officials said. Residents in Beni "
              "have long called for more troops. The farmers had gone to their fields in Tingwe village when they "
              "were attacked.", "2021-01-01")
    assert [i["location"]["name"] for i in rep["incidents"]] == ["Tingwe"]
    assert rep["incidents"][0]["killed"] == 25
    rep = run("A suicide bomber blew himself up at a mosque on Tuesday, police said. The bombing took place in "
              "Khyber, a district in the north-west.", "2023-07-25")
    assert [i["location"]["name"] for i in rep["incidents"]] == ["Khyber"] and rep["reports_incident"]


def test_a_city_whose_neighbourhoods_are_named_holds_a_total():
    rep = run("Air strikes killed 30 people in Aleppo city on Friday, the monitor said. The raids hit the "
              "neighbourhoods of Sukkari, Ansari and Mashhad in Aleppo city.", "2016-09-24")
    assert "Aleppo" not in by_place(rep)
    assert any(t["killed"] == 30 for t in rep["totals"])
    assert {"Sukkari", "Ansari", "Mashhad"} <= set(by_place(rep))


def test_one_truce_told_with_different_parties_and_a_date_range():
    rep = run("Russia announced a truce in Idlib from Saturday. The ceasefire by government forces in Idlib "
              "would hold from Saturday, officials said.", "2019-08-30")
    assert len(rep["ceasefires"]) == 1
    rep = run("Moscow declared a ceasefire along the front line in Ukraine from noon on January 6 to midnight on "
              "January 7.", "2023-01-05")
    cf, = rep["ceasefires"]
    assert cf["effective_from"] == "2023-01-06" and cf["effective_until"] == "2023-01-07"


def test_claims_of_responsibility_and_named_attacks_name_the_attacker():
    rep = run("At least 20 soldiers were killed in a series of Taliban attacks on Wednesday. In the town of Andkhoy, "
              "militants stormed a checkpoint and killed seven policemen.", "2020-01-02")
    assert by_place(rep)["Andkhoy"]["perpetrator"] == "Taliban"
    rep = run("The group al-Shabaab claimed responsibility for the attack. Suicide attackers set off two car bombs "
              "at a hotel in the town of Baidoa on Friday, killing 12 people.", "2018-11-10")
    assert by_place(rep)["Baidoa"]["perpetrator"] == "al-Shabaab"


def test_who_announces_that_it_killed_is_the_attacker():
    from vigil.extract.roles import agent_actors
    from vigil.annotate import annotate
    from vigil.model import Document
    from datetime import date

    ann = annotate(Document("t", date(2021, 10, 3), "The Saudi-led coalition announced that it had killed "
                                                   "40 Houthi fighters in an operation near Tesmil."))
    assert agent_actors(ann.sentences[0], "Yemen") == ["Saudi-led coalition"]
    ann = annotate(Document("t", date(2021, 10, 3), "The Saudi-led coalition said 40 Houthi fighters were "
                                                   "killed near Tesmil."))
    assert "Saudi-led coalition" not in agent_actors(ann.sentences[0], "Yemen")


def test_an_attack_by_rebels_does_not_make_the_rebels_its_target():
    from vigil.extract.incidents import _MILITARY_TARGET

    assert not _MILITARY_TARGET.search("At least 19 people were killed in an attack by rebels in Tesmil.")
    assert _MILITARY_TARGET.search("Nine died in an attack on an army post in Tesmil.")


def test_a_truce_due_at_a_small_hour_starts_the_next_day():
    from datetime import date
    from vigil.extract import extract
    from vigil.model import Document

    rep = extract(Document("t", date(2021, 5, 20), "Mediators said on Thursday that a ceasefire agreement had "
                           "been reached. A ceasefire in Lorvan was due to come into effect at 02:00 local time.")
                  ).to_dict()
    assert any(c["effective_from"] == "2021-05-21" for c in rep["ceasefires"])


def test_a_truce_signed_on_a_day_starts_later_and_a_truce_in_hours_ends_in_days():
    rep = extract(Document("t", date(2024, 3, 5), "Orvania and Lorvania signed a truce in Doha on Monday that "
                                                  "will take effect on March 10, mediators said.")).to_dict()
    cf = rep["ceasefires"][0]
    assert (cf["announced_on"], cf["effective_from"]) == ("2024-03-04", "2024-03-10")
    rep = extract(Document("t", date(2024, 3, 5), "Both sides agreed on Sunday to a 72-hour ceasefire starting at "
                                                  "midnight, mediators said.")).to_dict()
    cf = rep["ceasefires"][0]
    assert (cf["announced_on"], cf["effective_from"], cf["effective_until"]) == ("2024-03-03", "2024-03-04",
                                                                                 "2024-03-07")


def test_a_party_named_second_in_a_truce_between_two_sides_declared_it():
    rep = extract(Document("t", date(2024, 3, 8), "A ceasefire between the army and the ELN collapsed last week."))
    assert "ELN" in rep.to_dict()["ceasefires"][0]["declared_by"]
