"""Document-level extraction: acts without tolls, places that are not the incident's, clause types.

Every report here is invented (places and numbers included)."""
from datetime import date

from vigil.annotate import event_types, has_act
from vigil.extract import extract
from vigil.model import Document


def run(text: str, published: str = "2022-05-10") -> dict:
    return extract(Document("t", date.fromisoformat(published), text)).to_dict()


def by_place(rep: dict) -> dict:
    return {i["location"]["name"]: i for i in rep["incidents"]}


def test_an_act_without_a_toll_is_an_incident_with_killed_null():
    rep = run("On 9 May 2022, rebel fighters clashed with army units in Tesmil village, Lorvan district.")
    places = by_place(rep)
    assert "Tesmil" in places
    assert places["Tesmil"]["killed"] is None
    assert places["Tesmil"]["type"] == "ground_clash"
    assert rep["reports_incident"] is True


def test_acts_in_a_list_of_places_each_become_an_incident():
    rep = run("Further attacks were recorded in Orsk, Varo and Pelin on Monday.")
    assert {"Orsk", "Varo", "Pelin"} <= set(by_place(rep))


def test_the_type_comes_from_the_act_not_from_a_scene_setting_clause():
    assert event_types("Army units clashed with militants in Dorva amid heavy airstrikes.")[0] == "ground_clash"
    assert event_types("Jets bombed Dorva while fighting went on nearby.")[0] == "airstrike"


def test_new_violence_vocabulary_is_read_as_acts():
    for sentence in ("The two sides exchanged fire near the bridge.", "Fighters battled for the hill.",
                     "A man was stabbed outside the market.", "Troops repelled an attack on the post.",
                     "Militants planted a bomb under the car."):
        assert has_act(sentence), sentence
    assert not has_act("The minister visited the artillery school.")


def test_a_launch_site_is_not_the_place_struck():
    rep = run("On Monday rockets were fired from Kelvar, striking the town of Ambrin.")
    places = by_place(rep)
    assert "Ambrin" in places and "Kelvar" not in places


def test_a_record_over_a_period_is_not_an_act():
    rep = run("Militants have attacked Ostrava and Dunmore every week since January.")
    assert rep["incidents"] == []


def test_no_fatalities_said_apart_gives_zero_in_a_short_report():
    rep = run("On 8 May 2022, militants attacked a police post in Varo town. No fatalities were reported.")
    assert by_place(rep)["Varo"]["killed"] == 0


def test_no_information_about_casualties_is_no_toll():
    rep = run("On 8 May 2022, militants attacked a police post in Varo town. No information about casualties.")
    assert by_place(rep)["Varo"]["killed"] is None


def test_unnamed_gunmen_are_no_perpetrator():
    rep = run("On 7 May 2022, unidentified gunmen shot dead a teacher in Orsk village.")
    inc = by_place(rep)["Orsk"]
    assert inc["perpetrator"] is None and inc["type"] == "shooting" and inc["killed"] == 1


def test_a_clash_between_two_named_sides_has_no_single_perpetrator():
    rep = run("On 6 May 2022, Taliban fighters clashed with Afghan security forces in Dorvan district.")
    assert by_place(rep)["Dorvan"]["perpetrator"] is None


def test_a_one_sided_attack_keeps_its_attacker():
    rep = run("On 6 May 2022, Taliban fighters attacked Afghan security forces in Dorvan district.")
    inc = by_place(rep)["Dorvan"]
    assert inc["perpetrator"] == "Taliban"
    assert inc["type"] == "ground_clash"  # an attack on troops with no method stated (decision e)


def test_counting_ceasefire_violations_is_not_a_truce():
    rep = run("Monitors recorded 900 ceasefire violations in the Varo region between May 2 and May 8.")
    assert rep["ceasefires"] == []


def test_a_un_body_that_brokers_a_truce_is_a_declarer():
    rep = run("On May 9, the UN envoy announced that the two sides had agreed a truce in Lorvan.")
    assert rep["ceasefires"] and "United Nations" in rep["ceasefires"][0]["declared_by"]


def test_a_group_that_ended_its_truce_declared_it():
    rep = run("Violence has grown since the Pakistani Taliban ended a ceasefire with the government.")
    assert rep["ceasefires"] and "Pakistani Taliban" in rep["ceasefires"][0]["declared_by"]


def test_suspending_operations_is_a_truce():
    rep = run("On Tuesday the Saudi-led coalition said it would suspend military operations in Yemen.")
    assert rep["ceasefires"] and "Saudi-led coalition" in rep["ceasefires"][0]["declared_by"]


def test_a_province_toll_goes_to_the_place_named_in_the_next_sentence():
    rep = run("Shelling killed 14 people in Lorvan province on Monday. The shells hit the market of Tesmil town.",
              "2022-05-10")
    places = by_place(rep)
    assert "Tesmil" in places and places["Tesmil"]["killed"] == 14
    assert "Lorvan" not in places


def test_toll_phrases_read_as_tolls():
    from vigil.annotate import assign_roles, find_counts

    for sentence, value in (("The toll from last week's strike on a bakery in Orsk has risen to 35, an "
                             "official said.", 35),
                            ("The attack claimed 12 lives.", 12), ("There were 35 deaths in the blast.", 35),
                            ("The killing of 14 villagers shocked the region.", 14)):
        counts = find_counts(sentence)
        assign_roles(sentence, 0, counts)
        assert any(c.role == "killed" and c.value == value for c in counts), sentence


def test_a_country_that_only_says_where_is_not_the_attacker():
    rep = run("A cafe in Dorvan, Ukraine's Velin region, was shelled by Russia's military on Monday, killing two.")
    assert by_place(rep)["Dorvan"]["perpetrator"] == "Russia"
    rep = run("A missile strike on a shop in the Ukrainian city of Dorvan killed four on Monday.")
    assert by_place(rep)["Dorvan"]["perpetrator"] in (None, "Russia")


def test_near_a_landmark_is_the_place_when_nothing_else_is_struck():
    rep = run("Clashes took place between army units and rebels near Ostrin in the north of Lorvan province.")
    assert "Ostrin" in by_place(rep)


def test_near_is_a_reference_when_another_place_is_struck():
    rep = run("On Monday shells hit Ambrin, near Kelvar, killing three.")
    places = by_place(rep)
    assert "Ambrin" in places and "Kelvar" not in places


def test_capturing_a_village_is_a_ground_clash():
    rep = run("On 2 May 2022, government forces captured the village of Telma from rebel fighters.")
    inc = by_place(rep)["Telma"]
    assert inc["type"] == "ground_clash" and inc["killed"] is None


def test_an_armed_group_with_a_possessive_name_is_not_a_place():
    rep = run("On 2 May 2022, army units fired mortars at the positions of the Valley People's Militia in the "
              "area of Dorsk, Lorvan.")
    places = set(by_place(rep))
    assert "Militia" not in places and "Dorsk" in places


def test_neutralised_fighters_are_killed():
    from vigil.annotate import assign_roles, find_counts

    sentence = "Troops on Thursday neutralised six insurgents near the camp."
    counts = find_counts(sentence)
    assign_roles(sentence, 0, counts)
    assert [(c.value, c.role) for c in counts] == [(6, "killed")]


def test_the_day_of_the_telling_is_not_the_day_of_the_act():
    # published on a Monday; the strike happened at the weekend, the official spoke on Monday
    rep = run("The toll from the weekend missile strike on a shop in the town of Dorvan has risen to 12, an "
              "official said on Monday (May 16).", "2022-05-16")
    inc = by_place(rep)["Dorvan"]
    assert inc["killed"] == 12 and inc["date"] in ("2022-05-14", "2022-05-15")  # the weekend, not Monday


def test_over_the_past_day_is_the_day_before_the_report():
    rep = run("Over the past day, shelling killed two people in Zelma village, the governor said.", "2022-05-16")
    assert by_place(rep)["Zelma"]["date"] == "2022-05-15"


def test_civilians_killed_by_a_force_on_the_ground_with_no_method_is_a_shooting():
    rep = run("On 5 May 2022, one civilian was killed by Taliban fighters in Garmsel village.")
    assert by_place(rep)["Garmsel"]["type"] == "shooting"


def test_an_abduction_by_gunmen_is_not_a_shooting():
    rep = run("On 5 May 2022, unidentified gunmen abducted a trader in Orsk village.")
    assert by_place(rep)["Orsk"]["type"] == "other"


def test_explosions_counted_by_monitors_are_shelling():
    rep = run("On 5 May 2022, monitors recorded 14 explosions near Velka.")
    assert by_place(rep)["Velka"]["type"] == "shelling"


def test_the_side_that_raided_first_is_the_perpetrator_of_a_clash():
    rep = run("On 6 May 2022, the SDF raided a checkpoint in Varsel and clashed with government forces.")
    assert by_place(rep)["Varsel"]["perpetrator"] == "SDF"
    rep = run("On 6 May 2022, Taliban fighters stormed a post in Dorvan district, and clashes with the police followed.")
    assert by_place(rep)["Dorvan"]["perpetrator"] == "Taliban"


def test_the_side_that_clashed_and_killed_is_the_perpetrator():
    rep = run("On 6 May 2022, the Nigerian army clashed with Boko Haram at Gumsa and killed four fighters.")
    inc = by_place(rep)["Gumsa"]
    assert inc["perpetrator"] == "Nigerian Army" and inc["killed"] == 4


def test_a_clash_in_which_soldiers_were_killed_names_no_initiator():
    rep = run("On 6 May 2022, three soldiers were killed when Taliban fighters clashed with Afghan security "
              "forces in Dorvan district.")
    assert by_place(rep)["Dorvan"]["perpetrator"] is None


def test_a_clash_with_one_named_side_has_no_perpetrator():
    rep = run("On 6 May 2022, Taliban fighters clashed with local guards in Dorvan district.")
    assert by_place(rep)["Dorvan"]["perpetrator"] is None


def test_an_attack_on_police_after_a_bombing_is_typed_by_its_own_act():
    rep = run("A car bomb killed two people in Timsa on Monday. Last week, armed men attacked police stations "
              "in the towns of Arvel and Dunka.", "2022-05-10")
    places = by_place(rep)
    assert places["Timsa"]["type"] == "bombing"
    assert places["Arvel"]["type"] == "ground_clash" and places["Dunka"]["type"] == "ground_clash"


def test_a_truce_named_in_passing_covers_the_country():
    rep = run("Bombings have grown in Pakistan since the Pakistani Taliban ended a ceasefire with the government "
              "in November.")
    cfs = rep["ceasefires"]
    assert cfs and cfs[0]["area"] == "Pakistan" and "Pakistani Taliban" in cfs[0]["declared_by"]


def test_a_truce_over_several_provinces_keeps_them_together():
    rep = run("Jets kept bombing Lorvan and Tesk provinces despite the ceasefire agreement reached by Russia "
              "and Turkey.", "2022-05-10")
    assert rep["ceasefires"] and rep["ceasefires"][0]["area"] == "Lorvan and Tesk provinces"


def test_two_truces_announced_on_different_days_stay_apart():
    rep = run("On May 2, the council adopted a resolution demanding a ceasefire across Varnia. On May 4, the "
              "Ostran government announced a daily five-hour humanitarian pause in Dorsk.", "2022-05-10")
    assert len(rep["ceasefires"]) == 2


def test_a_unilateral_truce_has_one_party():
    rep = run("On Monday the RSF announced a unilateral ceasefire, a day after rejecting a plan proposed "
              "by the United States.", "2022-05-10")
    assert rep["ceasefires"][0]["declared_by"] == ["RSF"]


def test_a_sentence_whose_only_act_word_is_a_stem_is_read():
    rep = run("Troops on Thursday neutralised six insurgents and destroyed their camps at Gorva and Kelti villages "
              "of Dunka district.", "2022-05-10")
    places = by_place(rep)
    assert {"Gorva", "Kelti"} <= set(places)
    assert places["Gorva"]["type"] == "ground_clash"
    assert any(t["killed"] == 6 for t in rep["totals"])


def test_a_village_with_a_namesake_abroad_does_not_decide_the_country():
    from vigil.annotate import annotate
    from vigil.extract.incidents import report_country

    doc = Document("t", date(2022, 5, 10), "Shelling hit Dimashq province on Monday. Clashes erupted in Sharjah "
                                            "village in the western countryside of Dimashq province.")
    assert report_country(annotate(doc)) == "Syria"


def test_a_counted_band_that_attacks_is_the_attacker():
    rep = run("On 4 May 2022, about 150 suspected Fulani militias attacked Kuro village in Darma LGA. "
              "One resident was killed.", "2022-05-04")
    assert by_place(rep)["Kuro"]["perpetrator"] == "Fulani militants"


def test_counted_victims_are_never_the_attacker():
    rep = run("Three Malian soldiers were killed in Dosso on Friday.", "2022-05-08")
    assert by_place(rep)["Dosso"]["perpetrator"] is None


def test_the_force_whose_attack_was_repelled_is_the_perpetrator():
    rep = run("On 2 May 2022, government fighters thwarted pro-Houthi incursions in Wadi Kurr.", "2022-05-02")
    assert by_place(rep)["Wadi Kurr"]["perpetrator"] == "Houthis"
    rep = run("On 2 May 2022, army units repelled an attack of al-Shabaab fighters on Dalmo base.", "2022-05-02")
    assert by_place(rep)["Dalmo"]["perpetrator"] == "al-Shabaab"


def test_grenade_launchers_fired_at_positions_are_a_ground_clash():
    assert event_types("Rebels fired grenade launchers at army positions near Orsk.")[0] == "ground_clash"


def test_a_year_of_background_does_not_date_the_attacks_told_after_it():
    rep = run("This year, militants killed hundreds of people in Karvo. Gunmen stormed a checkpoint in Ulden, "
              "killing four policemen.", "2021-10-15")
    assert by_place(rep)["Ulden"]["date"] == "2021-10-15"


def test_a_date_that_names_a_unit_is_not_the_day_of_the_attack():
    rep = run("On Saturday, a suicide bomber struck the 26th March Brigade base in Harda, killing six soldiers.",
              "2021-10-17")
    assert by_place(rep)["Harda"]["date"] == "2021-10-16"


def test_the_owner_of_a_house_is_not_a_place():
    rep = run("On 3 October, gunmen attacked the house of Yusuf Abdi Warsame in Dorow town.", "2021-10-05")
    assert set(by_place(rep)) == {"Dorow"}


def test_a_named_attacker_wins_over_a_vague_one_for_the_same_incident():
    rep = run("Taliban militants attacked a checkpoint in Garmo district on Saturday, killing six policemen. "
              "The insurgents carried out the attack on the checkpoint in Garmo district, an official said.",
              "2021-03-27")
    assert by_place(rep)["Garmo"]["perpetrator"] == "Taliban"


def test_a_force_named_on_its_buildings_is_the_target():
    rep = run("Last week, armed men attacked police stations in the municipalities of Orvo and Tesca.",
              "2023-09-20")
    assert {i["perpetrator"] for i in rep["incidents"]} == {None}


def test_troops_that_neutralise_fighters_are_the_attackers():
    rep = run("Troops on Thursday neutralised five Boko Haram fighters at Kulma village in Borno.", "2019-01-04")
    assert by_place(rep)["Kulma"]["perpetrator"] == "Nigerian Army"


def test_a_neighbouring_state_named_as_a_border_is_not_the_attacker():
    rep = run("A coalition airstrike hit a market in Harja, which lies on the border with Saudi Arabia, "
              "killing nine people.", "2017-11-01")
    assert by_place(rep)["Harja"]["perpetrator"] != "Saudi Arabia"


def test_a_blame_statement_names_the_attacker_of_an_unattributed_strike():
    rep = run("A rocket hit a football pitch in Tesmil on Saturday, killing ten children. "
              "Officials blamed Hezbollah for the attack.", "2024-07-28")
    assert by_place(rep)["Tesmil"]["perpetrator"] == "Hezbollah"
    rep = run("A rocket hit a football pitch in Tesmil on Saturday, killing ten children. "
              "The army blamed the attack on Hezbollah.", "2024-07-28")
    assert by_place(rep)["Tesmil"]["perpetrator"] == "Hezbollah"


def test_disputed_blame_names_no_attacker():
    rep = run("A rocket hit a market in Tesmil on Saturday, killing ten people. Hezbollah and Israel "
              "blamed each other for the attack.", "2024-07-28")
    assert by_place(rep)["Tesmil"]["perpetrator"] is None


def test_a_village_named_after_its_region_is_the_place():
    rep = run("A rocket struck the occupied Varo Heights village Tesmil on Saturday, killing four.", "2024-07-28")
    assert "Tesmil" in by_place(rep)
    assert "Varo Heights" not in by_place(rep)


def test_a_toll_in_the_next_sentence_goes_to_the_place_just_named():
    rep = run("A cafe in Tesmil, in the Lorvan region, was shelled on Friday. Two people were killed.", "2023-08-26")
    assert by_place(rep)["Tesmil"]["killed"] == 2


def test_a_lead_toll_for_a_region_goes_to_the_place_named_after_it():
    rep = run("One man was killed when troops shelled a village in the Lorvan region on Monday, the governor said. "
              "The village of Tesmil came under fire, with three shells landing near its school.", "2023-08-07")
    assert by_place(rep)["Tesmil"]["killed"] == 1
    assert "Lorvan" not in by_place(rep)


def test_a_period_toll_next_to_a_place_is_not_its_toll():
    rep = run("A cafe in Tesmil was shelled on Friday. The war has killed 300 people since January.", "2023-08-26")
    assert by_place(rep)["Tesmil"]["killed"] is None


def test_a_declarer_described_in_an_apposition_is_still_the_declarer():
    rep = run("The Arakan Army, one of several armed groups that hold parts of the north, announced a "
              "unilateral ceasefire on Tuesday.", "2025-04-03")
    assert rep["ceasefires"][0]["declared_by"] == ["Arakan Army"]


def test_a_captured_village_is_an_incident_even_without_casualties():
    rep = run("On 27 February 2020, government forces captured Tesmil in Lorvan following clashes with rebels. "
              "Neither fatalities nor injuries were reported.", "2020-02-27")
    assert by_place(rep)["Tesmil"]["killed"] == 0
    assert by_place(rep)["Tesmil"]["type"] == "ground_clash"


def test_an_attack_on_a_road_between_two_towns_is_placed_at_the_first():
    rep = run("On 8 June 2019, gunmen opened fire and killed a policeman on the road linking Tesmil and Varo.",
              "2019-06-08")
    assert set(by_place(rep)) == {"Tesmil"}
    assert by_place(rep)["Tesmil"]["killed"] == 1


def test_where_the_officials_speak_is_not_where_the_strike_fell():
    rep = run("Coalition jets struck Tesmil on Monday, killing 12 people, officials in Orvano said.", "2016-07-19")
    assert set(by_place(rep)) == {"Tesmil"}


def test_another_sources_lower_figure_for_the_same_toll_is_kept():
    rep = run("At least eleven guards were killed when raiders attacked a post in Tesmil on Monday. "
              "However, a district official said only four guards were killed.")
    tesmil = by_place(rep)["Tesmil"]
    assert tesmil["killed"] == 4
    assert tesmil["killed_high"] == 11


def test_more_dead_named_later_are_not_a_second_figure():
    # "also killed": two more dead, added to the six (a group sum), never a second, lower figure of 2
    rep = run("Troops killed six people during a raid in Orsk on Monday, officials said. "
              "A nurse and a driver were also killed, the agency reported.")
    assert by_place(rep)["Orsk"]["killed"] == 8


def test_the_attacker_named_after_a_conjunction_is_not_a_victim():
    rep = run("At least five guards were killed after Taliban militants attacked a post in Gorzan, Afghanistan, on Monday.")
    assert by_place(rep)["Gorzan"]["perpetrator"] == "Taliban"


def test_an_actor_in_a_clause_describing_the_place_did_not_do_the_act():
    rep = run("At least 14 people were killed in Syrian government air strikes on Varsk, Syria, "
              "which rebels seized last month, a monitor said on Monday.")
    assert by_place(rep)["Varsk"]["perpetrator"] == "Syrian government"


def test_a_province_toll_brings_its_named_attacker_to_the_place():
    rep = run("The insurgents attacked a checkpoint in Gorzan village on Monday. "
              "At least nine policemen were killed after Taliban militants attacked the checkpoint in "
              "Helmand province on Monday.")
    gorzan = by_place(rep)["Gorzan"]
    assert (gorzan["killed"], gorzan["perpetrator"]) == (9, "Taliban")


def test_the_day_of_the_act_wins_over_the_day_of_a_visit_in_one_sentence():
    rep = run("Elders visited on Sunday the school where a rocket landed in an attack on Saturday in Varsk, "
              "killing six pupils.", "2022-05-09")
    assert by_place(rep)["Varsk"]["date"] == "2022-05-07"


def test_dozens_killed_over_past_days_in_regions_is_a_record_not_an_incident():
    rep = run("Both sides have stepped up drone strikes over the past three days, killing dozens of people "
              "in Lorvan and Tesmil.")
    assert not rep["incidents"]


def test_they_who_announce_a_truce_are_the_parties_named_just_before():
    rep = run("The Russian President and his Turkish counterpart say they have reached agreements that could end "
              "the fighting in the north.\n\nThey say a ceasefire will come into force in Tesmil at midnight.",
              "2020-03-05")
    (cf,) = rep["ceasefires"]
    assert sorted(cf["declared_by"]) == ["Russia", "Turkey"]
    assert cf["effective_from"] == "2020-03-06"


def test_a_truce_told_again_later_without_its_period_is_the_same_truce():
    rep = run("On 3 March, the United Nations announced that the Red Front had agreed to a ceasefire in Lorvan "
              "that would take effect on 8 March.\n\nOn Monday the United Nations said the ceasefire in Lorvan "
              "agreed with the Red Front was holding.", "2020-03-10")
    (cf,) = rep["ceasefires"]
    assert (cf["announced_on"], cf["effective_from"]) == ("2020-03-03", "2020-03-08")


def test_shootings_gunfights_and_clashes_beside_gunmen_are_typed_by_the_act():
    assert event_types("Three traders were killed in two separate shootings in Varsk.")[0] == "shooting"
    assert event_types("Troops backed by loyal gunmen clashed with rebels in Varsk.") == ["ground_clash"]
    assert event_types("A firefight broke out near the bridge at Varsk.") == ["ground_clash"]


def test_an_attack_on_armed_fighters_with_no_method_is_a_ground_clash():
    rep = run("On 5 May 2022, tribal guards attacked Red Front militants and left 3 dead in Varsk village.",
              "2022-05-06")
    assert by_place(rep)["Varsk"]["type"] == "ground_clash"


def test_an_exchange_of_shelling_is_fought_by_both_sides():
    rep = run("On 3 October 2021, clashes took place between regime forces and rebels on the Varsk front in Hama "
              "amid mutual shelling.", "2021-10-04")
    assert by_place(rep)["Varsk"]["perpetrator"] is None


def test_a_nationality_with_a_force_that_acts_is_the_state():
    rep = run("On 20 March 2020, one Taliban militant was killed by Afghan commando forces in Gorzan district.",
              "2020-03-21")
    assert by_place(rep)["Gorzan"]["perpetrator"] == "Afghan security forces"
    rep = run("Three Malian soldiers were killed in Dosso on Friday.", "2022-05-08")
    assert by_place(rep)["Dosso"]["perpetrator"] is None


def test_a_group_that_claims_to_have_killed_is_the_attacker_and_an_unidentified_one_is_no_one():
    rep = run("On 2 May 2020, Boko Haram claimed to have killed 17 soldiers in an IED attack in Varsk, Yobe.",
              "2020-05-03")
    assert by_place(rep)["Varsk"]["perpetrator"] == "Boko Haram"
    rep = run("On 11 January 2020, an unidentified armed group attacked an army checkpoint in Varsk town, Daraa.",
              "2020-01-12")
    assert by_place(rep)["Varsk"]["perpetrator"] is None


def test_a_province_closing_a_place_phrase_only_locates_it_even_when_a_city_shares_its_name():
    rep = run("On 3 May 2020, government forces fired small arms at rebel positions in the area of Varsk, Donetsk.",
              "2020-05-04")
    assert set(by_place(rep)) == {"Varsk"}


def test_the_named_camp_is_the_place_and_its_city_contains_it():
    rep = run("On 4 May 2020, clashes erupted between residents and police at the Varsk refugee camp in Tesmil.",
              "2020-05-05")
    assert set(by_place(rep)) == {"Varsk"}


def test_missiles_that_fell_on_listed_cities_are_incidents_there():
    rep = run("Missiles fell in cities including Varsk, Tesmil and Dorva on Monday.")
    assert {"Varsk", "Tesmil", "Dorva"} <= set(by_place(rep))


def test_a_year_in_a_clause_describing_the_place_does_not_date_the_act():
    rep = run("Both drone strikes were carried out in the Varsk district, one of the places hit hardest by the war "
              "in 2014.", "2023-03-01")
    assert by_place(rep)["Varsk"]["date"] == "2023-03-01"


def test_a_compass_word_or_a_people_is_no_place():
    rep = run("The clashes were between two armed groups in the war-torn West of the country on Monday.")
    assert "West" not in by_place(rep)


def test_a_unilateral_cessation_is_a_truce_and_a_bare_call_is_not():
    (cf,) = run("On December 19, the Taliban declared a unilateral cessation of attacks in Gorzan.",
                "2023-01-04")["ceasefires"]
    assert (cf["declared_by"], cf["announced_on"]) == (["Taliban"], "2022-12-19")
    assert run("The United Nations called for a truce in Lorvan on Monday.", "2023-01-04")["ceasefires"] == []
    (cf,) = run("The Security Council adopted a resolution on Monday demanding a ceasefire in Lorvan.",
                "2023-01-04")["ceasefires"]
    assert cf["declared_by"] == ["UN Security Council"]


def test_the_capital_named_after_its_province_is_the_city():
    rep = run("At least 35 people were killed in a suicide attack in Iraq's capital Baghdad on Monday.")
    assert by_place(rep)["Baghdad"]["killed"] == 35


def test_a_claim_of_responsibility_said_apart_names_the_attacker():
    rep = run("A car bomb killed nine people in Varsk, Somalia, on Monday.\n"
              "Al-Shabaab claimed responsibility for the attack in a statement.")
    assert by_place(rep)["Varsk"]["perpetrator"] == "al-Shabaab"


def test_hundreds_killed_gives_no_total_but_a_count_of_strikes_stays():
    rep = run("Jets carried out 40 air strikes on the province last year, killing hundreds of people.")
    assert [(t["killed"], t["strikes"]) for t in rep["totals"]] == [(None, 40)]
    rep = run("The group killed hundreds of people in the province this year.")
    assert rep["totals"] == []


def test_an_offensive_being_prepared_is_not_an_incident():
    rep = run("The attack comes as government forces prepare for an offensive on Varsk, the last rebel-held town.")
    assert rep["incidents"] == []


def test_a_toll_dates_a_place_told_only_a_few_days_ago():
    rep = run("The mayor says at least 14 people are dead after a series of drone strikes around the town.\n"
              "A few days ago the army said it had used drones against positions in Varsk.", "2023-11-07")
    varsk = by_place(rep)["Varsk"]
    assert (varsk["killed"], varsk["date"]) == (14, "2023-11-07")


def test_where_the_reporter_speaks_from_is_not_struck():
    rep = run("Jets struck Varsk on Monday, our correspondent, reporting from Tesmil, said.")
    assert set(by_place(rep)) == {"Varsk"}


def test_an_attempted_assassination_near_a_town_is_placed_there_and_a_corps_is_no_place():
    rep = run("Unknown men attempted to assassinate a commander from the Varsk Corps, south of Tesmil. "
              "Neither injuries nor fatalities were reported.")
    assert set(by_place(rep)) == {"Tesmil"}
    assert by_place(rep)["Tesmil"]["killed"] == 0


def test_a_report_naming_only_a_province_for_its_act_reports_it_there():
    rep = run("Clashes took place between regime forces and rebels in the southwestern countryside of Idlib "
              "province. No fatalities were reported.")
    assert rep["reports_incident"] is True
    assert [(i["location"]["name"], i["killed"]) for i in rep["incidents"]] == [("Idlib", 0)]
    rep = run("Clashes took place in Idlib province, and troops shelled Varsk village on Monday.")
    assert set(by_place(rep)) == {"Varsk"}


def test_who_an_attack_hit_says_who_the_victims_were():
    rep = run("Armed attackers killed at least 33 people in Varsk when they opened fire on vegetable farmers.")
    assert by_place(rep)["Varsk"]["victims"] == "civilians"
    rep = run("Gunmen attacked an army checkpoint in Tesmil on Monday, killing four people.")
    assert by_place(rep)["Tesmil"]["victims"] == "combatants"
    rep = run("Four people were killed in Dorva on Monday.")
    assert by_place(rep)["Dorva"]["victims"] == "unknown"


def test_no_reports_of_fatalities_is_a_toll_of_zero():
    rep = run("On 3 May 2020, rebels shelled houses in Varsk village, with no reports of fatalities or damage.",
              "2020-05-04")
    assert by_place(rep)["Varsk"]["killed"] == 0
    rep = run("Troops clashed with rebels in Tesmil. No injuries or fatalities were reported.", "2020-05-04")
    assert by_place(rep)["Tesmil"]["killed"] == 0


def test_a_country_that_owns_the_declaring_group_is_not_a_party():
    (cf,) = run("Sudan's paramilitary Rapid Support Forces announced a unilateral humanitarian ceasefire on Monday.",
                "2025-11-24")["ceasefires"]
    assert cf["declared_by"] == ["RSF"]


def test_a_dated_truce_and_an_undated_one_by_other_parties_are_two():
    rep = run("Russia declared an Easter truce from Saturday 18:00 until midnight on Sunday.\n\n"
              "Earlier, Ukraine and the United States proposed a ceasefire.", "2025-04-19")
    assert sorted(sorted(cf["declared_by"]) for cf in rep["ceasefires"]) == [["Russia"], ["Ukraine", "United States"]]


def test_weapons_name_their_type_and_mixed_light_weapons_are_a_clash():
    assert event_types("Government forces fired small arms at rebel positions near Varsk.") == ["shooting"]
    assert event_types("Rebels fired IFVs at army positions near Varsk.") == ["shelling"]
    assert event_types("Rebels fired grenade launchers and small arms at army positions near Varsk.") \
        == ["ground_clash"]


def test_who_flew_the_drone_is_the_attacker_but_who_holds_a_town_is_not():
    rep = run("A drone operated by government forces hit a bus in Varsk, Ethiopia, on Friday, killing 12 people.",
              "2024-11-30")
    assert by_place(rep)["Varsk"]["perpetrator"] == "Ethiopian forces"


def test_a_truce_declared_over_ends_then_and_who_spoke_after_it_did_not_declare_it():
    (cf,) = run("The army said on September 22 it was starting a new offensive on Varsk after a week-long "
                "ceasefire was declared officially over on 19 September.", "2016-10-11")["ceasefires"]
    assert (cf["announced_on"], cf["effective_until"], cf["declared_by"]) == (None, "2016-09-19", [])


def test_a_group_described_in_a_participle_clause_that_called_a_ceasefire_declared_it():
    rep = run("Rebels attacked Varsk in Myanmar on Monday.\n\nThe National Unity Government, founded by ousted "
              "lawmakers, had already called a ceasefire for its forces.", "2025-04-03")
    assert [cf["declared_by"] for cf in rep["ceasefires"]] == [["National Unity Government"]]


def test_a_toll_told_after_a_placeless_sentence_about_the_attack_goes_to_its_place():
    rep = run("Raiders attacked the village of Varsk on Monday. The attack destroyed a school and two houses. "
              "A man was killed and two women were injured.")
    assert by_place(rep)["Varsk"]["killed"] == 1


def test_an_administrative_unit_of_one_country_names_the_country():
    rep = run("On 4 May 2020, gunmen attacked Varsk and Tesmil in Orbo LGA (Lorvan).", "2020-05-05")
    assert {i["location"]["country"] for i in rep["incidents"]} == {"Nigeria"}


def test_a_governments_own_forces_outweigh_a_village_namesake_abroad():
    from vigil.annotate import annotate
    from vigil.extract.incidents import report_country

    doc = Document("t", date(2017, 7, 23), "The Islamic State clashed with the Syrian army and its allies around "
                   "the Varsk fields near Tesmil.")
    assert report_country(annotate(doc)) == "Syria"


def test_the_explosion_of_a_fired_munition_is_that_munition_not_a_bomb():
    assert event_types("Four shells exploded in the centre of Tesmil.") == ["shelling"]
    assert event_types("A drone exploded over the depot.") == ["drone_strike"]
    assert event_types("A roadside bomb exploded as rockets were fired nearby.")[0] == "bombing"
    assert event_types("An explosion tore through the market.") == ["bombing"]


def test_a_name_ending_in_a_province_word_is_a_province_and_its_village_takes_the_toll():
    rep = run("One person was killed when troops shelled a settlement in Varsk's border Lorvan Region, "
              "the governor said. The village of Tesmil came under fire: four shells exploded near a school.")
    places = by_place(rep)
    assert set(places) == {"Tesmil"}
    assert places["Tesmil"]["killed"] == 1 and places["Tesmil"]["type"] == "shelling"


def test_a_country_in_the_possessive_is_not_the_places_district():
    from vigil.lexicon import canonical_country

    assert canonical_country("Ukraine")
    rep = run("Two civilians were killed when shells hit Tesmil in Ukraine's Orvan Oblast on Monday.")
    place = by_place(rep)["Tesmil"]
    assert place["location"].get("admin2") != "Ukraine"
    assert place["location"].get("admin1") == "Orvan Oblast"


def test_a_city_and_the_one_quarter_the_report_puts_inside_it_are_one_incident():
    rep = run("At least 14 people were killed on Sunday in airstrikes on the port city of Varsk, officials said. "
              "Jets hit two buses in Varsk's Tesmil quarter, killing 14 passengers, a spokesman said.")
    places = by_place(rep)
    assert set(places) == {"Tesmil"}
    assert places["Tesmil"]["killed"] == 14


def test_a_city_with_its_own_different_toll_stays_apart_from_its_quarter():
    rep = run("Shelling killed 30 people across Varsk on Sunday. "
              "In Varsk's Tesmil quarter, shells killed four children.")
    assert "Tesmil" in by_place(rep)
    assert by_place(rep)["Tesmil"]["killed"] == 4


def test_named_suburbs_of_a_city_are_each_an_incident_and_a_comparison_is_not_a_period():
    rep = run("Air raids were reported overnight from the Varsk suburbs of Tesmil, Orvan and Pelin, "
              "the heaviest since jets first bombed the capital in March.")
    assert set(by_place(rep)) == {"Tesmil", "Orvan", "Pelin"}
    assert {i["type"] for i in rep["incidents"]} == {"airstrike"}


def test_a_period_still_makes_a_record_not_an_incident():
    rep = run("Air raids have hit Tesmil and Orvan almost every day since March.")
    assert rep["incidents"] == []


def test_villages_listed_before_their_district_stay_the_places():
    rep = run("Troops on Monday killed four militants at Gawo and Tirra villages of Orvan district.")
    assert {"Gawo", "Tirra"} <= set(by_place(rep)) and "Orvan" not in by_place(rep)


def test_a_province_in_the_possessive_and_a_province_in_apposition_locate_the_place():
    rep = run("At about 23:00 a local resident was killed by enemy shells in Lorvan region’s Tesmil. "
              "Houses were damaged. Moreover, a man, 59, was killed by shelling in Orvan, the Varsk region.")
    places = by_place(rep)
    assert places["Tesmil"]["killed"] == 1 and places["Orvan"]["killed"] == 1
    assert places["Tesmil"]["location"].get("admin1") == "Lorvan" or places["Tesmil"]["location"].get("admin2") == "Lorvan"


def test_agreeing_to_cease_fire_is_a_truce_not_an_act_of_violence():
    rep = run('"The authorities of Lorvan accept the proposal to cease fire," the Lorvan council said on Wednesday.')
    assert rep["incidents"] == []


def test_clashes_with_an_exchange_of_shelling_are_a_ground_clash():
    assert event_types("Troops clashed with rebels near Orvan, and the clashes were accompanied by "
                       "exchanged shelling.") == ["ground_clash"]
    assert event_types("A shelling exchange and clashes took place on the Orvan axis.") == ["ground_clash"]
    assert event_types("Troops shelled Orvan as clashes went on.")[0] == "shelling"


def test_the_places_of_one_massacre_by_gunmen_share_its_method_and_victims():
    rep = run("On 4 May 2022, about 100 suspected Fulani militias attacked Tesmil, Orvan and Garin Pelo "
              "villages in Varsk LGA. 1 resident of Garin Pelo was killed. Cattle were rustled.")
    places = by_place(rep)
    assert places["Garin Pelo"]["killed"] == 1
    assert {i["type"] for i in rep["incidents"]} == {"shooting"}
    assert {i["victims"] for i in rep["incidents"]} == {"civilians"}


def test_strikes_on_listed_places_do_not_take_the_victims_of_one_of_them():
    rep = run("Jets struck Tesmil, Orvan and Pelin on Monday, killing two civilians in Pelin.")
    places = by_place(rep)
    assert places["Pelin"]["victims"] == "civilians"
    assert places["Tesmil"]["victims"] == "unknown"


def test_a_clash_amid_airstrikes_has_no_one_side_as_its_perpetrator():
    from vigil.annotate import only_mutual_acts

    assert only_mutual_acts("Army units clashed with Red Front fighters in Tesmil amid intense airstrikes.")
    assert not only_mutual_acts("Jets bombed Tesmil while army units clashed with rebels nearby.")


def test_fire_counted_by_monitors_near_a_place_is_an_incident_there():
    assert has_act("The monitors observed a total of 40 shots and bursts of fire near Tesmil.")
    rep = run("On 3 May 2022, the monitors observed a total of 40 shots/bursts of fire near Tesmil.")
    assert set(by_place(rep)) == {"Tesmil"}


def test_an_english_at_does_not_join_an_acronym_to_a_place():
    rep = run("Militants attacked a brigade of the RDF at Tesmil in Varsk province, killing six fighters.")
    assert "Tesmil" in by_place(rep)


def test_where_the_encounter_took_place_locates_the_reports_one_incident():
    rep = run("Three militants were killed in an exchange of fire with troops in Orvan district, the army said "
              "on Thursday. According to the army, the encounter took place in Tesmil area of the district.")
    places = by_place(rep)
    assert set(places) == {"Tesmil"}
    assert places["Tesmil"]["killed"] == 3


def test_a_province_or_country_in_the_locating_sentence_does_not_move_the_incident():
    rep = run("A bomb killed five people in Tesmil on Monday. The attack took place in Ukraine.")
    assert set(by_place(rep)) == {"Tesmil"}


def test_one_strike_told_on_the_report_day_and_at_night_the_day_before_is_one_incident():
    rep = run("Four soldiers were killed in Israeli air strikes near Varsk on Monday, the army said. "
              "\"At 2:20 am (2320 GMT Sunday), the enemy carried out an air attack targeting areas near Varsk,\" "
              "the army said.", published="2023-08-07")
    assert [(i["location"]["name"], i["killed"]) for i in rep["incidents"]] == [("Varsk", 4)]


def test_two_tolls_at_one_place_on_two_days_stay_two_incidents():
    rep = run("Jets killed four people in Tesmil on Sunday. On Monday jets killed two more in Tesmil.",
              published="2023-08-08")
    assert len([i for i in rep["incidents"] if i["location"]["name"] == "Tesmil"]) == 2


def test_an_act_named_after_its_place_and_a_month_of_massacres_date_the_incident():
    rep = run("The network documented 25 massacres committed against civilians in September. The biggest was "
              "the Tesmil massacre, in which at least 70 people were killed in air raids.", published="2014-10-07")
    place = by_place(rep)["Tesmil"]
    assert place["killed"] == 70
    assert place["date"] == "2014-09-01" and place["date_precision"] == "month"


def test_stabbed_to_death_counts_the_dead():
    rep = run("Militants stormed the town of Orvan on September 17 and stabbed 13 civilians to death.",
              published="2014-10-07")
    assert by_place(rep)["Orvan"]["killed"] == 13


def test_tolls_over_a_year_and_over_many_counted_incidents_are_totals_not_incidents():
    rep = run("The army said that at least 200 people were martyred in 300 terrorist incidents over the past year. "
              "As many as 120 people were martyred in 150 terror activities in Lorvan, while 50 people lost lives "
              "in 90 incidents in Varsk.")
    assert rep["incidents"] == []
    assert {t["killed"] for t in rep["totals"]} >= {200, 120, 50}


def test_a_running_total_and_fatal_casualties_are_killed_counts():
    rep = run("A mine killed two shepherds near Tesmil on Monday. This brings the total number of civilians "
              "killed this year by mines to 137, including 30 children.")
    assert by_place(rep)["Tesmil"]["killed"] == 2
    assert 137 in {t["killed"] for t in rep["totals"]}


def test_six_air_raids_on_one_town_are_still_one_incident():
    rep = run("The biggest was the Tesmil massacre, in which at least 70 people were killed when jets conducted "
              "six air raids on homes.")
    assert by_place(rep)["Tesmil"]["killed"] == 70


def test_a_city_told_apart_only_as_the_reference_point_of_the_village_struck_is_no_incident():
    rep = run("Explosions were heard in the vicinity of Varsk on Wednesday, state media said. Later a radio "
              "station said that the village of Tesmil, west of Varsk, was targeted by missiles on Wednesday.")
    assert set(by_place(rep)) == {"Tesmil"}


def test_a_village_near_which_strikes_fell_stays_the_place_struck():
    rep = run("Jets carried out airstrikes near Tesmil village in the Orvan area on Monday.")
    assert "Tesmil" in by_place(rep)


def test_a_river_is_not_the_place_of_an_incident():
    rep = run("Warplanes killed two people on the eastern banks of the Lorvan River and struck Tesmil on Friday.")
    assert "Lorvan River" not in by_place(rep)


def test_a_toll_given_for_a_county_goes_to_the_place_of_the_raid_that_caused_it():
    rep = run("Five people were killed and two others injured in Orvan East county in Lorvan state following a "
              "raid on Tesmil cattle camp at around 1am on Thursday. The raiders attacked Tesmil cattle camp in "
              "Pelin payam of Orvan East.")
    places = by_place(rep)
    assert set(places) == {"Tesmil"}
    assert places["Tesmil"]["killed"] == 5


def test_a_province_toll_with_a_place_merely_hit_as_well_stays_a_total():
    rep = run("Shelling killed 30 people across Lorvan province on Monday; shells also hit Tesmil.")
    assert by_place(rep).get("Tesmil", {}).get("killed") != 30


def test_the_blame_in_an_acts_own_sentence_beats_an_attacker_carried_from_before():
    rep = run("Government jets bombed Orvan on Sunday, killing four. In Tesmil, near Varsk, a car bomb killed 11 "
              "people, state media reported, blaming “terrorists” for breaching the truce.")
    assert by_place(rep)["Tesmil"]["perpetrator"] == "terrorists"


def test_a_site_named_after_its_town_is_the_place_when_nothing_else_is_named():
    rep = run("On 2 May 2022, troops fired grenade launchers at enemy positions in the area of Aleppo Airport, "
              "killing one fighter.")
    assert "Aleppo Airport" in by_place(rep)


def test_a_toll_over_several_places_gives_its_status_to_each_of_them():
    # decision a: what a sentence says of all its dead holds at its places without a toll
    rep = run("Army troops on Sunday killed eleven Red Front militants and burnt their camps at Orvan and Pelin "
              "villages of Lorvan district.")
    places = by_place(rep)
    assert places["Orvan"]["killed"] is None and places["Orvan"]["victims"] == "combatants"
    assert places["Pelin"]["victims"] == "combatants"


def test_a_sentence_with_tolls_of_several_kinds_gives_no_status_to_its_other_places():
    rep = run("Shelling killed 14 people in Orvan, among them 6 civilians, and hit Pelin and Varo on Sunday.")
    places = by_place(rep)
    assert places.get("Pelin", {"victims": "unknown"})["victims"] == "unknown"


def test_deaths_in_a_clash_between_armed_sides_are_combatants_unless_unknown():
    rep = run("On 3 May 2022, Red Front fighters clashed with army units in Tesmil, incurring fatalities.")
    assert by_place(rep)["Tesmil"]["victims"] == "combatants"
    for said in ("No information about casualties was reported.", "No injuries or fatalities were reported.",
                 "Casualties remain unknown."):
        rep = run(f"On 3 May 2022, Red Front fighters clashed with army units in Tesmil. {said}")
        assert by_place(rep)["Tesmil"]["victims"] == "unknown", said
    rep = run("On 3 May 2022, Red Front fighters clashed with army units in Tesmil, killing villagers.")
    assert by_place(rep)["Tesmil"]["victims"] != "combatants"


def test_who_was_fired_at_or_abducted_says_who_the_victims_were():
    rep = run("On 4 May 2022, Blue Brigade forces fired mortar shells and machine guns at populated villages "
              "in Orvan district. No fatalities were reported.")
    assert by_place(rep)["Orvan"]["victims"] == "civilians"
    rep = run("On 5 May 2022, unknown gunmen abducted a journalist in Pelin (Pelin North, Lorvan).")
    assert by_place(rep)["Pelin"]["victims"] == "civilians"


def test_a_clash_of_protesters_with_police_is_not_an_armed_clash():
    rep = run("On 4 May 2022, clashes erupted between protesters and police in Tesmil. No injuries were reported.")
    assert by_place(rep)["Tesmil"]["type"] == "other"
    rep = run("On 4 May 2022, armed residents clashed with gunmen in Orvan, killing two of them.")
    assert by_place(rep)["Orvan"]["type"] == "ground_clash"


def test_an_act_told_right_after_the_sentence_that_names_its_place():
    rep = run("On 3 May 2022, demonstrators gathered in Orvan (Lorvan state), calling for the governor to resign. "
              "Soldiers dispersed the crowd with tear gas and severely beat a demonstrator.")
    assert list(by_place(rep)) == ["Orvan"]
    inc = by_place(rep)["Orvan"]
    assert inc["date"] == "2022-05-03" and inc["killed"] is None


def test_killing_a_protester_is_a_civilian_toll():
    rep = run("On 3 May 2022, militants opened fire on a march in Orvan, killing a protester.")
    inc = by_place(rep)["Orvan"]
    assert inc["killed"] == 1 and inc["victims"] == "civilians"


def test_an_arrest_with_no_harm_told_is_not_a_violent_incident():
    rep = run("On 5 May 2022, Blue Brigade fighters raided houses in Tesmil and arrested four men.")
    assert rep["incidents"] == [] and rep["reports_incident"] is False
    rep = run("On 5 May 2022, Blue Brigade fighters raided houses in Tesmil, killing two men and arresting four.")
    assert by_place(rep)["Tesmil"]["killed"] == 2


def test_an_operations_room_or_a_club_is_not_a_place():
    rep = run("On 6 May 2022, the Orvan Operations Room clashed with army units in Pelin, killing three fighters.")
    assert set(by_place(rep)) == {"Pelin"}


def test_a_frontline_or_an_aside_does_not_hide_the_area_that_holds_a_place():
    rep = run("On 28 August 2022, rebels and army units exchanged heavy machine gun fire on the Tesmil frontline "
              "in Orvan Plain in Lorvan governorate.")
    assert list(by_place(rep)) == ["Tesmil"]
    assert by_place(rep)["Tesmil"]["type"] == "ground_clash"  # gunfire both ways is a clash
    rep = run("Around 4 May 2022, jets carried out airstrikes near Pelin village (local name) in Dorva area.")
    assert list(by_place(rep)) == ["Pelin"]


def test_an_assassination_is_a_toll_and_an_air_force_branch_is_no_aircraft():
    rep = run("On 10 May 2022, gunmen on a motorcycle assassinated 2 RFC members near Tesmil.")
    assert by_place(rep)["Tesmil"]["killed"] == 2
    rep = run("On 3 May 2022, unidentified gunmen shot dead a member of the Air Force Intelligence in Orvan.")
    assert by_place(rep)["Orvan"]["type"] == "shooting"


def test_a_club_or_a_resistance_group_is_not_a_place_and_an_apostrophe_keeps_the_container():
    rep = run("On 1 June 2022, police clashed with guards in Tesmil city during a match of Orvan football club, "
              "injuring three civilians.")
    assert "Orvan" not in by_place(rep)
    rep = run("On 2 June 2022, Northern Resistance fighters clashed with army units in Pelin, killing two.")
    assert set(by_place(rep)) == {"Pelin"}
    rep = run("On 3 June 2022, rebels and army units exchanged fire on the Tesma' frontline in Dorva Plain.")
    assert set(by_place(rep)) == {"Tesma"}


def test_killed_with_blades_or_blows_is_a_toll_of_an_other_method():
    rep = run("Rebels hacked to death 19 villagers in an overnight raid on Tesmil, local officials said on Friday.")
    inc = by_place(rep)["Tesmil"]
    assert inc["killed"] == 19 and inc["victims"] == "civilians" and inc["type"] == "other"


def test_a_group_killed_as_well_in_the_next_sentence_joins_the_toll():
    rep = run("Militants attacked a police post in Orvan on Sunday, killing six policemen. "
              "Two attackers were also killed in the firefight.")
    inc = by_place(rep)["Orvan"]
    assert inc["killed"] == 8 and inc["victims"] == "combatants"
    assert rep["totals"] == []
    rep = run("Gunmen attacked Pelin market on Sunday, killing five civilians. Three soldiers were also killed.")
    assert by_place(rep)["Pelin"]["killed"] == 8 and by_place(rep)["Pelin"]["victims"] == "mixed"


def test_a_toll_at_an_unnamed_site_near_a_town_is_the_town_s_incident():
    rep = run("Militia forces shelled a displacement camp near Tesmil on Sunday, killing 12 displaced people.")
    inc = by_place(rep)["Tesmil"]
    assert inc["killed"] == 12 and inc["victims"] == "civilians"
    assert rep["totals"] == []


def test_the_capital_of_a_dateline_is_the_dateline_s_city():
    rep = run("ORVANGRAD, May 4 (Wire) - A car bomb exploded outside a hotel in the Lorvanian capital on Monday, "
              "killing at least eight people, police said.")
    inc = by_place(rep)["Orvangrad"]
    assert inc["killed"] == 8 and inc["type"] == "bombing"
    rep = run("ORVANGRAD, May 4 (Wire) - A car bomb killed five people in Tesmil, north of the capital, police said.")
    assert set(by_place(rep)) == {"Tesmil"}


def test_an_attack_between_two_places_is_at_the_first_and_a_kin_joins_the_count():
    rep = run("On 12 March 2023, armed men attacked a convoy between Tesmil and Orvan. 4 soldiers were killed.")
    assert set(by_place(rep)) == {"Tesmil"} and by_place(rep)["Tesmil"]["killed"] == 4
    rep = run("On 8 June 2021, a landmine exploded near Pelin, killing a shepherd and his son.")
    assert by_place(rep)["Pelin"]["killed"] == 2


def test_separatist_fighters_are_ukraine_s_separatists_only_in_ukraine():
    rep = run("On 2 February 2023, separatist fighters kidnapped 5 teachers in Tesmil (Varo, North-West).")
    inc = by_place(rep)["Tesmil"]
    assert inc["perpetrator"] != "Russian-backed separatists" and inc["victims"] == "civilians"


def test_another_source_s_figure_is_not_the_toll_of_the_next_place():
    rep = run("Jets struck Tesmil on Monday, killing at least 17 civilians, rescuers said. A monitor put the toll at 19.\n\n"
              "Hours later, shelling hit the nearby village of Pelin, wounding six people. No deaths were reported there.")
    places = by_place(rep)
    assert places["Tesmil"]["killed"] == 17 and places["Pelin"]["killed"] == 0


def test_a_state_s_forces_that_bombed_a_place_struck_from_the_air():
    rep = run("Myanmar's junta bombed a camp for displaced people in Tesmil on Monday, killing at least 28.")
    assert by_place(rep)["Tesmil"]["type"] == "airstrike"
    rep = run("Militants bombed a market in Orvan on Monday, killing five.")
    assert by_place(rep)["Orvan"]["type"] == "bombing"


def test_a_terrorist_attack_names_no_attacker():
    rep = run("On the evening of Thursday, the village of Tesmil suffered a cowardly terrorist attack that killed "
              "12 farmers, the governor said.")
    assert by_place(rep)["Tesmil"]["perpetrator"] is None


def test_a_lead_toll_brings_its_method_and_its_victims_to_the_place_named_later():
    rep = run("Armed attackers killed at least 33 people when they opened fire on farmers in the north, the governor "
              "said on Saturday. The government seeks to combat militant attacks across the country. \"On Thursday "
              "evening, the village of Tesmil suffered a cowardly attack,\" the governor said.")
    inc = by_place(rep)["Tesmil"]
    assert (inc["killed"], inc["type"], inc["victims"]) == (33, "shooting", "civilians")


def test_bullet_lines_are_text_and_their_lead_name_is_the_place():
    rep = run("Overnight attacks across the south\n\n- Tesmil: two civilians killed by drone strikes\n"
              "- Orvan: a school damaged by shelling, no casualties\n")
    places = by_place(rep)
    assert places["Tesmil"]["killed"] == 2 and places["Tesmil"]["type"] == "drone_strike"
    assert places["Orvan"]["killed"] == 0


def test_an_act_that_caused_no_injuries_killed_no_one():
    rep = run("Two rockets struck an empty field near Tesmil on Sunday, causing no injuries, the army said.")
    assert by_place(rep)["Tesmil"]["killed"] == 0


def test_a_note_that_names_only_a_province_settles_a_context_dependent_force_by_its_country():
    """No country, no known city: the province after the district ("..., Parwan") says where, so
    "police forces" are that country's force."""
    rep = run("On 3 May 2022, a militant commander was killed during an operation by police forces "
              "in the Tornuk village of Varsal district, Parwan.")
    assert by_place(rep)["Tornuk"]["perpetrator"] == "Afghan security forces"


def test_a_clash_after_an_attack_by_the_latter_is_that_sides_attack():
    """"by the latter" overrules the side that merely comes first as the subject."""
    rep = run("On 4 May 2022, fighting broke out between Islamic State cells and government forces near Varsok "
              "village in Homs desert following an infiltration attack by the latter. Two soldiers were killed.")
    assert by_place(rep)["Varsok"]["perpetrator"] == "Syrian government"


def test_by_the_former_names_the_first_side_not_its_backers():
    rep = run("On 4 May 2022, clashes took place between the army, backed by allied militias, and Hayat Tahrir "
              "al-Sham on the Keldar frontline in Idleb countryside following an assault by the former. "
              "No fatalities were reported.")
    assert by_place(rep)["Keldar"]["perpetrator"] == "Syrian government"


def test_the_side_running_operations_against_the_other_attacked():
    rep = run("On 4 May 2022, clashes took place between regime forces and IS in the Merrat area of Homs during "
              "sweep operations against IS in the desert. One soldier was killed.")
    assert by_place(rep)["Merrat"]["perpetrator"] == "Syrian government"


def test_a_side_that_ends_up_taking_control_took_the_initiative():
    rep = run("On 4 May 2022, clashes took place between Ahrar al-Sham and Hayat Tahrir al-Sham in Tesmil town "
              "in Idleb countryside, which ended with Hayat Tahrir al-Sham taking control of the town.")
    assert by_place(rep)["Tesmil"]["perpetrator"] == "Hayat Tahrir al-Sham"


def test_a_clash_that_says_nothing_of_who_attacked_has_no_perpetrator():
    rep = run("On 4 May 2022, clashes took place between Ahrar al-Sham and Hayat Tahrir al-Sham in Tesmil town "
              "in Idleb countryside.")
    assert by_place(rep)["Tesmil"]["perpetrator"] is None
