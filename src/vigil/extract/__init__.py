"""Extract stage: from annotated sentences to incidents, totals and ceasefires.

The codebook's incident is one act at one place on one day, so extraction
is organised around places: a sentence that tells of violence and names
localities yields one incident per locality. Counts are paired with places
by their order in the sentence ("nine in A, eight in B, two each in C and
D"); a count that belongs to no single place becomes a report-level total.
What a sentence leaves unsaid (who did it, who reported it, when, with what)
is carried over from the sentences before it, the way a reader does.
"""
from __future__ import annotations

from vigil.annotate import Annotated, Sentence, _shift, annotate, find_places, has_act, not_places
from vigil.dates import find_dates
from vigil.extract.assemble import (_add_place_only_mentions, adjacent_toll_to_place, blame_to_unattributed, _drop_areas_detailed_elsewhere,
                                    second_source_lower_toll,
                                    _give_lead_toll_to_single_place, drop_nameless_perpetrators, merge_incidents,
                                    province_toll_to_its_place, city_into_its_place, one_attack_one_method, move_to_where_it_took_place, merge_across_midnight, drop_reference_points, area_toll_to_the_place_of_its_act,
                                    total_status_to_its_places, clash_dead_are_fighters, also_killed_joins_the_toll,
                                    toll_said_for_its_only_place,
                                    zero_tolls_said_apart)
from vigil.extract.ceasefires import declarers_by_pronoun, mentions_truce, _end_from_later_duration, extract_ceasefire, merge_ceasefires
from vigil.extract.incidents import (Context, arrests_only, _breakdown_of_earlier_toll, _update_context, _weak_sentence,
                                     main_province, report_country, sentence_incidents)
from vigil.model import Document, Incident, Report

__all__ = ["extract", "extract_annotated"]


def extract(doc: Document) -> Report:
    return extract_annotated(annotate(doc))


def _acts_in_regions(ann: Annotated, country: str | None) -> list[Incident]:
    """A report that names no smaller place for its acts still reports them, at province level."""
    ctx = Context()
    found: list[Incident] = []
    for s in ann.sentences:
        _update_context(ctx, s, ann.doc, country)
        if s.headline or mentions_truce(s.text) or _weak_sentence(s) or arrests_only(s.text):
            continue
        found.extend(sentence_incidents(s, ctx, country, ann.doc, area_acts=True)[0])
    return found


def _dates_of(s: Sentence, doc: Document) -> list:
    """The dates of a sentence the annotator passed over as background."""
    return [_shift(m, s.start) for m in find_dates(s.text, doc.published)]


def _acts_beside_their_place(ann: Annotated, country: str | None) -> list[Incident]:
    """"Demonstrators gathered in Tesmil. Police beat them with batons.": in a report with no other
    incident, an act whose sentence names no place happened at the one locality the sentence before
    names. Both sentences are read as one, and both are the evidence."""
    ctx = Context()
    found: list[Incident] = []
    sents = ann.sentences
    for k, s in enumerate(sents):
        _update_context(ctx, s, ann.doc, country)
        if k == 0 or s.headline or s.places or not s.violent or not has_act(s.text) or mentions_truce(s.text) \
                or arrests_only(s.text):
            continue
        prev = sents[k - 1]
        if prev.headline:
            continue
        named = prev.places or find_places(prev.text, prev.start, exclude=not_places(prev))
        localities = [p for p in named if p.level == "locality"]
        if len(localities) != 1:
            continue
        joined = Sentence(prev.start, s.end, ann.doc.text[prev.start:s.end], counts=prev.counts + s.counts,
                          places=localities, types=s.types or prev.types, violent=True,
                          actors=prev.actors + s.actors, sources=prev.sources + s.sources,
                          countries=prev.countries + s.countries, dates=(prev.dates or _dates_of(prev, ann.doc)) + s.dates)
        found.extend(sentence_incidents(joined, ctx, country, ann.doc)[0])
    return found


def extract_annotated(ann: Annotated) -> Report:
    doc = ann.doc
    report = Report(doc=doc)
    country = report_country(ann)
    region = main_province(ann) or country
    ctx = Context()
    mentions: list[Incident] = []  # places named near violence words, without a toll or a strike verb
    truce_sentences: list[Sentence] = []  # about a truce, but with no end date of their own
    for k, s in enumerate(ann.sentences):
        _update_context(ctx, s, doc, country)
        if mentions_truce(s.text):
            cf = extract_ceasefire(s, doc, region, country)
            if cf and not cf.declared_by:
                cf.declared_by = declarers_by_pronoun(s, ann.sentences[k - 1] if k else None)
            if cf:
                report.ceasefires.append(cf)
            if cf is None or cf.effective_until is None:
                truce_sentences.append(s)
            if s.headline or not any(c.role == "killed" for c in s.counts):
                continue
        if s.headline:
            continue
        if _breakdown_of_earlier_toll(s, report.incidents) or arrests_only(s.text):
            continue
        weak = _weak_sentence(s)
        incidents, totals = sentence_incidents(s, ctx, country, doc)
        (mentions if weak else report.incidents).extend(incidents)
        report.totals.extend(totals)
    report.incidents = merge_incidents(_drop_areas_detailed_elsewhere(report))
    _add_place_only_mentions(report, merge_incidents(mentions))
    if not report.incidents:
        report.incidents = merge_incidents(_acts_in_regions(ann, country))
    if not report.incidents:
        report.incidents = merge_incidents(_acts_beside_their_place(ann, country))
    merge_across_midnight(report)
    drop_reference_points(report)
    move_to_where_it_took_place(report, ann.sentences)
    province_toll_to_its_place(report)
    city_into_its_place(report)
    _give_lead_toll_to_single_place(report)
    area_toll_to_the_place_of_its_act(report, ann.sentences)
    adjacent_toll_to_place(report, ann.sentences)
    second_source_lower_toll(report, ann.sentences)
    zero_tolls_said_apart(report, ann.sentences)
    drop_nameless_perpetrators(report)
    blame_to_unattributed(report, ann.sentences, country)
    toll_said_for_its_only_place(report)
    also_killed_joins_the_toll(report, ann.sentences)
    total_status_to_its_places(report)
    clash_dead_are_fighters(report, ann.sentences)
    one_attack_one_method(report)
    report.ceasefires = merge_ceasefires(report.ceasefires)
    _end_from_later_duration(report.ceasefires, truce_sentences)
    report.reports_incident = bool(report.incidents)
    return report


