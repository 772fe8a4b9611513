"""The annotate stage on sentences written for these tests."""
from vigil.annotate import assign_roles, find_counts, find_places, is_headline, split_sentences


def counts(sentence: str):
    cs = find_counts(sentence)
    assign_roles(sentence, 0, cs)
    return [(sentence[c.start:c.end], c.value, c.qualifier, c.role) for c in cs]


def test_number_words_digits_and_qualifiers():
    got = counts("At least 31 people were killed and more than forty wounded, while around a dozen are missing.")
    assert got[0] == ("At least 31 people", 31, "at_least", "killed")
    assert got[1][1:] == (40, "more_than", "injured")
    assert got[2][1:3] == (12, "about")


def test_up_to_and_compound_number_words():
    got = counts("Up to twenty-one civilians died in the raid.")
    assert got == [("Up to twenty-one civilians", 21, "up_to", "killed")]


def test_breakdowns_are_not_separate_tolls():
    got = counts("The dead included eleven members of one family, five of whom were children.")
    assert got[0][1] == 11 and got[0][3] == "killed"
    assert got[1][1] == 5 and got[1][3] == "children"


def test_a_breakdown_between_commas_does_not_hide_the_verb():
    got = counts("Monitors said some 17 people, four of them children, were killed in the raid.")
    assert [(v, r) for _, v, _, r in got] == [(17, "killed"), (4, "children")]
    got = counts("Nine people, 3 of whom were women, died when the shell hit.")
    assert [(v, r) for _, v, _, r in got] == [(9, "killed"), (3, "women")]


def test_including_women_breakdown():
    got = counts("Shelling killed 14 civilians, including three women, in the market.")
    assert [(v, r) for _, v, _, r in got] == [(14, "killed"), (3, "women")]


def test_elliptical_list_inherits_role():
    got = counts("Strikes killed six in Ariha, four in Sarmin and two each in Binnish and Taftanaz.")
    assert [(v, r) for _, v, _, r in got] == [(6, "killed"), (4, "killed"), (2, "killed")]


def test_article_counts_single_people():
    got = counts("A teenage boy was killed and another child was wounded.")
    assert [(v, r) for _, v, _, r in got] == [(1, "killed"), (1, "injured")]


def test_years_percentages_and_distances_are_not_counts():
    assert counts("In 2019, about 70 percent of the town lay 12 km from the front.") == []


def test_bodies_found_are_deaths():
    assert counts("Police found three bodies near the river.")[0][1:] == (3, "exact", "killed")


def test_places_after_cues_lists_and_possessives():
    s = "Jets struck the villages of Kansafra and Bsanqool, and a child died in Hama's Kafr Nabudah town."
    names = [(p.name, p.level, p.container) for p in find_places(s)]
    assert ("Kansafra", "locality", None) in names
    assert ("Bsanqool", "locality", None) in names
    assert ("Kafr Nabudah", "locality", "Hama") in names


def test_area_and_reference_places():
    s = "Two died in Tal Tamr in western Hasakah province, 40 km north of Hasakah city."
    places = {p.name: p.level for p in find_places(s)}
    assert places["Tal Tamr"] == "locality"
    assert places.get("Hasakah") in ("area", "reference")


def test_names_with_articles_and_hyphens():
    s = "Shells fell on al-Latamneh and Deir ez-Zor on Sunday."
    assert [p.name for p in find_places(s)] == ["al-Latamneh", "Deir ez-Zor"]


def test_organisations_and_titles_are_not_places():
    s = "The strike was condemned in Washington by the Information Minister and the UN Commission of Inquiry."
    assert [p.name for p in find_places(s)] == ["Washington"]


def test_sentences_break_at_lines_and_keep_offsets():
    text = "Heavy fighting\n\nGunmen killed four in Dur Baba. Police said so."
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["Heavy fighting", "Gunmen killed four in Dur Baba.", "Police said so."]
    assert is_headline(text, *spans[0]) and not is_headline(text, *spans[1])


def test_abbreviations_initials_and_acronyms_do_not_end_sentences():
    text = ("Dr. Amal Haddad said U.N. teams reached the town on Jan. 9 with Gen. Saleh. "
            "Shells fell again at 9 p.m. on Friday. \"We counted 12 bodies,\" he said.")
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "Dr. Amal Haddad said U.N. teams reached the town on Jan. 9 with Gen. Saleh.",
        "Shells fell again at 9 p.m. on Friday.",
        "\"We counted 12 bodies,\" he said.",
    ]


def test_generic_attack_words_do_not_decide_the_type():
    from vigil.annotate import event_types, generic_type

    assert event_types("Air strikes and artillery hit the town.") == ["airstrike", "shelling"]
    assert event_types("The strikes hit a market.") == []
    assert event_types("A car bomb exploded near a checkpoint.")[0] == "bombing"
    assert generic_type("The bombardment went on all night.") == "shelling"


def test_sentence_opening_cue_is_not_part_of_the_name():
    names = [p.name for p in find_places("In Balkh, militants stormed a checkpoint.")]
    assert names == ["Balkh"]


def test_district_after_a_village_only_locates_it():
    places = {p.name: p.level for p in find_places("A woman was hurt in the village of Kozacha Lopan, "
                                                   "Dergachi district.")}
    assert places["Kozacha Lopan"] == "locality" and places["Dergachi"] == "container"


def test_bare_counts_listed_by_place_after_a_death_word():
    got = counts("The dead were spread as follows: four in Sarmin, three in Binnish and one in Taftanaz.")
    assert [(v, r) for _, v, _, r in got] == [(4, "killed"), (3, "killed"), (1, "killed")]


def test_a_list_shares_the_city_named_after_it():
    s = "Raids hit the neighbourhoods of Sukkari, Ansari and Mashhad and other areas in the eastern part of Aleppo city."
    places = {p.name: (p.level, p.container) for p in find_places(s)}
    assert places["Sukkari"] == ("locality", "Aleppo") and places["Mashhad"] == ("locality", "Aleppo")
    assert places["Aleppo"][0] == "container"


def test_a_child_and_a_woman_are_two():
    assert counts("A child and woman were killed in the raid.")[0][1:] == (2, "exact", "killed")


def test_vague_counts_of_things_and_speakers_are_not_tolls():
    assert [(c[1], c[3]) for c in counts("At least 14 raiders were killed and hundreds of rounds seized.")] \
        == [(14, "killed")]
    assert [(c[1], c[3]) for c in counts("A local doctor says an air raid has killed at least six people.")] \
        == [(6, "killed")]


def test_left_so_many_injured_counts_the_injured():
    assert [(c[1], c[3]) for c in counts("The blast, witnesses said, also left over 40 people injured.")] \
        == [(40, "injured")]


def test_an_age_in_commas_is_not_a_count_and_does_not_hide_the_verb():
    assert [(c[1], c[3]) for c in counts("A man, 59, was killed by shelling in the town.")] == [(1, "killed")]


def test_approaching_or_entering_a_place_names_it():
    names = [p.name for p in find_places("A drone was downed while approaching the Varsk military airfield.")]
    assert names == ["Varsk"]
    assert [p.name for p in find_places("Raiders entering Tesmil opened fire.")] == ["Tesmil"]


def test_killed_or_injured_together_is_no_toll():
    assert [(c[1], c[3]) for c in counts("At least 90 people have been killed or injured in the city.")] \
        == [(90, "casualties")]


def test_a_chain_of_administrative_units_holds_the_village():
    places = find_places("Ten villagers of Varsk in Rigasa District of Orbo Local Government Area of Lorvan State "
                         "were killed.")
    assert [(p.name, p.level) for p in places] == [("Varsk", "locality"), ("Rigasa", "container"),
                                                   ("Orbo", "container"), ("Lorvan", "container")]


def test_what_a_vehicle_carries_is_not_a_counted_noun():
    assert [(c[1], c[3]) for c in counts("A drone hit a convoy of two trucks carrying mostly women and children.")] \
        == [(2, "other")]


def test_a_member_a_rank_and_an_assassination_count_the_dead():
    assert [(c[1], c[3]) for c in counts("Gunmen shot dead a member of the local council.")] == [(1, "killed")]
    assert [(c[1], c[3]) for c in counts("Gunmen shot and killed an army lieutenant near the town.")] \
        == [(1, "killed")]
    assert [(c[1], c[3]) for c in counts("Gunmen assassinated 2 militia members near the factory.")] \
        == [(2, "killed")]


def test_a_compass_word_ending_a_name_is_part_of_it():
    assert [p.name for p in find_places("Five people were killed in Orbo East county in Lorvan state.")] \
        == ["Orbo East", "Lorvan"]


def test_a_possessive_after_a_name_ending_in_s_is_not_part_of_the_name():
    from vigil.annotate import find_places

    names = [p.name for p in find_places("A mine killed six in the desert of Varas’ eastern countryside.")]
    assert "Varas" in names and "Varas’" not in names
    assert "Ma’bada" in [p.name for p in find_places("Shells fell on Ma’bada on Monday.")]


def test_a_sentence_opening_cue_is_not_part_of_a_possessive_container():
    from vigil.annotate import find_places

    places = find_places("In Varsk's Tesmil quarter, shells killed four children.")
    assert [(p.name, p.container) for p in places if p.level != "container"] == [("Tesmil", "Varsk")]


def test_a_number_before_a_noun_of_things_counts_no_people():
    from vigil.annotate.counts import find_counts

    assert [c.thing for c in find_counts("A drone hit a convoy of two vehicles carrying mostly women.")] == [True]
    assert [c.thing for c in find_counts("Three armoured vehicles were destroyed.")] == [True]
    assert [(c.value, c.thing) for c in find_counts("Shells killed two in houses near the school.")] == [(2, False)]
    assert [(c[1], c[3]) for c in counts("Drones killed 30 when they hit two buses carrying pilgrims.")] \
        == [(30, "killed"), (2, "other")]


def test_a_resident_of_a_place_who_was_killed_is_counted_as_killed():
    assert [(c[1], c[3]) for c in counts("1 resident of Tesmil was killed, while 3 residents were injured.")] \
        == [(1, "killed"), (3, "injured")]
    assert [(c[1], c[3]) for c in counts("It said 14 of the dead were members of one family, adding more.")][0] \
        != (14, "killed")


def test_a_relative_named_before_a_count_adds_one_and_an_apposition_keeps_the_verb():
    assert [(c[1], c[3]) for c in counts("The wife and three children of Omar Tesmili, the head of the local "
                                         "council, were killed when gunmen stormed his house.")] == [(4, "killed")]


def test_slaughtered_villagers_are_counted_as_killed():
    assert [(c[1], c[3]) for c in counts("About 160 Fulani villagers were slaughtered at Tesmil.")] == [(160, "killed")]


def test_agents_and_local_militiamen_are_combatants():
    from vigil.annotate.counts import find_counts

    assert [c.victims for c in find_counts("A bomb killed 1 intelligence agent and 2 Arbakis.")] == \
        ["combatants", "combatants"]


def test_a_list_of_places_goes_on_past_each_member_s_aside():
    names = [p.name for p in find_places("Fighters repelled incursions in Tesmil (Orvan, Lorvan), Pelin (Dorva, "
                                         "Lorvan) and Varo (Sorra) frontlines.")]
    assert names == ["Tesmil", "Pelin", "Varo"]


def test_a_count_noun_may_carry_ordinals_and_acronyms_before_it():
    counts = find_counts("Gunmen shot dead a regime's 5th Armored Division member and 2 RFC members.")
    assert [(c.value, c.noun) for c in counts] == [(1, "member"), (2, "members")]
    counts = find_counts("The toll rose to 34 since Monday after local officials said six were killed.")
    assert counts[0].value == 34 and counts[0].noun is None


def test_both_a_bracketed_aside_a_river_and_those_from_a_place():
    assert [p.name for p in find_places("Houthi forces shelled houses in Salim [Upper Salim] and Varo villages.")] \
        == ["Salim", "Varo"]
    assert "Tesmil" in [p.name for p in find_places("Deaths were reported in both Tesmil and Pelin.")]
    assert "Orvan" not in [p.name for p in find_places("Fighters crossed the Orvan river into Pelin.")]
    levels = {p.name: p.level for p in find_places("Gunmen from Dorva clashed with those from Varsk in Pelin.")}
    assert levels.get("Varsk") != "locality"


def test_who_did_the_killing_is_no_toll_and_shooting_dead_is_one():
    text = "An Orvan Front sniper killed two soldiers near Tesmil."
    counts = find_counts(text)
    assign_roles(text, 0, counts)
    assert [(c.value, c.role) for c in counts] == [(1, "other"), (2, "killed")]
    text = "Gunmen stormed Tesmil, shooting dead 31 residents."
    counts = find_counts(text)
    assign_roles(text, 0, counts)
    assert [(c.value, c.role) for c in counts] == [(31, "killed")]


def test_tank_fire_is_shelling():
    from vigil.annotate import event_types
    assert event_types("Tank fire killed two men near Orvan.")[0] == "shelling"


def test_a_name_joined_by_wa_is_one_place():
    """Arabic "wa" ("and") inside a district's name, with or without an article after it."""
    assert [p.name for p in find_places("Coalition jets struck Tarsh wa ash Shamal district.")] == ["Tarsh wa ash Shamal"]
    assert [p.name for p in find_places("Shells hit Orvan wa Kelt on Monday.")] == ["Orvan wa Kelt"]
