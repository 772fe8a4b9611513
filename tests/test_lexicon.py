"""Tests for the actor / source / country lexicons (sentences written for these tests)."""
from __future__ import annotations

import itertools

import pytest

from vigil import lexicon
from vigil.lexicon import (
    Mention,
    canonical_actor,
    canonical_country,
    canonical_source,
    country_iso2,
    find_actors,
    find_countries,
    find_sources,
    government_of,
    resolve_actor,
)

ACTOR_CATEGORIES = {"state", "state_forces", "rebel", "jihadist", "militia", "coalition", "unknown", "weapon_hint"}
SOURCE_CATEGORIES = {"monitor", "rescue", "ministry", "official", "media", "un", "ngo", "military", "local"}


def canonicals(mentions: list[Mention]) -> list[str]:
    return [m.canonical for m in mentions]


def assert_offsets(text: str, mentions: list[Mention]) -> None:
    for m in mentions:
        assert text[m.start : m.end] == m.text
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)
    for a, b in itertools.pairwise(mentions):
        assert a.end <= b.start


# ------------------------------------------------------------------ offsets


def test_offsets_point_into_the_original_text() -> None:
    text = "On Monday, Russian   jets struck a market.\n\nThe regime\u2019s helicopters followed; SOHR said."
    actors = find_actors(text)
    sources = find_sources(text)
    assert_offsets(text, actors)
    assert_offsets(text, sources)
    assert [m.text for m in actors] == ["Russian   jets", "The regime\u2019s helicopters"]
    assert canonicals(actors) == ["Russia", "regime"]  # the report's country settles which regime
    assert [(m.text, m.canonical) for m in sources] == [("SOHR", "Syrian Observatory for Human Rights")]


def test_alias_split_across_a_line_break() -> None:
    text = "Strikes by Turkish\ndrones hit a car."
    [m] = find_actors(text)
    assert (m.text, m.canonical) == ("Turkish\ndrones", "Turkey")


def test_mention_fields() -> None:
    [m] = find_actors("Houthi rebels fired a missile.")
    assert m == Mention(0, 13, "Houthi rebels", "Houthis", "actor", "rebel")


# ----------------------------------------------------------- longest match


def test_longest_match_wins() -> None:
    text = "The Russian Defence Ministry denied the report."
    [actor] = find_actors(text)
    assert (actor.text, actor.canonical) == ("Russian Defence Ministry", "Russia")
    [source] = find_sources(text)
    assert source.canonical == "Russian Defense Ministry"
    [country] = find_countries(text)
    assert (country.text, country.canonical) == ("Russian", "Russia")


def test_longest_match_prefers_the_more_specific_group() -> None:
    assert canonicals(find_actors("Fighters of the Pakistani Taliban attacked a post.")) == ["Pakistani Taliban"]
    assert canonicals(find_actors("Jabhat al-Nusra and the Free Syrian Army clashed.")) == [
        "Hayat Tahrir al-Sham",
        "Free Syrian Army",
    ]
    assert canonicals(find_actors("ISIS-K claimed the bombing.")) == ["Islamic State Khorasan"]


# ---------------------------------------------------- word boundaries, case


def test_is_only_matches_the_capitalised_acronym() -> None:
    assert find_actors("This is an island where it is quiet.") == []
    assert find_actors("ISLAND ROAD CLOSED") == []
    assert find_actors("The THIS group") == []
    assert canonicals(find_actors("IS claimed the attack.")) == ["Islamic State"]
    assert canonicals(find_actors("fighters of the Islamic State (IS) group")) == ["Islamic State"]


def test_wordlike_acronyms_in_an_all_caps_headline_are_words() -> None:
    assert find_actors("WHO IS TO BLAME FOR THE SHORTAGE") == []
    assert canonicals(find_sources("The WHO said two hospitals were hit.")) == ["WHO"]
    assert find_sources("Who said that?") == []


def test_case_insensitive_for_ordinary_names() -> None:
    assert canonicals(find_actors("russian jets and TURKISH DRONES")) == ["Russia", "Turkey"]
    assert canonicals(find_actors("Isis fighters")) == ["Islamic State"]
    assert canonicals(find_actors("the hayat tahrir al-sham group")) == ["Hayat Tahrir al-Sham"]


def test_mixed_case_acronyms_keep_their_case() -> None:
    assert find_actors("let them go") == []
    assert canonicals(find_actors("LeT militants")) == ["Lashkar-e-Taiba", "militants"]


def test_no_match_inside_words() -> None:
    assert find_actors("Hamasaki and Russians") == []
    assert find_countries("Omaniyat") == []
    assert canonicals(find_countries("Two Syrians and an Iraqi")) == ["Syria", "Iraq"]


def test_hyphen_and_apostrophe_variants() -> None:
    assert canonicals(find_actors("al Shabaab gunmen")) == ["al-Shabaab"]
    assert canonicals(find_actors("Hayat Tahrir al Sham")) == ["Hayat Tahrir al-Sham"]
    assert canonicals(find_actors("People\u2019s Protection Units")) == ["YPG"]
    assert canonicals(find_actors("Peoples Protection Units")) == ["YPG"]


def test_pro_and_anti_prefixes_do_not_name_the_actor() -> None:
    assert canonicals(find_actors("pro-Russian separatists shelled the town")) == ["Russian-backed separatists"]
    assert canonicals(find_actors("an anti-IS operation")) == []


def test_proxy_suffix_does_not_name_the_sponsor() -> None:
    assert canonicals(find_actors("Iran-backed militias fired rockets")) == ["Iran-backed militias"]
    assert canonicals(find_actors("a Russia-backed offensive")) == []
    assert canonicals(find_actors("Turkish-backed factions shelled the village")) == ["Turkish-backed factions"]


# ------------------------------------------------------- one per major actor

ACTOR_SENTENCES = [
    ("Russian warplanes bombed a bakery.", "Russia"),
    ("The Kremlin denied that its air force was involved.", "Russia"),
    ("Assad regime helicopters dropped explosives on the village.", "Syrian government"),
    ("Assad forces advanced overnight.", "Syrian government"),
    ("The Syrian Arab Army shelled the outskirts.", "Syrian government"),
    ("Two barrel bombs hit the market.", "Syrian government"),
    ("Syrian and Russian warplanes struck the town.", "Syrian government; Russia"),
    ("The US-led coalition carried out four strikes.", "US-led coalition"),
    ("A Saudi-led coalition air strike hit a bus.", "Saudi-led coalition"),
    ("Ansar Allah fighters took the hill.", "Houthis"),
    ("Turkish drones targeted a car.", "Turkey"),
    ("The IDF said it hit a launch site.", "Israel"),
    ("Israeli warplanes struck two houses.", "Israel"),
    ("Daesh claimed the suicide bombing.", "Islamic State"),
    ("HTS gunmen raided a checkpoint.", "Hayat Tahrir al-Sham"),
    ("The Syrian Democratic Forces repelled the attack.", "SDF"),
    ("YPG/PKK terrorists fired mortars.", "YPG"),
    ("The PKK ambushed a convoy.", "PKK"),
    ("The Taliban stormed a district centre.", "Taliban"),
    ("Afghan security forces returned fire.", "Afghan security forces"),
    ("Al-Shabaab militants attacked a hotel.", "al-Shabaab"),
    ("Boko Haram insurgents burned the village.", "Boko Haram"),
    ("ISWAP fighters overran a base.", "ISWAP"),
    ("ADF rebels killed farmers near Beni.", "Allied Democratic Forces"),
    ("M23 rebels seized the town.", "M23"),
    ("The Rapid Support Forces shelled the camp.", "RSF"),
    ("The Sudanese army bombed the market.", "Sudanese army"),
    ("Haftar's forces shelled the capital.", "Libyan National Army"),
    ("GNA forces launched a counteroffensive.", "Government of National Accord"),
    ("Hezbollah fired anti-tank missiles.", "Hezbollah"),
    ("Hamas fired rockets at the city.", "Hamas"),
    ("Palestinian Islamic Jihad claimed the rockets.", "Islamic Jihad"),
    ("Palestinian rocket fire hit a house in Sderot.", "Palestinian militants"),
    ("JNIM claimed the ambush.", "JNIM"),
    ("Wagner mercenaries executed villagers.", "Wagner Group"),
    ("Ukrainian forces shelled the depot.", "Ukraine"),
    ("The Nigerian Army said its drone hit the wrong target.", "Nigerian Army"),
    ("Ethiopian forces entered the town.", "Ethiopian forces"),
    ("The TPLF denied the claim.", "Tigrayan forces"),
    ("The TTP claimed the attack.", "Pakistani Taliban"),
    ("Dogon hunters attacked the Fulani village.", "Dogon hunters"),
    ("The Zionist enemy shelled a house in Varo.", "Israel"),
    ("AUSSOM troops repelled the raid.", "AMISOM"),
    ("Azawad Liberation Front fighters took the camp.", "Coordination of Azawad Movements"),
    ("Murle youth raided cattle camps.", "Murle armed youth"),
    ("The Arakan Army and the Brotherhood Alliance seized a base.", "Three Brotherhood Alliance"),
    ("Estado Mayor Central dissidents planted the bomb.", "EMC"),
]


@pytest.mark.parametrize(("sentence", "expected"), ACTOR_SENTENCES)
def test_major_actor(sentence: str, expected: str) -> None:
    mentions = find_actors(sentence)
    assert_offsets(sentence, mentions)
    assert expected in canonicals(mentions)


def test_generic_phrases_are_kept_generic() -> None:
    mentions = find_actors("Government forces and gunmen clashed; jihadists later attacked the army.")
    assert [(m.canonical, m.category) for m in mentions] == [
        ("government forces", "unknown"),
        ("gunmen", "unknown"),
        ("jihadists", "unknown"),
        ("army", "unknown"),
    ]


def test_weapon_hints_carry_their_category() -> None:
    [m] = find_actors("Barrel bombs fell on the town.")
    assert (m.canonical, m.category) == ("Syrian government", "weapon_hint")


def test_actor_category() -> None:
    from vigil.lexicon import actor_category

    assert actor_category("Russia") == "state"
    assert actor_category("Syrian government") == "state_forces"
    assert actor_category("Islamic State") == "jihadist"
    assert actor_category("nobody") is None


def test_national_forces_of_any_country() -> None:
    assert canonical_actor("Pakistani jets") == "Pakistan"
    assert canonical_actor("Egyptian warplanes") == "Egypt"
    assert canonical_actor("Malian troops") == "Malian army"


# ----------------------------------------------------------------- sources

SOURCE_SENTENCES = [
    ("according to a Syrian civil defence group", "White Helmets"),
    ("rescuers from the White Helmets said", "White Helmets"),
    ("figures from the Britain-based war monitor", "Syrian Observatory for Human Rights"),
    ("Rami Abdel Rahman, who runs the monitor, said", "Syrian Observatory for Human Rights"),
    ("according to the SNHR", "Syrian Network for Human Rights"),
    ("the Response Coordination Group said", "Response Coordination Group"),
    ("Syria Response Coordinators counted 40 strikes", "Response Coordination Group"),
    ("state news agency SANA reported", "SANA"),
    ("the Kurdish-led Internal Security Forces said", "Asayish"),
    ("the Rojava Information Center said", "Rojava Information Center"),
    ("OCHA said in its update", "OCHA"),
    ("the UN said", "United Nations"),
    ("Doctors Without Borders said", "MSF"),
    ("the ICRC said", "ICRC"),
    ("Human Rights Watch said", "Human Rights Watch"),
    ("Airwars estimated", "Airwars"),
    ("the OSCE Special Monitoring Mission recorded", "OSCE SMM"),
    ("the Gaza health ministry said", "Palestinian Health Ministry"),
    ("the Palestinian health ministry said", "Palestinian Health Ministry"),
    ("the Houthi-run health ministry said", "Houthi Health Ministry"),
    ("Turkey's National Defence Ministry said", "Turkish Defense Ministry"),
    ("the Turkish Defense Ministry said", "Turkish Defense Ministry"),
    ("Lebanese military sources said", "Lebanese military sources"),
    ("Ukrainian officials said", "Ukrainian officials"),
    ("Israeli police said", "Israeli police"),
    ("the Kharkiv Oblast Military Administration reported", "Kharkiv Oblast Military Administration"),
    ("UNAMI figures show", "UNAMI"),
    ("the UN mission in Mali said", "MINUSMA"),
    ("local activists said", "local activists"),
    ("police said", "police"),
    ("eyewitnesses said", "eyewitnesses"),
    ("security sources said", "security sources"),
    ("a hospital source said", "hospital sources"),
    ("medics said", "medics"),
    ("officials said", "officials"),
    ("Reuters reported", "Reuters"),
    ("told Agence France-Presse", "AFP"),
    ("the Associated Press reported", "AP"),
    ("Anadolu Agency reported", "Anadolu Agency"),
]


@pytest.mark.parametrize(("sentence", "expected"), SOURCE_SENTENCES)
def test_major_source(sentence: str, expected: str) -> None:
    mentions = find_sources(sentence)
    assert_offsets(sentence, mentions)
    assert expected in canonicals(mentions)


def test_canonical_source() -> None:
    assert canonical_source("the Observatory") == "Syrian Observatory for Human Rights"
    assert canonical_source("Syrian civil defence") == "White Helmets"
    assert canonical_source("nobody in particular") is None


# --------------------------------------------------------------- countries


def test_countries_and_demonyms() -> None:
    text = "Syrian and Yemeni officials met in Ukraine; Congolese troops and DR Congo; Gaza and the West Bank."
    mentions = find_countries(text)
    assert_offsets(text, mentions)
    assert canonicals(mentions) == [
        "Syria",
        "Yemen",
        "Ukraine",
        "Democratic Republic of the Congo",
        "Democratic Republic of the Congo",
        "Palestine",
        "Palestine",
    ]


def test_country_case_rules() -> None:
    assert canonicals(find_countries("Let us talk to US officials in the UK.")) == ["United States", "United Kingdom"]
    assert find_countries("across Latin America") == []


def test_country_mentions_carry_the_iso_code() -> None:
    [m] = find_countries("Yemeni officials said")
    assert (m.canonical, m.category) == ("Yemen", "YE")


def test_country_helpers() -> None:
    assert canonical_country("Syrian Arab Republic") == "Syria"
    assert canonical_country("Congolese") == "Democratic Republic of the Congo"
    assert country_iso2("Syria") == "SY"
    assert country_iso2("Burkinabe") == "BF"
    assert country_iso2("Atlantis") is None


# ----------------------------------------------------- normalizing phrases


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Russian jets", "Russia"),
        ("the Russian air force", "Russia"),
        ("Russian shelling", "Russia"),
        ("Assad regime", "Syrian government"),
        ("Huthi", "Houthis"),
        ("Khalifa Hafter forces", "Libyan National Army"),
        ("the coalition", "coalition"),
        ("somebody", None),
    ],
)
def test_canonical_actor(phrase: str, expected: str | None) -> None:
    assert canonical_actor(phrase) == expected


def test_resolve_actor_by_country() -> None:
    assert resolve_actor("government forces", "Syria") == "Syrian government"
    assert resolve_actor("army", "Nigeria") == "Nigerian Army"
    assert resolve_actor("security forces", "Russia") == "Russia"
    assert resolve_actor("coalition", "Yemen") == "Saudi-led coalition"
    assert resolve_actor("coalition", "Iraq") == "US-led coalition"
    assert resolve_actor("coalition", "Mali") is None
    assert resolve_actor("government forces", None) is None
    assert resolve_actor("Russia", "Syria") == "Russia"
    assert resolve_actor("gunmen", "Mali") == "gunmen"
    assert government_of("Afghanistan") == "Afghan security forces"


# ------------------------------------------------------------ table sanity


def test_tables_are_well_formed() -> None:
    countries = lexicon.countries()
    assert len(countries) >= 190
    iso = [c.iso2 for c in countries]
    assert len(iso) == len(set(iso)) and all(len(code) == 2 for code in iso)
    for row in lexicon._actor_rows():
        assert row.category in ACTOR_CATEGORIES | {"expansion", "stop"}, row
    for row in lexicon._rows("sources.tsv"):
        assert row.category in SOURCE_CATEGORIES, row
    homes = {h.split("=")[0] for row in lexicon._actor_rows() for h in row.home} - {"*"}
    assert homes <= {c.canonical for c in countries}


# ------------------------------------------------ the codebook's canonical names


def _codebook_names() -> set[str]:
    return {a.canonical for a in lexicon.codebook_actors()}


def _allowed(name: str) -> bool:
    """A codebook name, a country name (a state acting as such, decision d) or a label never written."""
    return name in _codebook_names() or name in {c.canonical for c in lexicon.countries()} \
        or lexicon.names_no_actor(name)


def test_the_codebook_table_is_shipped_whole() -> None:
    actors = lexicon.codebook_actors()
    assert len(actors) >= 140 and len(_codebook_names()) == len(actors)
    by_name = {a.canonical: a for a in actors}
    assert by_name["Hayat Tahrir al-Sham"].group == "Syria"
    assert "Tatmadaw" in by_name["Myanmar military"].aliases
    assert by_name["ELN"].aliases == ("National Liberation Army (Colombia)",)


def test_every_actor_the_extractor_can_write_is_a_codebook_name() -> None:
    every_country = [c.canonical for c in lexicon.countries()] + [None]
    written = set()
    for _alias, canonical, _category in lexicon._expand_rows(list(lexicon._actor_rows())):
        if canonical != lexicon.STOP:
            written |= {resolve_actor(canonical, country) for country in every_country}
    written |= {government_of(c.canonical) for c in lexicon.countries()}
    written.discard(None)
    parts = {p for name in written for p in name.split("; ")}
    assert sorted(p for p in parts if not _allowed(p)) == []


# Written in the table but not read as an actor: the name is also a common given name.
_NOT_ACTOR_ALONE = {"Amal"}
_UN_BODIES = {"United Nations", "UN Security Council"}  # read as reporting sources (sources.tsv)


@pytest.mark.parametrize("actor", lexicon.codebook_actors(), ids=lambda a: a.canonical)
def test_every_codebook_name_and_alias_is_recognised(actor: lexicon.CodebookActor) -> None:
    row = lexicon._actor_rows_by_canonical().get(actor.canonical)
    home = next((h for h in row.home if h != "*"), None) if row else None
    for name in (actor.canonical, *actor.aliases):
        if name in _NOT_ACTOR_ALONE:
            continue
        if actor.canonical in _UN_BODIES:
            assert canonical_source(name) == actor.canonical, name
        elif name == actor.canonical and canonical_country(name) == name and canonical_actor(name) is None:
            continue  # a bare country name is first a place; its forces and government are actors
        else:
            assert resolve_actor(canonical_actor(name) or "", home) == actor.canonical, name


@pytest.mark.parametrize(("phrase", "country", "expected"), [
    ("the regime", "Syria", "Syrian government"), ("regime forces", "Myanmar", "Myanmar military"),
    ("the junta", "Myanmar", "Myanmar military"), ("junta soldiers", "Mali", "Malian army"),
    ("the military junta", "Burkina Faso", "Burkinabe army"), ("occupation forces", "Palestine", "Israel"),
    ("the occupiers", "Ukraine", "Russia"), ("occupation forces", "Syria", None), ("the regime", None, None),
    ("Murle youth", "South Sudan", "Murle armed youth"), ("Karabakh forces", "Azerbaijan", "Karabakh Armenian forces"),
    ("the Haitian National Police", "Haiti", "Haiti"), ("Eritrean troops", "Ethiopia", "Eritrean forces"),
    ("PDF fighters", "Myanmar", "People's Defence Force"), ("FARC-EMC", "Colombia", "EMC"),
    ("suspected jihadists", "Mali", "jihadists"), ("Libyan forces", "Libya", "Libyan forces"),
    ("rebel forces", "Ukraine", "Russian-backed separatists"), ("separatists", "Ukraine", "Russian-backed separatists"),
    ("rebel forces", "Mali", "rebels"), ("the rebels", None, "rebels"),
])
def test_country_dependent_and_new_aliases(phrase: str, country: str | None, expected: str | None) -> None:
    assert resolve_actor(canonical_actor(phrase) or "", country) == expected


@pytest.mark.parametrize("sentence", [
    "Shells fell on Damascus and Kyiv overnight.",       # capitals struck are places, not their governments
    "Ukraine said two drones hit a depot in Varnivka.",  # a bare country name is first a place or a speaker
])
def test_capitals_and_bare_names_that_are_mostly_places_are_no_actor(sentence: str) -> None:
    assert canonicals(find_actors(sentence)) == []


def test_a_state_named_by_its_forces_is_its_government_actor() -> None:
    assert government_of("Eritrea") == "Eritrean forces"
    assert government_of("Colombia") == "Colombia" and government_of("Pakistan") == "Pakistan"
    assert lexicon.names_no_actor("Libyan forces")  # two rival governments: the phrase names neither


def test_every_actor_category_appears() -> None:
    assert {row.category for row in lexicon._actor_rows()} >= ACTOR_CATEGORIES


# ------------------------------------------------------------------- speed


def _report(n: int) -> str:
    paragraph = (
        "On Tuesday, strikes by Russian warplanes hit three villages and 11 civilians died, according "
        "to the White Helmets. The Syrian Observatory for Human Rights said regime helicopters "
        "dropped barrel bombs on a town in southern Idlib, where Turkish troops man observation posts. "
        "Hayat Tahrir al-Sham fighters shelled a government position, and officials in Damascus "
        "said the army repelled an attack by jihadists. A local activist told AFP that the "
        "Response Coordination Group counted dozens of strikes this week. "
    )
    return f"Report {n}. " + paragraph * 4


def test_many_long_reports_are_read_whole() -> None:
    # The speed of these finders is measured by bench/bench_lexicon.py (timings do not belong in unit tests).
    reports = [_report(i)[:2000] for i in range(300)]
    for text in reports:
        assert {m.canonical for m in find_actors(text)} >= {"Russia", "Syrian government"}
        assert "White Helmets" in {m.canonical for m in find_sources(text)}
        find_countries(text)


def test_resolve_source_by_country() -> None:
    from vigil.lexicon import resolve_source

    assert resolve_source("military sources", "Lebanon") == "Lebanese military sources"
    assert resolve_source("health ministry", "Palestine") == "Palestinian Health Ministry"
    assert resolve_source("defense ministry", "Turkey") == "Turkish Defense Ministry"
    assert resolve_source("health ministry", None) == "health ministry"
    assert resolve_source("White Helmets", "Syria") == "White Helmets"
    assert canonical_source("a government statement") == "officials"


def test_stop_phrases_hide_names_inside_other_names() -> None:
    assert find_actors("an analyst told the Times of Israel") == []
    assert canonicals(find_sources("an analyst told the Times of Israel")) == ["Times of Israel"]
    assert find_countries("prices across Latin America") == []


def test_empty_and_odd_whitespace() -> None:
    assert find_actors("") == [] and find_sources("   ") == [] and find_countries("\n\n") == []
    assert canonical_actor("") is None
    text = "  Russian\t\tjets  and  IS\u00a0fighters   "
    mentions = find_actors(text)
    assert_offsets(text, mentions)
    assert canonicals(mentions) == ["Russia", "Islamic State"]


def test_characters_that_lowercase_to_two_keep_offsets() -> None:
    text = "\u0130STANBUL: Turkish drones struck near the Syrian border."
    mentions = find_countries(text)
    assert_offsets(text, mentions)
    assert canonicals(mentions) == ["Turkey", "Syria"]


def test_acronyms_sharing_letters() -> None:
    text = "JEM rebels in Darfur; JeM militants in Kashmir."
    assert canonicals(find_actors(text))[::2] == ["Justice and Equality Movement", "Jaish-e-Mohammed"]


def test_home_of_a_governments_own_forces():
    from vigil.lexicon import home_of

    assert home_of("Syrian government") == "Syria"
    assert home_of("Russia") is None
