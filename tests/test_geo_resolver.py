from datetime import date

from typer.testing import CliRunner

from vigil.cli import app
from vigil.geo import admin1_of, admin2_of, best, country_of_place, geocode_report, known_place, resolve
from vigil.geo.admin import km as _km
from vigil.model import Document, Incident, Location, Report

KAFR_TAAL = (36.154, 36.894)  # GeoNames, CC BY 4.0
BARA = (35.686, 36.542)


def near(c, point, km=10):
    return c is not None and _km(c.lat, c.lon, *point) <= km


def test_transliteration_variants_find_kafr_taal():
    for spelling in ["Kafr Taal", "Kfar Ta'al", "Kafartaal", "Kefer Teal", "Kafr Ta‘al"]:
        assert near(best(spelling, admin1="Aleppo"), KAFR_TAAL), spelling


def test_arabic_script_finds_kafr_taal():
    assert near(best("كفر تعال", country="Syria"), KAFR_TAAL)


def test_generic_words_around_the_name_are_dropped():
    assert near(best("the village of Kafr Taal", admin1="Aleppo"), KAFR_TAAL)
    assert near(best("Kafr Taal village", admin1="Aleppo Governorate"), KAFR_TAAL)


def test_province_hint_chooses_between_namesakes():
    # Kafr Jannah exists near Afrin (Aleppo) and near Ariha (Idlib).
    in_aleppo = best("Kafr Jannah", admin1="Aleppo")
    in_idlib = best("Kafr Jannah", admin1="Idleb")
    assert in_aleppo.admin1 == "Aleppo" and in_idlib.admin1 == "Idlib"
    assert _km(in_aleppo.lat, in_aleppo.lon, in_idlib.lat, in_idlib.lon) > 50


def test_namesakes_without_context_abstain():
    assert best("Kafr Jannah", country="Syria") is None


def test_non_place_words_abstain():
    for word in ["Tuesday", "Iranian", "Defence", "January", "regime"]:
        assert best(word) is None, word
    turkey = best("Turkey")
    assert turkey is None or turkey.precision == "country"


def test_province_names_resolve_to_provinces():
    c = best("Idlib province")
    assert c.precision == "province" and c.admin1 == "Idlib"
    k = best("Kherson Oblast")
    assert k.precision == "province" and k.country == "Ukraine"


def test_candidates_are_ranked_with_scores():
    cands = resolve("Kafr Taal", admin1="Aleppo", limit=3)
    assert cands and cands[0].matched_name == "Kafr Ta`al"
    assert all(a.score >= b.score for a, b in zip(cands, cands[1:]))
    assert cands[0].gazetteer_id and cands[0].country == "Syria"


def test_other_countries_and_global_fallback():
    assert best("Kharkiv").country == "Ukraine"
    assert best("Marib", country="Yemen").country == "Yemen"
    assert best("Mogadishu").country == "Somalia"
    kyiv = best("Kiev")  # Russian spelling; a WOF village elsewhere carries Kyiv's GeoNames id
    assert kyiv.admin1 == "Kyiv Oblast" and abs(kyiv.lat - 50.45) < 0.1
    assert best("Odessa").country == "Ukraine"  # the city of a million, not the Texan town
    assert best("Tripoli", country="Lebanon").country == "Lebanon"


def test_known_place_is_exact_only():
    assert known_place("Kafr Nuran") and known_place("Aleppo") and known_place("Idlib's")
    assert not known_place("Tuesday") and not known_place("Kafr Nuraan Xyz")
    assert known_place("Kafr Nuran", country="Syria") and not known_place("Kafr Nuran", country="Iraq")


def test_admin1_of_gives_canonical_names():
    assert admin1_of("Idleb") == "Idlib"
    assert admin1_of("Hasakah") == admin1_of("al-Hasakah Governorate") == "Hasakah"
    assert admin1_of("Deir ez Zor Governorate") == "Deir ez-Zor"
    assert admin1_of("Kharkiv region") == "Kharkiv Oblast"
    assert admin1_of("Marib") == "Marib"
    assert admin1_of("Damascus countryside") == "Rif Dimashq"
    assert admin1_of("Tuesday") is None


def test_country_of_place_for_big_places():
    assert country_of_place("Aleppo") == "Syria"
    assert country_of_place("Kharkiv") == "Ukraine"
    assert country_of_place("Kafr Nuran") is None


def _report(text, names, hints=None):
    incidents = []
    for n in names:
        i = text.index(n)
        loc = Location(name=n, span=(i, i + len(n)), **(hints or {}).get(n, {}))
        incidents.append(Incident(location=loc))
    return Report(doc=Document("t", date(2020, 1, 21), text), incidents=incidents)


SEED_TEXT = ("Jets bombed Kafr Taal and Kafr Nuran in the western countryside of Aleppo province on Tuesday, "
             "medics said. Later raids hit Jidarya and Kafr Nahaada, and then Erhab and Tamanin, all in the "
             "western Aleppo countryside. One man died in Aleppo's Takad village, and two people were killed in "
             "Idlib's Bara village.")
SEED = ["Kafr Taal", "Kafr Nuran", "Jidarya", "Kafr Nahaada", "Erhab", "Tamanin", "Takad", "Bara"]


def test_seed_places_through_geocode_report():
    report = geocode_report(_report(SEED_TEXT, SEED))
    locs = {i.location.name: i.location for i in report.incidents}
    assert near(locs["Kafr Taal"], KAFR_TAAL) and near(locs["Bara"], BARA)
    assert near(locs["Kafr Nuran"], (36.082, 36.831))
    assert locs["Bara"].admin1 == "Idlib" and locs["Takad"].admin1 == "Aleppo"
    located = [loc for loc in locs.values() if loc.geo_status == "located"]
    assert len(located) >= 7
    for loc in located:
        assert loc.geo_precision == "place" and loc.country == "Syria" and loc.gazetteer_id
        assert _km(loc.lat, loc.lon, *KAFR_TAAL) < 75  # all in the same corner of north-west Syria
    for loc in locs.values():  # the rest stand at their province's centre, marked as such
        assert loc in located or (loc.geo_precision == "province" and loc.geo_reason.endswith("(Aleppo)")
                                  and not loc.gazetteer_id and loc.lat is not None)


def test_abstention_keeps_the_name_and_leaves_coordinates_empty():
    report = geocode_report(_report("Shelling hit Qqqzzyx village in Idlib province on Monday.", ["Qqqzzyx"]))
    loc = report.incidents[0].location
    assert loc.name == "Qqqzzyx" and loc.matched_name is None and loc.gazetteer_id is None
    # not pinned as a place: put at its province's centre, and says so
    assert loc.geo_status == "not_found" and loc.geo_precision == "province" and loc.admin1 == "Idlib"
    assert loc.lat is not None and "centre of its province" in loc.geo_reason


def test_a_place_without_a_province_falls_back_to_its_country_or_stays_off_the_map():
    loc = geocode_report(_report("Shelling hit Qqqzzyx in Syria on Monday.", ["Qqqzzyx"])).incidents[0].location
    assert loc.geo_precision == "country" and loc.country == "Syria" and loc.lat is not None
    loc = geocode_report(_report("Shelling hit Qqqzzyx on Monday.", ["Qqqzzyx"])).incidents[0].location
    assert loc.lat is None and loc.geo_precision is None and loc.geo_status == "not_found"


def test_extractor_hint_wins_over_gazetteer_admin1():
    text = "A strike hit Kafr Taal on Tuesday."
    report = geocode_report(_report(text, ["Kafr Taal"], {"Kafr Taal": {"admin1": "Aleppo", "country": "Syria"}}))
    loc = report.incidents[0].location
    assert loc.admin1 == "Aleppo" and near(loc, KAFR_TAAL)


def test_province_only_name_gets_province_precision():
    text = "Russian shelling hit Kherson Oblast overnight."
    loc = geocode_report(_report(text, ["Kherson Oblast"])).incidents[0].location
    assert loc.geo_precision == "province" and loc.admin1 == "Kherson Oblast" and loc.country == "Ukraine"


def test_geocode_report_is_deterministic():
    a = geocode_report(_report(SEED_TEXT, SEED)).to_dict()
    b = geocode_report(_report(SEED_TEXT, SEED)).to_dict()
    assert a == b


def test_cli_geocode_name():
    result = CliRunner().invoke(app, ["geocode", "Kfar Ta'al", "--admin1", "Aleppo"])
    assert result.exit_code == 0, result.output
    assert "Kafr Ta`al" in result.output


def test_cli_geocode_tsv(tmp_path):
    f = tmp_path / "places.tsv"
    f.write_text("name\tadmin1\nKafr Taal village\tAleppo Governorate\nTuesday\t\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["geocode", "--tsv", str(f)])
    assert result.exit_code == 0, result.output
    lines = [ln.split("\t") for ln in result.output.rstrip("\n").split("\n")]
    assert lines[0] == ["name", "admin1", "lat", "lon", "matched_name", "gazetteer_id", "precision", "score"]
    assert lines[1][4] == "Kafr Ta`al" and abs(float(lines[1][2]) - KAFR_TAAL[0]) < 0.05
    assert lines[2][2:] == ["", "", "", "", "", ""]


def test_big_city_beats_same_named_villages():
    c = best("Zaporizhzhia")
    assert c and c.population > 500_000 and c.admin1 == "Zaporizhzhia Oblast"


def test_report_country_comes_from_its_places_not_perpetrators():
    text = ("Russian missiles hit Kharkiv and Zaporizhzhia overnight, Ukrainian officials said; "
            "a drone also struck Kherson.")
    report = geocode_report(_report(text, ["Kharkiv", "Zaporizhzhia", "Kherson"]))
    for inc in report.incidents:
        assert inc.location.country == "Ukraine" and inc.location.lat is not None, inc.location


def test_province_in_the_same_sentence_is_not_forced_on_a_province_name():
    text = "Fighting spread from Idlib to Daraa and Hama."
    loc = geocode_report(_report(text, ["Daraa"])).incidents[0].location
    assert loc.admin1 == "Daraa"


def test_area_phrases_resolve_to_their_province():
    assert best("western countryside of Aleppo").precision == "province"
    assert best("southern Idlib").admin1 == "Idlib"
    assert best("Damascus countryside").admin1 == "Rif Dimashq"


def test_capitalised_directions_stay_part_of_the_name():
    c = best("East Jerusalem")
    assert c is not None and c.matched_name == "East Jerusalem"


def test_extractor_hints_are_respelled_not_replaced():
    text = "Shelling hit Kafr Nuran."
    hints = {"Kafr Nuran": {"admin1": "Aleppo Governorate", "country": "SY"}}
    loc = geocode_report(_report(text, ["Kafr Nuran"], hints)).incidents[0].location
    assert (loc.admin1, loc.country) == ("Aleppo", "Syria") and near(loc, (36.082, 36.831))


def test_near_points_choose_between_namesakes():
    afrin_side = best("Kafr Jannah", country="Syria", near=[(36.51, 36.87)])  # Afrin town
    ariha_side = best("Kafr Jannah", country="Syria", near=[(35.81, 36.61)])  # Ariha town
    assert afrin_side.admin1 == "Aleppo" and ariha_side.admin1 == "Idlib"


def test_provinces_of_countries_without_a_village_gazetteer():
    assert best("Goma").admin1 == "North Kivu"
    assert admin1_of("Kaduna State") == "Kaduna" and admin1_of("Kaduna", "Nigeria") == "Kaduna"
    assert admin1_of("Niger") is None and admin1_of("Centre") is None  # a country, a common word


def test_names_people_and_organisations_are_not_places():
    for word in ["The", "Mr", "US", "Hamas", "Ahmed", "Putin", "Kafr", "Umm", "Al", "Many", "Most", "Union", "Deal"]:
        assert not known_place(word) and best(word) is None, word
    assert known_place("Tah") or best("Tah", admin1="Idlib") is not None  # short real names still work


def test_possessive_province_is_a_hint():
    assert near(best("Idlib's Bara village"), BARA)


def test_admin2_of_folds_district_spellings():
    assert admin2_of("Ar Rastan district", "Homs") == "Al-Rastan"
    assert admin2_of("Jebel Saman", "Aleppo") == admin2_of("Jabal Saman district") == "Mount Simeon"
    assert admin2_of("Mintaqat Markaz Hamah district", "Hamah Governorate") == "Hama"
    assert admin2_of("Albu Kamal district", "Deir ez Zor") == "Abu Kamal"  # no alias spells it so: closest
    assert admin2_of("Atarib district", "Aleppo") == "Mount Simeon"  # a sub-district stands for its district
    assert admin2_of("Nowhere district", "Aleppo") is None and admin2_of(None) is None


def test_district_hint_separates_namesakes_of_one_province():
    # Two villages called Al Mustarihah in Hasakah governorate (GeoNames, CC BY 4.0), ~110 km apart.
    assert best("Al Mustarihah village", admin1="Hasakah") is None
    south = best("Al Mustarihah village", admin1="Hasakah", admin2="Al Hasakah district")
    north = best("Al Mustarihah village", admin1="Hasakah", admin2="Al-Malikiyeh District")
    assert south.admin2 == "Al-Hasakah" and north.admin2 == "Al-Malikiyah"
    assert _km(south.lat, south.lon, north.lat, north.lon) > 50
    assert best("Namir", admin1="Daraa", admin2="Izraa").admin2 == "Izra"


def test_district_hint_does_not_pull_a_name_across_the_province():
    # A namesake only in a far district of the hinted province is not the place meant.
    c = best("Al Mustarihah village", admin1="Hasakah", admin2="Ras al Ayn district")
    assert c is None or c.admin2 == "Ras al-Ayn"


def test_cli_geocode_tsv_reads_admin2(tmp_path):
    f = tmp_path / "places.tsv"
    f.write_text("name\tadmin1\tadmin2\nAl Mustarihah village\tHasakah\tAl Malikiyah district\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["geocode", "--tsv", str(f)])
    assert result.exit_code == 0, result.output
    row = result.output.rstrip("\n").split("\n")[1].split("\t")
    assert row[3] and abs(float(row[3]) - 36.85) < 0.05


def test_generic_words_misspelled_or_topographic_are_dropped():
    assert near(best("Kafr Taal villae", admin1="Aleppo"), KAFR_TAAL)
    assert near(best("Kafr Taal hills", admin1="Aleppo"), KAFR_TAAL)
    assert near(best("Kfar Taal/Kafr Taaal village", admin1="Aleppo"), KAFR_TAAL)
    assert best("Tall 900", admin1="Homs") is None  # a numbered hill: nothing to guess from


def test_landmarks_resolve_to_their_town_only_inside_the_hinted_province():
    assert near(best("Kafr Taal pumping station", admin1="Aleppo"), KAFR_TAAL)
    assert near(best("an ammunition depot outside Kafr Taal", admin1="Aleppo"), KAFR_TAAL)
    assert best("Kafr Taal pumping station", admin1="Idlib") is None
    assert best("Kafr Taal pumping station") is None  # no province: a plant may lie far from its namesake
    assert best("45th Brigade", admin1="Aleppo") is None and best("Sugar factory", admin1="Raqqa") is None


ALEPPO = (36.20, 37.16)


def test_unknown_neighbourhood_gets_its_city_point_as_an_area():
    for name in ["Qazzaziyat al-Shurfa neighbourhood of Aleppo city", "Aleppo city - Qazzaziyat al-Shurfa quarter",
                 "Aleppo city's Qazzaziyat al-Shurfa neighbourhood"]:
        c = best(name)
        assert c is not None and near(c, ALEPPO, 15) and c.precision == "district", name
        assert not c.gazetteer_id and not c.matched_name
    assert best("Jisr al-Shughur district of Idlib") is None or best("Jisr al-Shughur district of Idlib").feature != "area"


def test_neighbourhood_in_a_report_is_placed_at_its_city():
    text = ("Two civilians were killed when shells fell on the Qazzaziyat al-Shurfa neighbourhood of Aleppo city "
            "on Monday. A third died in Homs city's Bab Qazzazin quarter.")
    report = geocode_report(_report(text, ["Qazzaziyat al-Shurfa", "Bab Qazzazin"]))
    hood, other = (i.location for i in report.incidents)
    assert near(hood, ALEPPO, 15) and hood.geo_precision == "district" and hood.admin1 == "Aleppo"
    assert hood.gazetteer_id is None and hood.matched_name is None
    assert near(other, (34.73, 36.71), 15) and other.geo_precision == "district" and other.admin1 == "Homs"


def test_unresolved_list_mate_gets_the_centroid_of_its_siblings():
    text = ("Shelling killed four in Kafr Taal, three in Kafr Nuran, two in Qqqzzyx and one in Erhab "
            "in the western countryside of Aleppo on Tuesday.")
    names = ["Kafr Taal", "Kafr Nuran", "Qqqzzyx", "Erhab"]
    locs = {i.location.name: i.location for i in geocode_report(_report(text, names)).incidents}
    unknown = locs["Qqqzzyx"]
    assert unknown.geo_precision == "district" and unknown.lat is not None
    assert unknown.gazetteer_id is None and unknown.matched_name is None and unknown.admin1 == "Aleppo"
    pinned = [locs[n] for n in names if n != "Qqqzzyx" and locs[n].geo_precision == "place"]
    assert len(pinned) >= 2 and all(_km(unknown.lat, unknown.lon, p.lat, p.lon) <= 30 for p in pinned)
    assert locs["Kafr Taal"].geo_precision == "place"


def test_no_sibling_centroid_for_a_lone_name_or_far_apart_siblings():
    alone = geocode_report(_report("Shelling hit Qqqzzyx and Kafr Taal in Aleppo.", ["Qqqzzyx", "Kafr Taal"]))
    assert alone.incidents[0].location.geo_precision == "province"  # one list-mate is not enough
    far = geocode_report(_report("Raids hit Kafr Taal, Qqqzzyx and Kharkiv.", ["Kafr Taal", "Qqqzzyx", "Kharkiv"]))
    assert far.incidents[1].location.geo_precision != "district"


def test_a_place_just_over_the_hinted_districts_border_still_resolves():
    # Barshin (GeoNames, CC BY 4.0) lies in Hama's Masyaf district, next to Homs district: a source that
    # draws the border differently may file it under Homs.
    assert best("Barshin village", admin1="Homs") is None
    c = best("Barshin village", admin1="Homs", admin2="Homs district")
    assert c is not None and c.admin1 == "Hama" and near(c, (34.890, 36.345), 2)


def test_a_near_spelling_alone_in_the_named_district_counts_as_found():
    # Mahrusah (GeoNames, CC BY 4.0), Masyaf district of Hama, written with a letter missing.
    assert best("Mahusah village", admin1="Hama") is None
    c = best("Mahusah village", admin1="Hama", admin2="Masyaf district")
    assert c is not None and c.matched_name == "Mahrusah" and c.admin2 == "Masyaf"


def test_district_named_in_the_sentence_is_a_hint():
    text = "Shelling killed two in Al Mustarihah village in Al-Malikiyah district of Hasakah province."
    loc = geocode_report(_report(text, ["Al Mustarihah"])).incidents[0].location
    assert loc.admin2 == "Al-Malikiyah" and loc.lat is not None and loc.lat > 36.5
    other = "Shelling killed two in Al Mustarihah village in Hasakah province."
    loc = geocode_report(_report(other, ["Al Mustarihah"])).incidents[0].location
    assert loc.gazetteer_id is None and loc.geo_status == "ambiguous" and loc.geo_precision == "province"


def test_neighbourhoods_listed_together_in_a_city_named_earlier():
    text = ("Government jets pounded rebel-held parts of Aleppo on Sunday. "
            "Six people died in the Qazzaziyat al-Shurfa and Tallet Zuhur neighbourhoods, medics said.")
    report = _report(text, ["Qazzaziyat al-Shurfa", "Tallet Zuhur"])
    for inc in report.incidents:
        inc.location.context_admin1 = "Aleppo"  # what the extractor carries over from the first sentence
    for inc in geocode_report(report).incidents:
        assert near(inc.location, ALEPPO, 15) and inc.location.geo_precision == "district", inc.location


def test_a_qualified_name_falls_back_to_the_bare_name_inside_the_province():
    assert near(best("Kafr Taal al-Gharbi village", admin1="Aleppo"), KAFR_TAAL)
    assert near(best("West Kafr Taal", admin1="Aleppo"), KAFR_TAAL)
    assert best("Kafr Taal al-Gharbi village") is None  # no province: the bare name could be anywhere
    assert best("Kafr Taal al-Gharbi village", admin1="Idlib") is None


# Invented villages (GeoNames dump layout) inside Hasakah's Al-Hasakah district, for namesake rules.
def _import_villages(tmp_path, rows):
    """Invented places in a GeoNames-style file; a row may end with a population."""
    from vigil.geo.imports import import_file

    lines = []
    for gid, name, alternates, lat, lon, *population in rows:
        lines.append("\t".join([gid, name, name, alternates, lat, lon, "P", "PPL", "SY", "", "08", "", "", "",
                                str(population[0]) if population else "0", "", "300", "Asia/Damascus",
                                "2024-01-01"]))
    f = tmp_path / "SY.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(f)


def test_a_place_under_its_own_name_beats_one_that_only_lists_it_as_an_alias(tmp_path):
    _import_villages(tmp_path, [("91000001", "Tall Zaghrafiyah", "", "36.20000", "40.80000"),
                                ("91000002", "Zaghraf", "Tall Zaghrafiyah,Zaghrafa", "36.55000", "40.60000")])
    own, alias = resolve("Zaghraf", admin1="Hasakah")[0], resolve("Zaghrafa", admin1="Hasakah")[0]
    assert own.admin2 == alias.admin2 == "Al-Hasakah"  # one district: nothing else tells them apart
    c = best("Tall Zaghrafiyah village", admin1="Hasakah", admin2="Al Hasakah district")
    assert c is not None and c.gazetteer_id == "geonames:91000001"


def test_between_namesakes_of_one_district_the_better_known_is_chosen(tmp_path):
    _import_villages(tmp_path, [("91000003", "Umm Qushaybah", "", "36.20000", "40.80000"),
                                ("91000004", "Umm Qushaybah", "Oumm Qouchaibe,أم قشيبة", "36.55000", "40.60000")])
    c = best("Umm Qushaybah village", admin1="Hasakah", admin2="Al Hasakah district")
    assert c is not None and c.gazetteer_id == "geonames:91000004"


def test_namesakes_known_under_as_many_names_still_abstain(tmp_path):
    _import_villages(tmp_path, [("91000005", "Umm Qushaybah", "", "36.20000", "40.80000"),
                                ("91000006", "Umm Qushaybah", "", "36.55000", "40.60000")])
    assert best("Umm Qushaybah village", admin1="Hasakah", admin2="Al Hasakah district") is None


def test_one_of_a_village_pair_is_found_under_the_bare_name(tmp_path):
    _import_villages(tmp_path, [("91000007", "Jubb Nuwaysir Kabir", "", "36.40000", "40.70000"),
                                ("91000008", "Jubb Nuwaysir as Saghir", "", "36.41500", "40.71000")])
    c = best("Jubb Nuwaysir village", admin1="Hasakah")
    assert c is not None and c.gazetteer_id in ("geonames:91000007", "geonames:91000008")


def test_the_better_known_of_three_namesakes_wins_even_when_two_lie_close_together(tmp_path):
    _import_villages(tmp_path, [("91000009", "Umm Qushaybah", "", "36.20000", "40.80000"),
                                ("91000010", "Umm Qushaybah", "", "36.55000", "40.60000"),
                                ("91000011", "Umm Qushaybah", "Oumm Qouchaibe", "36.25000", "40.85000")])
    c = best("Umm Qushaybah village", admin1="Hasakah", admin2="Al Hasakah district")
    assert c is not None and c.gazetteer_id == "geonames:91000011"


def test_the_hamlet_of_a_village_is_found_under_the_village_name_inside_the_province(tmp_path):
    _import_villages(tmp_path, [("91000012", "Qaysumah", "", "36.40000", "40.70000")])
    c = best("Khirbat Qaysumah village", admin1="Hasakah")
    assert c is not None and c.gazetteer_id == "geonames:91000012"
    assert best("Khirbat Qaysumah village", admin1="Idlib") is None


def test_a_town_read_as_its_sub_district_is_put_at_the_town():
    # The Raheiba sub-district (OCHA) is named after Ar Ruhaybah (GeoNames, CC BY 4.0, 33.744 N 36.704 E);
    # the sub-district's centre lies about 20 km away.
    c = best("Raheiba town", admin1="Rif Dimashq")
    assert c is not None and c.feature == "place" and c.precision == "place"
    assert near(c, (33.744, 36.704), 2)


# ---------------------------------------------------------------- Geocoding II: invented places

def test_every_location_without_coordinates_says_why(tmp_path):
    _import_villages(tmp_path, [("91000020", "Umm Zarzurah", "", "36.20000", "40.80000"),
                                ("91000021", "Umm Zarzurah", "", "36.55000", "40.60000")])
    text = ("Shelling hit Qqqzzyx village and Umm Zarzurah village in Hasakah province, and the Zzqqy gas field "
            "was struck.")
    report = geocode_report(_report(text, ["Qqqzzyx", "Umm Zarzurah", "Zzqqy gas field"],
                                    {"Umm Zarzurah": {"admin1": "Hasakah"}}))
    locs = {i.location.name: i.location for i in report.incidents}
    assert locs["Qqqzzyx"].geo_status == "not_found" and locs["Qqqzzyx"].geo_reason
    assert locs["Umm Zarzurah"].geo_status == "ambiguous" and "Umm Zarzurah" in locs["Umm Zarzurah"].geo_reason
    assert locs["Zzqqy gas field"].geo_status == "landmark"
    d = report.incidents[0].location.to_dict()
    assert d["geo_status"] == "not_found" and d["gazetteer_id"] is None and d["geo_precision"] == "province"


def test_a_located_place_says_so():
    report = geocode_report(_report(SEED_TEXT, ["Bara"]))
    assert report.incidents[0].location.geo_status == "located"


def test_transliteration_variants_count_as_the_same_spelling(tmp_path):
    _import_villages(tmp_path, [("91000022", "Qabr Shaykhun", "", "36.40000", "40.70000")])
    for spelling in ("Kabr Sheikhoun", "Qabr Shaykhoun", "Qabr Shaikhun"):
        c = best(spelling + " village", admin1="Hasakah")
        assert c is not None and c.gazetteer_id == "geonames:91000022", spelling


def test_a_distinguishing_qualifier_is_not_folded_away(tmp_path):
    _import_villages(tmp_path, [("91000023", "Tall Zuwayqat al Gharbiyah", "", "36.40000", "40.70000"),
                                ("91000024", "Tall Zuwayqat ash Sharqiyah", "", "36.60000", "40.95000")])
    c = best("Tall Zuwayqat al-Gharbiyah", admin1="Hasakah")
    assert c is not None and c.gazetteer_id == "geonames:91000023"


def test_one_village_listed_twice_by_two_sources_is_no_ambiguity(tmp_path):
    _import_villages(tmp_path, [("91000025", "Jubb Rahhal", "", "36.40000", "40.70000"),
                                ("91000026", "Jubb Rahal", "", "36.40900", "40.70500")])
    c = best("Jubb Rahhal village", admin1="Hasakah")
    assert c is not None and _km(c.lat, c.lon, 36.4, 40.7) < 2


def test_an_airbase_resolves_to_the_airfield_not_the_town():
    # Shayrat Air Base (airportsdata, MIT: 34.4903 N 36.909 E); Shayrat village lies some km away.
    c = best("Shayrat airbase", admin1="Homs")
    assert c is not None and c.gazetteer_id == "airportsdata:OS65"
    c = best("Shayrat military airport", admin1="Homs")
    assert c is not None and c.gazetteer_id == "airportsdata:OS65"


def test_explain_shows_candidates_and_the_rule(tmp_path):
    from vigil.geo import explain

    _import_villages(tmp_path, [("91000027", "Umm Zarzurah", "", "36.20000", "40.80000"),
                                ("91000028", "Umm Zarzurah", "", "36.55000", "40.60000")])
    e = explain("Umm Zarzurah", admin1="Hasakah")
    assert e.chosen is None and len(e.candidates) >= 2 and e.rule.startswith("ambiguous")
    e = explain("Bara", admin1="Idlib")
    assert e.chosen is not None and e.rule


def test_a_generic_word_that_is_the_whole_name_is_found_with_a_hint():
    # At Tall (GeoNames, CC BY 4.0: 33.610 N 36.311 E), north of Damascus.
    c = best("At Tall", admin1="Rif Dimashq")
    assert near(c, (33.610, 36.311), 3)
    assert best("Tall") is None  # without a hint, a word


def test_namesakes_of_one_province_are_told_apart_by_the_reports_other_places(tmp_path):
    _import_villages(tmp_path, [("91000030", "Umm Khudayrah", "", "36.20000", "40.20000"),
                                ("91000031", "Umm Khudayrah", "", "36.80000", "41.10000"),
                                ("91000032", "Tall Zubaydiyat", "", "36.81000", "41.13000")])
    text = "Shelling hit Tall Zubaydiyat and Umm Khudayrah in Hasakah province on Monday."
    report = geocode_report(_report(text, ["Tall Zubaydiyat", "Umm Khudayrah"],
                                    {"Tall Zubaydiyat": {"admin1": "Hasakah"}, "Umm Khudayrah": {"admin1": "Hasakah"}}))
    loc = report.incidents[1].location
    assert loc.gazetteer_id == "geonames:91000031" and loc.geo_status == "located"


def _import_communities(tmp_path, rows):
    """Invented communities in an OCHA/HDX populated-places CSV (P-coded)."""
    from vigil.geo.imports import import_file

    f = tmp_path / "syr_pplp.csv"
    f.write_text("admin4Name_en,admin4Pcode,latitude,longitude,admin1Name_en\n"
                 + "".join(f"{name},{pcode},{lat},{lon},Al-Hasakah\n" for pcode, name, lat, lon in rows),
                 encoding="utf-8")
    import_file(f, country="SY")


def test_of_two_close_namesakes_the_one_ocha_lists_as_a_community_is_chosen(tmp_path):
    # Two GeoNames points 14 km apart in one district; OCHA lists a community at the second one only.
    _import_villages(tmp_path, [("91000021", "Tall Wazzabiyah", "", "36.40000", "40.70000"),
                                ("91000022", "Tall Wazzabiyah", "", "36.52000", "40.66000")])
    _import_communities(tmp_path, [("C99001", "Tal Wazzabiyeh", "36.52100", "40.66100")])
    c = best("Tall Wazzabiyah village", admin1="Hasakah", admin2="Al Hasakah district")
    assert c is not None and _km(c.lat, c.lon, 36.52, 40.66) < 1


def test_a_listed_community_of_another_name_does_not_replace_the_exact_spelling(tmp_path):
    # q and k are two letters: OCHA's "Qarmazah" does not make it the "Karmazah" a report names.
    _import_villages(tmp_path, [("91000023", "Karmazah", "", "36.40000", "40.70000"),
                                ("91000024", "Qarmazah", "", "36.52000", "40.66000")])
    _import_communities(tmp_path, [("C99002", "Qarmazah", "36.52100", "40.66100")])
    c = best("Karmazah village", admin1="Hasakah", admin2="Al Hasakah district")
    assert c is not None and c.gazetteer_id == "geonames:91000023"


def test_imported_communities_keep_their_pcode(tmp_path):
    from vigil.geo import gazetteer

    _import_communities(tmp_path, [("C99003", "Umm Nakhlat", "36.30000", "40.60000")])
    c = best("Umm Nakhlat", admin1="Hasakah")
    assert c is not None and c.registered
    assert gazetteer.load().place(c.place_id).pcode == "C99003"


def test_namesakes_in_two_districts_of_a_province_the_listed_one_under_its_own_name_wins(tmp_path):
    # Far apart, in two districts of Hasakah; only one is an OCHA community of that very name.
    _import_villages(tmp_path, [("91000025", "Khirbat Nawwaf", "", "36.50000", "40.75000"),
                                ("91000026", "Khirbat Nawwaf", "", "36.95000", "41.60000")])
    assert best("Khirbat Nawwaf village", admin1="Hasakah") is None
    _import_communities(tmp_path, [("C99004", "Khirbat Nawwaf", "36.95100", "41.60100")])
    c = best("Khirbat Nawwaf village", admin1="Hasakah")
    assert c is not None and _km(c.lat, c.lon, 36.95, 41.60) < 1


def test_a_neighbourhood_of_the_city_a_report_is_about_goes_to_that_city():
    text = ("Shelling hit the crowded neighbourhood of Zanbaqiyat al-Ward on Monday, killing four people. "
            "Residents of Aleppo said the strikes were the heaviest this month; Aleppo hospitals took the wounded.")
    loc = geocode_report(_report(text, ["Zanbaqiyat al-Ward"])).incidents[0].location
    assert loc.geo_status == "area" and loc.geo_precision == "district"
    assert _km(loc.lat, loc.lon, 36.20, 37.16) < 10  # Aleppo city
    text = "Zanbaqiyat al-Ward, a poor neighbourhood, was shelled on Monday. Aleppo and Aleppo again."
    loc = geocode_report(_report(text, ["Zanbaqiyat al-Ward"])).incidents[0].location
    assert loc.geo_status == "area" and _km(loc.lat, loc.lon, 36.20, 37.16) < 10


def test_a_name_the_report_also_spells_one_letter_apart_is_read_under_the_known_spelling(tmp_path):
    _import_villages(tmp_path, [("91000027", "Dayr Sharnubah", "", "36.40000", "40.70000")])
    text = ("Mourners gathered in Dayr Sharnubah on Sunday. A drone struck a field near Dayr Harnubah on "
            "Saturday, killing three farmers from Dayr Harnubah.")
    loc = geocode_report(_report(text, ["Dayr Harnubah"])).incidents[0].location
    assert loc.geo_status == "located" and loc.gazetteer_id == "geonames:91000027"
    # a word that is only a near spelling of a place (an ethnic group beside a village) is not read so
    _import_villages(tmp_path, [("91000028", "Falawin", "", "36.30000", "40.60000")])
    text = "Fighters of the Falawun clan attacked herders; the Falawuns denied it. Shots were heard in Syria."
    loc = geocode_report(_report(text, ["Falawuns"])).incidents[0].location
    assert loc.gazetteer_id is None


def test_a_name_written_with_its_article_apart_finds_the_spelling_that_glues_it(tmp_path):
    _import_villages(tmp_path, [("91000029", "Jubb Elqasab", "", "36.40000", "40.70000")])
    c = best("Jubb al-Qassab village", admin1="Hasakah", admin2="Al Hasakah district")
    assert c is not None and c.gazetteer_id == "geonames:91000029"


def test_a_province_named_beside_the_place_outweighs_a_country_the_text_never_names(tmp_path):
    _import_villages(tmp_path, [("91000030", "Tall Qazzarjah", "", "36.40000", "40.70000")])
    text = "Fighters took control of Tall Qazzarjah town in southeast Hasakeh after heavy clashes."
    report = _report(text, ["Tall Qazzarjah"], {"Tall Qazzarjah": {"country": "Oman", "admin2": "Hasakeh"}})
    loc = geocode_report(report).incidents[0].location
    assert loc.gazetteer_id == "geonames:91000030" and loc.country == "Syria"


def test_a_district_and_province_in_brackets_after_the_name_separate_namesakes(tmp_path):
    _import_villages(tmp_path, [("91000031", "Umm Dhiyabah", "", "36.50000", "40.75000"),
                                ("91000032", "Umm Dhiyabah", "", "37.05000", "41.20000")])
    text = "On 3 May, militants attacked a checkpoint in Umm Dhiyabah (Al-Qamishli, Al-Hasakeh), killing two."
    loc = geocode_report(_report(text, ["Umm Dhiyabah"])).incidents[0].location
    assert loc.gazetteer_id == "geonames:91000032"


def test_candidates_are_complete_frozen_dataclasses():
    from dataclasses import FrozenInstanceError, fields, replace

    import pytest

    from vigil.geo.resolver import Candidate

    c = resolve("Kafr Taal", admin1="Aleppo")[0]
    assert set(vars(c)) == {f.name for f in fields(Candidate)}
    assert replace(c, score=1.0).score == 1.0 and c == replace(c) and hash(c) == hash(replace(c))
    with pytest.raises(FrozenInstanceError):
        c.score = 0.0


def test_eval_geo_sorts_each_miss_by_its_cause(tmp_path):
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "eval_geo", Path(__file__).resolve().parents[1] / "bench" / "eval_geo.py")
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    _import_villages(tmp_path, [("91000040", "Umm Zarzurah", "", "36.20000", "40.80000"),
                                ("91000041", "Umm Zarzurah", "", "36.55000", "40.60000"),
                                ("91000042", "Qqzwarib", "", "36.30000", "40.30000")])
    # two namesakes, the province alone: the right one is a candidate, but not told apart
    assert ev.miss_cause("Umm Zarzurah village", "Hasakah", None, 36.2, 40.8) == "namesakes not told apart"
    # a similar spelling sits at the gold point, but the name asked for is too far from it to be a candidate
    assert ev.miss_cause("Qqzwarian village", "Hasakah", None, 36.3, 40.3) in (
        "entry exists, not a candidate", "right entry under the threshold")
    assert ev.miss_cause("Xxyzzq village", "Hasakah", None, 36.9, 40.1) == \
        "no entry of a similar spelling within 10 km"
    assert ev.miss_cause("Xxyzzq gas field", "Hasakah", None, 36.9, 40.1) == "landmark"


def _import_geonames(tmp_path, rows, name="XX.txt"):
    """Invented GeoNames rows: (id, name, country, admin1 code, lat, lon, population)."""
    from vigil.geo.imports import import_file

    lines = ["\t".join([gid, nm, nm, "", lat, lon, "P", "PPL", cc, "", a1, "", "", "", pop, "", "300",
                        "Asia/Damascus", "2024-01-01"]) for gid, nm, cc, a1, lat, lon, pop in rows]
    f = tmp_path / name
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(f)


def test_a_big_city_known_only_under_another_transliteration_is_no_namesake(tmp_path):
    # "Kzalindor" (a city of 400,000) folds like "Qzalindor" (q/k), but the name asked for is the village's own.
    _import_geonames(tmp_path, [("91000050", "Qzalindor", "SY", "08", "36.40000", "40.70000", "0"),
                                ("91000051", "Kzalindor", "IQ", "", "33.00000", "44.00000", "400000")])
    c = best("Qzalindor")
    assert c is not None and c.gazetteer_id == "geonames:91000050"
    # under its own spelling the city still beats a same-named hamlet
    _import_geonames(tmp_path, [("91000052", "Kzalindor", "SY", "08", "36.60000", "40.90000", "0")], "YY.txt")
    c = best("Kzalindor")
    assert c is not None and c.gazetteer_id == "geonames:91000051"


def test_a_people_named_in_the_plural_admits_their_country_for_a_place_the_hints_ruled_out(tmp_path):
    # The extractor said Israel; the camp lies in Palestine; the report names Palestinians there.
    _import_geonames(tmp_path, [("91000053", "Qzarwindiya", "PS", "", "31.90000", "35.20000", "20000")])
    text = "Clashes erupted between Palestinians and police at the Qzarwindiya camp on Monday."
    report = geocode_report(_report(text, ["Qzarwindiya"], {"Qzarwindiya": {"country": "Israel"}}))
    loc = report.incidents[0].location
    assert loc.gazetteer_id == "geonames:91000053" and loc.geo_status == "located" and loc.country == "Palestine"
    # a singular demonym names an attacker, not where it happened
    text = "Palestinian police raided the Qzarwindiya camp on Monday."
    report = geocode_report(_report(text, ["Qzarwindiya"], {"Qzarwindiya": {"country": "Lebanon"}}))
    assert report.incidents[0].location.gazetteer_id != "geonames:91000053"


def test_a_district_named_beside_a_place_gives_its_province_and_country_when_nothing_else_does():
    text = "Two shepherds were killed by a mine in Qqzorvat, a hamlet of Harem district, on Sunday."
    loc = geocode_report(_report(text, ["Qqzorvat"])).incidents[0].location
    assert loc.geo_precision == "district" and loc.lat is not None
    assert (loc.admin2, loc.admin1, loc.country) == ("Harem", "Idlib", "Syria")
    assert loc.geo_status == "not_found" and "Harem" in loc.geo_reason
    # a country the extractor gave is not overruled by a district name
    loc = geocode_report(_report(text, ["Qqzorvat"], {"Qqzorvat": {"country": "Iraq"}})).incidents[0].location
    assert loc.admin2 is None and loc.country == "Iraq"


def test_namesakes_all_in_one_country_put_a_place_the_report_gives_no_country_in_that_country(tmp_path):
    # the report spells the name another way (i/y), so no exact spelling votes for the country
    _import_geonames(tmp_path, [("91000060", "Qqvarynka", "UA", "", "48.00000", "37.00000", "0"),
                                ("91000061", "Qqvarynka", "UA", "", "51.00000", "26.00000", "0")])
    text = "Two explosions were heard near Qqvarinka on Monday."
    loc = geocode_report(_report(text, ["Qqvarinka"])).incidents[0].location
    assert loc.geo_status == "ambiguous" and loc.gazetteer_id is None
    assert loc.geo_precision == "country" and loc.country == "Ukraine" and loc.lat is not None


def test_a_town_of_the_province_called_a_neighbourhood_of_its_seat_is_the_town(tmp_path):
    # A town of 120,000 people 25 km from Al-Hasakah city, and a village as far away: "Hasakah's X
    # neighbourhood" is the town itself, but a village that far is no quarter of the city (the city's point).
    _import_villages(tmp_path, [("91000040", "Tall Barzanjiyah", "", "36.70000", "40.90000", 120000),
                                ("91000041", "Umm Farajiyah", "", "36.30000", "40.60000")])
    c = best("Tall Barzanjiyah neighbourhood of Al-Hasakah city")
    assert c is not None and c.gazetteer_id == "geonames:91000040"
    c = best("Umm Farajiyah neighbourhood of Al-Hasakah city")
    assert c is not None and c.feature == "area" and _km(c.lat, c.lon, 36.502, 40.748) < 2


def test_the_one_reading_just_over_the_named_districts_edge_is_taken(tmp_path):
    # In Al-Qamishli district, a kilometre over the edge of Al-Hasakah district; the report spells it another
    # way (q/k, -iya/-iyah), so it scores a little under the threshold in the wrong district.
    _import_villages(tmp_path, [("91000042", "Umm Qarnabiyah", "", "36.83000", "41.26000")])
    assert resolve("Umm Qarnabiyah", admin1="Hasakah")[0].admin2 == "Al-Qamishli"
    c = best("Umm Karnabiya village", admin1="Hasakah", admin2="Al Hasakah district")
    assert c is not None and c.gazetteer_id == "geonames:91000042"
    # far from the named district (Ras al-Ayn) it stays a reason to abstain
    assert best("Umm Karnabiya village", admin1="Hasakah", admin2="Ras al Ayn district") is None


def test_a_short_name_just_over_the_districts_edge_is_not_taken_on_a_variant_spelling(tmp_path):
    # short folds are shared by unrelated names: "Xuqaya" for "Xuqiyah" (both "xaka") is no reading of it
    _import_villages(tmp_path, [("91000043", "Xuqaya", "", "36.83000", "41.26000")])
    assert best("Xuqiyah village", admin1="Hasakah", admin2="Al Hasakah district") is None


def test_without_a_district_the_name_itself_just_over_the_provinces_edge_is_taken(tmp_path):
    # In Raqqa province, 7 km from a Hasakah village; the only place of that name anywhere.
    _import_villages(tmp_path, [("91000044", "Zawr Qutnayfah", "", "36.56000", "39.57500")])
    assert resolve("Zawr Qutnayfah")[0].admin1 == "Raqqa"
    c = best("Zawr Qutnayfah village", admin1="Hasakah")
    assert c is not None and c.gazetteer_id == "geonames:91000044"
    assert best("Zawr Qutnayfah village", admin1="Aleppo") is None  # far from Aleppo province: no reading
    # a namesake inside the named province is the one meant
    _import_villages(tmp_path, [("91000044", "Zawr Qutnayfah", "", "36.56000", "39.57500"),
                                ("91000045", "Zawr Qutnayfa", "", "36.90000", "41.50000")])
    c = best("Zawr Qutnayfah village", admin1="Hasakah")
    assert c is not None and c.gazetteer_id == "geonames:91000045"


def _import_nigerian_towns(tmp_path, rows):
    """Invented Nigerian towns (GeoNames-style rows; the province comes from the nearest shipped place)."""
    from vigil.geo.imports import import_file

    f = tmp_path / "NG.txt"
    f.write_text("".join("\t".join([gid, name, name, "", lat, lon, "P", "PPL", "NG", "", "", "", "", "", "25000", "",
                                    "600", "Africa/Lagos", "2024-01-01"]) + "\n"
                         for gid, name, lat, lon in rows), encoding="utf-8")
    import_file(f)


def test_a_place_not_found_stands_at_the_town_its_district_is_named_after(tmp_path):
    # Nigeria's districts (LGAs) are not in the gazetteer; "Zangon Kurmawa North LGA" is named after a town of
    # Kaduna state, whose name is read as a province only in a report about Nigeria.
    _import_nigerian_towns(tmp_path, [("92000001", "Zangon Kurmawa", "10.55000", "7.40000")])
    text = "On 2 May, gunmen killed two farmers in Kpakpandi (Zangon Kurmawa North LGA, Kaduna)."
    loc = geocode_report(_report(text, ["Kpakpandi"], {"Kpakpandi": {"country": "Nigeria"}})).incidents[0].location
    assert loc.geo_status == "not_found" and loc.geo_precision == "district" and loc.gazetteer_id is None
    assert _km(loc.lat, loc.lon, 10.55, 7.40) < 1 and loc.admin1 == "Kaduna"
    assert "Zangon Kurmawa" in loc.geo_reason
    # a district named after no town of the province: the province's centre
    text = "On 2 May, gunmen killed two farmers in Kpakpandi (Gbazzaru LGA, Kaduna)."
    loc = geocode_report(_report(text, ["Kpakpandi"], {"Kpakpandi": {"country": "Nigeria"}})).incidents[0].location
    assert loc.geo_precision == "province" and loc.admin1 == "Kaduna"


def test_where_the_gazetteer_lists_districts_an_unknown_one_is_not_read_as_a_town(tmp_path):
    _import_villages(tmp_path, [("91000046", "Tall Marzuqah", "", "36.40000", "40.70000")])
    text = "Shelling hit Qqzzavy village (Tall Marzuqah North district, Hasakah) on Monday."
    loc = geocode_report(_report(text, ["Qqzzavy"])).incidents[0].location
    assert loc.geo_precision in ("province", "district") and _km(loc.lat, loc.lon, 36.4, 40.7) > 1


def test_a_spelling_without_the_first_syllables_vowel_is_the_village_of_the_named_district(tmp_path):
    # OCHA writes "Hzarniyeh" where reports write "Hazarniyah"; a namesake of the full spelling lies in another
    # district of the province.
    _import_villages(tmp_path, [("91000070", "Hzarniyeh", "", "36.55000", "40.70000"),
                                ("91000071", "Hazarniyah", "", "37.10000", "41.90000")])
    c = best("Hazarniyah village", admin1="Hasakah", admin2="Al Hasakah district")
    assert c is not None and c.gazetteer_id == "geonames:91000070"
    # with the province alone, the village under the report's very spelling is meant
    c = best("Hazarniyah village", admin1="Hasakah")
    assert c is not None and c.gazetteer_id == "geonames:91000071"


def test_the_first_vowel_is_dropped_only_inside_the_named_province(tmp_path):
    _import_villages(tmp_path, [("91000072", "Qbeirfat", "", "36.55000", "40.70000")])
    c = best("Qubayrfat village", admin1="Hasakah")
    assert c is not None and c.gazetteer_id == "geonames:91000072"
    assert best("Qubayrfat village", admin1="Aleppo") is None
    assert best("Qubayrfat village", country="Syria") is None


def test_a_cluster_that_begins_a_name_keeps_its_vowel(tmp_path):
    # "Tlazfah" is not "Tall Zfah": only a single consonant's vowel is dropped, on both sides
    _import_villages(tmp_path, [("91000073", "Tall Zfah", "", "36.55000", "40.70000")])
    assert best("Tlazfah village", admin1="Hasakah") is None


def test_a_loose_spelling_in_the_named_district_does_not_block_the_name_just_over_its_edge(tmp_path):
    # The name itself lies a few km over the named district's edge; inside the district, only a loose
    # spelling of it, which scores under the threshold.
    _import_villages(tmp_path, [("91000074", "Marzamayn", "", "36.83000", "41.26000"),
                                ("91000075", "Marzabina", "", "36.60000", "40.80000")])
    c = best("Marzameen village", admin1="Hasakah", admin2="Al Hasakah district")
    assert c is not None and c.gazetteer_id == "geonames:91000074"


def test_a_province_in_brackets_rules_out_a_namesake_in_a_far_province_of_its_country(tmp_path):
    # The gazetteer knows the name only as a town of Benue; the note puts the place in Kaduna state.
    _import_nigerian_towns(tmp_path, [("92000010", "Qqorumbu", "7.40000", "9.20000")])
    text = "On 3 May, gunmen killed two farmers in Qqorumbu (Zzakun LGA, Kaduna)."
    loc = geocode_report(_report(text, ["Qqorumbu"], {"Qqorumbu": {"country": "Nigeria"}})).incidents[0].location
    assert loc.gazetteer_id is None and loc.geo_status != "located"
    assert loc.admin1 == "Kaduna" and loc.geo_precision == "province"
    # without the brackets, the known town stands
    text = "On 3 May, gunmen killed two farmers in Qqorumbu."
    loc = geocode_report(_report(text, ["Qqorumbu"], {"Qqorumbu": {"country": "Nigeria"}})).incidents[0].location
    assert loc.gazetteer_id == "geonames:92000010"


def test_a_town_just_outside_the_province_in_brackets_is_still_taken(tmp_path):
    # A town of Yobe some 50 km from the Borno border, which the note files under Borno.
    _import_nigerian_towns(tmp_path, [("92000011", "Qqunzadi", "11.27000", "12.00000")])
    text = "On 3 May, an explosive device hit a patrol near Qqunzadi (Gzuba LGA, Borno)."
    loc = geocode_report(_report(text, ["Qqunzadi"], {"Qqunzadi": {"country": "Nigeria"}})).incidents[0].location
    assert loc.gazetteer_id == "geonames:92000011"
