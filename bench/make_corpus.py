"""Load-corpus generator: N synthetic conflict reports with their gold and the true incidents.

    python bench/make_corpus.py N --seed S [-o DIR]

writes, streamed (nothing is held in memory but one story at a time):

- DIR/reports.jsonl  the reports in the reader's JSON Lines form (`doc_id`, `published`, `url`,
                     `text`, plus `outlet`), ready for `vigil extract` / `vigil ingest`;
- DIR/gold.jsonl     their gold in the codebook's shape (../shared/codebook.md), for `vigil eval`;
- DIR/truth.jsonl    one line per true incident: where and when it happened and the doc_ids of
                     every report that tells it, to check fusion against.

Reports are built from the invented sentence templates, actors and sources in
bench/corpus/templates.json and from places of the shipped gazetteer (several countries, names
that are unique in it so the gold coordinates are the gazetteer's own). A story is one incident,
or a wave of strikes on several villages (per-village tolls in a list, their sum as a total); it
is told by one to four outlets, each with its own toll, qualifier and wording, published up to
two days later; some reports are syndicated near-copies of another, some tell a second,
unrelated incident, some announce a ceasefire and some report no incident at all. The same N and
seed give the same files, byte for byte.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator, TextIO

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "corpus" / "templates.json"
GAZETTEER = ROOT / "src" / "vigil" / "data" / "gazetteer" / "places.tsv.gz"
START = date(2010, 1, 4)
STORIES_PER_DAY = 80  # incidents spread over time as a news stream: 1M reports span about 15 years
PLACES_PER_COUNTRY = 1500
MIN_DAYS_BETWEEN = 10  # a place is not hit twice within this many days, so true incidents stay distinct
_NAME = re.compile(r"(?:(?:Al|Kafr|Tal|Deir) )?[A-Z][a-z]{3,}(?: [A-Z][a-z]{3,})?\Z")
_POPULATED = ("PPL", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLC")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class Place:
    name: str
    admin1: str
    lat: float
    lon: float


@dataclass
class Incident:
    """One true incident: what every report telling it agrees on, and who told it."""
    tid: str
    country: dict
    place: Place
    day: date
    type: str
    actor: dict
    killed: int | None
    victims: str
    doc_ids: list[str] = field(default_factory=list)


def _fold(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def load_places(ccs: list[str]) -> dict[str, list[Place]]:
    """Per country, up to PLACES_PER_COUNTRY populated places whose spelling no other gazetteer
    entry (anywhere, under any of its names) shares, so a report naming one means that one."""
    counts: dict[str, int] = {}
    rows = []
    with gzip.open(GAZETTEER, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            for n in {_fold(row["name"]), *(_fold(a) for a in (row.get("alt") or "").split("|"))}:
                if n:
                    counts[n] = counts.get(n, 0) + 1
            if (row["cc"] in ccs and row["kind"] == "place" and row["fcode"] in _POPULATED and row["admin1"]
                    and _NAME.match(row["name"])):
                rows.append(row)
    common = _common_words()
    out: dict[str, list[Place]] = {}
    for cc in ccs:
        ok = sorted({(r["name"], r["admin1"], float(r["lat"]), float(r["lon"])) for r in rows
                     if r["cc"] == cc and counts.get(_fold(r["name"])) == 1
                     and not (set(r["name"].lower().split()) & common)})
        rnd = random.Random(f"places-{cc}")
        out[cc] = [Place(*p) for p in rnd.sample(ok, min(PLACES_PER_COUNTRY, len(ok)))]
        if len(out[cc]) < 50:
            sys.exit(f"make_corpus: only {len(out[cc])} usable places for {cc} in {GAZETTEER}")
    return out


def _common_words() -> set[str]:
    text = (ROOT / "src" / "vigil" / "data" / "english_function_words.txt").read_text(encoding="utf-8")
    return {w for line in text.splitlines() if not line.startswith("#") for w in line.lower().split()}


class Writer:
    """Builds report texts with their gold from the templates."""

    def __init__(self, seed: int, tpl: dict, places: dict[str, list[Place]]) -> None:
        self.rnd = random.Random(seed)
        self.seed = seed
        self.tpl = tpl
        self.places = places
        self.last_used: dict[Place, date] = {}
        self.n_docs = 0
        self.n_incidents = 0

    # ---- wording -------------------------------------------------------------------------

    def number(self, n: int) -> str:
        words = self.tpl["number_words"]
        return words[n] if n < len(words) and self.rnd.random() < 0.6 else str(n)

    def toll(self, n: int, start: bool = False) -> tuple[str, str]:
        """A toll phrase and its codebook qualifier; at a sentence start a bare number is a word."""
        q = self.rnd.choice(["exact", "exact", "at_least", "at_least", "about", "more_than"])
        if start and q == "exact" and n >= len(self.tpl["number_words"]):
            q = "at_least"
        num = self.tpl["number_words"][n] if start and q == "exact" else self.number(n)
        phrase = self.tpl["qualifiers"][q] + num
        return (phrase[0].upper() + phrase[1:] if start else phrase), q

    def when(self, day: date, published: date) -> str:
        delta = (published - day).days
        if delta == 1 and self.rnd.random() < 0.4:
            return "yesterday"
        if delta <= 1 or (delta < 6 and self.rnd.random() < 0.5):
            return f"on {WEEKDAYS[day.weekday()]}"
        return f"on {MONTHS[day.month - 1]} {day.day}"

    def region(self, country: dict, place: Place) -> str:
        return country["region"].format(admin1=place.admin1)

    def place_phrase(self, country: dict, place: Place) -> str:
        form = self.rnd.choice(["{name} in {region}", "the village of {name} in {region}",
                                "the town of {name} in {region}"])
        return form.format(name=place.name, region=self.region(country, place))

    def pick_place(self, cc: str, day: date) -> Place:
        pool = self.places[cc]
        for _ in range(50):
            p = self.rnd.choice(pool)
            last = self.last_used.get(p)
            if last is None or abs((day - last).days) >= MIN_DAYS_BETWEEN:
                self.last_used[p] = day
                return p
        self.last_used[p] = day
        return p

    # ---- stories -------------------------------------------------------------------------

    def new_incident(self, country: dict, day: date, typ: str, actor: dict, place: Place | None = None,
                     killed: int | None = None, victims: str | None = None) -> Incident:
        self.n_incidents += 1
        if victims is None:
            victims = "combatants" if typ == "ground_clash" else self.rnd.choice(["civilians", "civilians", "unknown"])
        if killed is None:
            killed = self.rnd.choice([2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 17, 21, 25, 32, 40])
        return Incident(f"T{self.seed}-{self.n_incidents:07d}", country, place or self.pick_place(country["cc"], day),
                        day, typ, actor, killed, victims)

    def story(self, day: date) -> tuple[list[Incident], list[tuple[dict, dict]]]:
        """One story and the reports telling it: (true incidents, [(report, gold), ...])."""
        rnd = self.rnd
        country = rnd.choice(self.tpl["countries"])
        kind = rnd.random()
        if kind < 0.03 and country["truce_parties"]:
            return [], [self.truce_report(country, day)]
        if kind < 0.06:
            return [], [self.opinion_report(country, day)]
        outlets = rnd.sample(self.tpl["outlets"], rnd.choice([1, 1, 2, 2, 3, 4]))
        if kind < 0.25:
            typ = rnd.choice(sorted(self.tpl["wave_lead"]))
            actor = rnd.choice(country["actors"][typ])
            first = self.pick_place(country["cc"], day)
            same = [p for p in self.places[country["cc"]] if p.admin1 == first.admin1 and p != first]
            others = [p for p in rnd.sample(same, min(len(same), 3)) if p not in self.last_used
                      or abs((day - self.last_used[p]).days) >= MIN_DAYS_BETWEEN][:rnd.randint(1, 3)]
            for p in others:
                self.last_used[p] = day
            victims = rnd.choice(["civilians", "civilians", "unknown"])
            incs = [self.new_incident(country, day, typ, actor, p, victims=victims) for p in [first, *others]]
            incs = [i if i.killed <= 12 else self._with_killed(i, rnd.randint(1, 12)) for i in incs]
            reports = [self.wave_report(incs, o, day) for o in outlets]
        else:
            injured_only = rnd.random() < 0.08
            typ = rnd.choice(["airstrike", "shelling", "drone_strike"] if injured_only else sorted(self.tpl["lead"]))
            inc = self.new_incident(country, day, typ, rnd.choice(country["actors"][typ]))
            if injured_only:
                inc.killed, inc.victims = None, "unknown"
            incs = [inc]
            reports = [self.single_report(inc, o, day) for o in outlets]
            if rnd.random() < 0.12:  # one outlet also tells an unrelated incident nearby
                typ2 = rnd.choice(sorted(self.tpl["lead"]))
                extra = self.new_incident(country, day, typ2, rnd.choice(country["actors"][typ2]))
                incs.append(extra)
                self.add_incident(reports[0], extra)
        if rnd.random() < 0.12:  # a syndicated near-copy of one of them
            rep, gold = rnd.choice(reports)
            copy = self.near_copy(rep, gold)
            reports.append(copy)
            for inc in incs:
                if rep["doc_id"] in inc.doc_ids:
                    inc.doc_ids.append(copy[0]["doc_id"])
        return incs, reports

    @staticmethod
    def _with_killed(inc: Incident, n: int) -> Incident:
        inc.killed = n
        return inc

    def _doc(self, outlet: str, published: date) -> dict:
        self.n_docs += 1
        slug = re.sub(r"[^a-z]+", "-", outlet.lower()).strip("-")
        doc_id = f"syn{self.seed}-{self.n_docs:07d}"
        return {"doc_id": doc_id, "published": published.isoformat(), "outlet": outlet,
                "url": f"https://{slug}.example.org/{published.year}/{doc_id}"}

    def _gold(self, doc: dict, reports_incident: bool) -> dict:
        return {"doc_id": doc["doc_id"], "url": doc["url"], "published": doc["published"],
                "reports_incident": reports_incident, "incidents": [], "totals": [], "ceasefires": []}

    def _incident_gold(self, inc: Incident, killed: int | None, q: str | None, source: dict,
                       evidence: list[str], injured: int | None = None, children: int | None = None) -> dict:
        return {"date": inc.day.isoformat(), "date_precision": "day", "type": inc.type,
                "perpetrator": inc.actor["canonical"],
                "location": {"name": inc.place.name, "admin1": inc.place.admin1, "country": inc.country["name"],
                             "lat": inc.place.lat, "lon": inc.place.lon},
                "killed": killed, "killed_qualifier": q if killed is not None else None, "injured": injured,
                "victims": inc.victims, "children_killed": children, "women_killed": None,
                "sources": [source["canonical"]], "evidence": evidence}

    def _reported_toll(self, true: int, least: int = 2) -> int:
        """An outlet's toll for an incident: the true one, or an early or late count near it (at
        least two where the victims noun is plural)."""
        return max(least, true + self.rnd.choice([0, 0, 0, -1, 1, 2, -2]))

    def _lead(self, inc: Incident, published: date, source: dict) -> tuple[str, dict]:
        rnd = self.rnd
        actor = inc.actor["text"]
        fields = {"actor": actor, "actor_cap": actor[:1].upper() + actor[1:], "when": self.when(inc.day, published),
                  "place": self.place_phrase(inc.country, inc.place), "source": source["text"]}
        if inc.killed is None:
            inj = rnd.randint(2, 30)
            fields |= {"inj": self.number(inj), "inj_cap": self.tpl["number_words"][inj].capitalize()
                       if inj < len(self.tpl["number_words"]) else str(inj)}
            sentence = rnd.choice(self.tpl["lead_injured"]).format(**fields)
            return sentence, self._incident_gold(inc, None, None, source, [sentence], injured=inj)
        killed = self._reported_toll(inc.killed)
        template = rnd.choice(self.tpl["lead"][inc.type])
        toll, q = self.toll(killed, start=template.startswith("{toll_cap}"))
        noun = rnd.choice(self.tpl["victims"][inc.victims])
        sentence = template.format(**fields, toll=toll, toll_cap=toll, victims=noun)
        sentence = sentence[0].upper() + sentence[1:]
        gold = self._incident_gold(inc, killed, q, source, [sentence])
        extra = []
        if inc.victims == "civilians" and killed >= 3 and rnd.random() < 0.25:
            kids = rnd.randint(1, min(killed - 1, 9))
            s = rnd.choice(self.tpl["children"]).format(kids=self.number(kids),
                                                       kids_cap=self.tpl["number_words"][kids].capitalize())
            gold["children_killed"] = kids
            gold["evidence"].append(s)
            extra.append(s)
        if rnd.random() < 0.3:
            inj = rnd.randint(2, 25)
            s = rnd.choice(self.tpl["injured"]).format(inj=self.number(inj))
            gold["injured"] = inj
            gold["evidence"].append(s)
            extra.append(s)
        return " ".join([sentence, *extra]), gold

    def _body(self, paragraphs: list[str]) -> str:
        fill = self.rnd.sample(self.tpl["filler"], self.rnd.randint(1, 3))
        return "\n\n".join([*paragraphs, " ".join(fill)])

    def single_report(self, inc: Incident, outlet: str, day: date) -> tuple[dict, dict]:
        published = day + timedelta(days=self.rnd.choice([0, 0, 1, 1, 2]))
        doc = self._doc(outlet, published)
        source = self.rnd.choice(inc.country["sources"])
        lead, inc_gold = self._lead(inc, published, source)
        gold = self._gold(doc, True)
        gold["incidents"].append(inc_gold)
        inc.doc_ids.append(doc["doc_id"])
        doc["text"] = self._body([lead])
        return doc, gold

    def add_incident(self, report: tuple[dict, dict], inc: Incident) -> None:
        """A second, unrelated incident told in an existing report (a paragraph before the filler)."""
        doc, gold = report
        source = self.rnd.choice(inc.country["sources"])
        lead, inc_gold = self._lead(inc, date.fromisoformat(doc["published"]), source)
        paragraphs = doc["text"].split("\n\n")
        doc["text"] = "\n\n".join([*paragraphs[:-1], "In a separate attack, " + lead[0].lower() + lead[1:],
                                   paragraphs[-1]])
        inc_gold["evidence"][0] = "In a separate attack, " + inc_gold["evidence"][0][0].lower() + inc_gold["evidence"][0][1:]
        gold["incidents"].append(inc_gold)
        inc.doc_ids.append(doc["doc_id"])

    def wave_report(self, incs: list[Incident], outlet: str, day: date) -> tuple[dict, dict]:
        rnd, tpl = self.rnd, self.tpl
        first = incs[0]
        published = day + timedelta(days=rnd.choice([0, 0, 1, 1, 2]))
        doc = self._doc(outlet, published)
        source = rnd.choice(first.country["sources"])
        told = list(incs)
        if len(told) >= 3 and rnd.random() < 0.3:  # this outlet leaves one village out
            told.pop(rnd.randrange(1, len(told)))
        tolls = {id(i): self._reported_toll(i.killed, least=1) for i in told}
        if len(told) >= 3 and rnd.random() < 0.5:  # "two each in A and B"
            tolls[id(told[-1])] = tolls[id(told[-2])]
        total = sum(tolls.values())
        region = self.region(first.country, first.place)
        q = rnd.choice(["exact", "at_least"])  # the sum of the listed tolls: "more than" or "about" would not fit
        toll = tpl["qualifiers"][q] + self.number(total)
        noun = rnd.choice(tpl["victims"][first.victims])
        lead = rnd.choice(tpl["wave_lead"][first.type]).format(
            actor=first.actor["text"], region=region, when=self.when(day, published), toll=toll, victims=noun,
            source=source["text"])
        lead = lead[0].upper() + lead[1:]
        items = []
        pair = len(told) >= 3 and tolls[id(told[-1])] == tolls[id(told[-2])]
        singles = told[:-2] if pair else told
        for inc in singles:
            items.append(rnd.choice(tpl["wave_list_item"]).format(n=self.number(tolls[id(inc)]), place=inc.place.name))
        if pair:
            items.append(tpl["wave_list_pair"].format(n=self.number(tolls[id(told[-1])]), place_a=told[-2].place.name,
                                                      place_b=told[-1].place.name))
        listing = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
        list_sentence = rnd.choice(tpl["wave_list"]).format(list=listing)
        gold = self._gold(doc, True)
        for inc in told:
            gold["incidents"].append(self._incident_gold(inc, tolls[id(inc)], "exact", source, [lead, list_sentence]))
            inc.doc_ids.append(doc["doc_id"])
        gold["totals"].append({"killed": total, "killed_qualifier": q, "strikes": None, "victims": first.victims,
                               "area": region, "period_start": day.isoformat(), "period_end": day.isoformat(),
                               "sources": [source["canonical"]], "evidence": [lead]})
        doc["text"] = self._body([lead, list_sentence])
        return doc, gold

    def truce_report(self, country: dict, day: date) -> tuple[dict, dict]:
        rnd = self.rnd
        parties = rnd.choice(country["truce_parties"])
        doc = self._doc(rnd.choice(self.tpl["outlets"]), day)
        eff = day + timedelta(days=rnd.randint(1, 3))
        template = rnd.choice(self.tpl["truce"])
        sentence = template.format(parties=parties["text"], parties_cap=parties["text"][:1].upper() + parties["text"][1:],
                                   area=country["area"], when=f"on {WEEKDAYS[day.weekday()]}",
                                   eff=f"{MONTHS[eff.month - 1]} {eff.day}")
        gold = self._gold(doc, False)
        gold["ceasefires"].append({"declared_by": parties["canonical"],
                                   "announced_on": day.isoformat() if "announced" in template else None,
                                   "effective_from": eff.isoformat(), "effective_until": None,
                                   "area": country["area"], "evidence": [sentence]})
        doc["text"] = "\n\n".join([sentence, " ".join(rnd.sample(self.tpl["truce_filler"], 2))])
        return doc, gold

    def opinion_report(self, country: dict, day: date) -> tuple[dict, dict]:
        doc = self._doc(self.rnd.choice(self.tpl["outlets"]), day)
        doc["text"] = self.rnd.choice(self.tpl["opinion"]).format(area=country["area"]) + " " + \
            self.rnd.choice(self.tpl["truce_filler"])
        return doc, self._gold(doc, False)

    def near_copy(self, rep: dict, gold: dict) -> tuple[dict, dict]:
        """The same text republished by another outlet, with a credit line: the same gold."""
        outlet = self.rnd.choice([o for o in self.tpl["outlets"] if o != rep["outlet"]])
        doc = self._doc(outlet, date.fromisoformat(rep["published"]))
        doc["text"] = rep["text"] + "\n\n" + self.rnd.choice(self.tpl["copy_tail"]).format(outlet=rep["outlet"])
        return doc, {**gold, "doc_id": doc["doc_id"], "url": doc["url"]}


def generate(n: int, seed: int) -> Iterator[tuple[dict, dict, list[Incident]]]:
    """(report, gold, true incidents completed with this report) for n reports, in order."""
    tpl = json.loads(TEMPLATES.read_text(encoding="utf-8"))
    writer = Writer(seed, tpl, load_places([c["cc"] for c in tpl["countries"]]))
    written, story = 0, 0
    while written < n:
        day = START + timedelta(days=story // STORIES_PER_DAY)
        story += 1
        incs, reports = writer.story(day)
        reports = reports[: n - written]
        kept = {r["doc_id"] for r, _ in reports}
        for inc in incs:
            inc.doc_ids = [d for d in inc.doc_ids if d in kept]
        incs = [i for i in incs if i.doc_ids]
        for k, (rep, gold) in enumerate(reports):
            yield rep, gold, incs if k == len(reports) - 1 else []
        written += len(reports)


def truth_line(inc: Incident) -> dict:
    return {"incident": inc.tid, "date": inc.day.isoformat(), "type": inc.type, "perpetrator": inc.actor["canonical"],
            "place": inc.place.name, "admin1": inc.place.admin1, "country": inc.country["name"],
            "lat": inc.place.lat, "lon": inc.place.lon, "killed": inc.killed, "doc_ids": sorted(inc.doc_ids)}


def write_corpus(n: int, seed: int, out: Path, progress: TextIO | None = sys.stderr) -> dict[str, int]:
    """Write the three files under `out`; returns counts (reports, true incidents, gold incidents)."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {"reports": 0, "true_incidents": 0, "gold_incidents": 0}
    t0 = time.perf_counter()
    with open(out / "reports.jsonl", "w", encoding="utf-8") as rf, \
            open(out / "gold.jsonl", "w", encoding="utf-8") as gf, \
            open(out / "truth.jsonl", "w", encoding="utf-8") as tf:
        for rep, gold, done in generate(n, seed):
            rf.write(json.dumps(rep, ensure_ascii=False) + "\n")
            gf.write(json.dumps(gold, ensure_ascii=False) + "\n")
            for inc in done:
                tf.write(json.dumps(truth_line(inc), ensure_ascii=False) + "\n")
            counts["reports"] += 1
            counts["true_incidents"] += len(done)
            counts["gold_incidents"] += len(gold["incidents"])
            if progress and counts["reports"] % 100_000 == 0:
                print(f"  {counts['reports']:,} reports ({time.perf_counter() - t0:.0f} s)", file=progress, flush=True)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of reports")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", type=Path, default=Path("corpus"), help="output folder (default ./corpus)")
    args = ap.parse_args()
    if args.n < 1:
        ap.error("N must be at least 1")
    t0 = time.perf_counter()
    counts = write_corpus(args.n, args.seed, args.out)
    print(f"wrote {counts['reports']:,} reports ({counts['gold_incidents']:,} gold incidents, "
          f"{counts['true_incidents']:,} true incidents) to {args.out}/reports.jsonl, gold.jsonl and truth.jsonl "
          f"in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
