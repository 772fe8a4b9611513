"""Large stores made quickly, for the growth and fusion benchmarks (not a benchmark itself).

`report_stream` yields synthetic extracted reports (codebook dicts, as `pipeline.process` emits
them, with a short text): stories told by one to three outlets over ten years, at places of a
synthetic gazetteer spread over four countries; some reports tell a second incident. `bulk_load`
writes N of them into a store table by table, as ingest would have left them (reports, LSH band
buckets, incident claims with their blocking columns, one incident per story, actor keys), without
running fusion: multi-row inserts through the database driver, about 20-60 s per 100,000 reports.
The stories' claims are fusable, so `vigil rebuild` over a loaded store fuses them again.
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from vigil import fuse  # noqa: E402
from vigil.store import Store  # noqa: E402
from vigil.store.fusion import _claim_columns, _incident_columns, actor_keys  # noqa: E402
from vigil.store.ingest import content_hash  # noqa: E402
from vigil.store.nearcopy import NUM_PERM, _lsh_ranges  # noqa: E402

COUNTRIES = {  # name: (admin1 names, centre lat, centre lon)
    "Syria": (["Idleb", "Aleppo", "Hama", "Homs", "Daraa", "Deir ez-Zor", "Raqqa", "Latakia"], 35.0, 38.0),
    "Yemen": (["Taizz", "Al Hudaydah", "Marib", "Sa'dah", "Al Bayda", "Aden"], 15.0, 44.0),
    "Iraq": (["Ninawa", "Anbar", "Salah al-Din", "Diyala", "Kirkuk", "Baghdad"], 34.0, 43.0),
    "Ukraine": (["Donetsk", "Luhansk", "Kharkiv", "Zaporizhzhia", "Kherson", "Sumy"], 48.5, 36.0),
}
TYPES = ["airstrike", "shelling", "drone_strike", "bombing", "ground_clash"]
PERPS = ["Russia", "Syrian government", "Turkey", "Islamic State", "Saudi-led coalition", "Houthis", None]
OUTLETS = ["White Helmets", "Syrian Observatory for Human Rights", "Airwars", "ACLED", None]
START = date(2014, 1, 1)
DAYS = 3650
WORDS = ("the strike hit a market near the school while families were shopping and rescuers said the toll could "
         "rise as more bodies were pulled from the rubble of homes in the area").split()


def synthetic_places(n: int, seed: int = 5) -> list[dict[str, Any]]:
    """`n` geocoded places over the four countries (each its own gazetteer id and name)."""
    rnd = random.Random(seed)
    names = list(COUNTRIES)
    out = []
    for i in range(n):
        country = names[i % len(names)]
        admins, lat0, lon0 = COUNTRIES[country]
        lat, lon = round(lat0 + rnd.uniform(-2, 2), 5), round(lon0 + rnd.uniform(-2, 2), 5)
        name = f"Qaryat {i}"
        out.append({"name": name, "matched_name": name, "admin1": rnd.choice(admins), "admin2": None,
                    "country": country, "lat": lat, "lon": lon, "geo_precision": "place", "gazetteer_id": f"syn:{i}"})
    return out


def _claim(rnd: random.Random, place: dict, day: date, typ: str, perp: str | None, killed: int) -> dict[str, Any]:
    sentence = f"An {typ} on {place['name']} killed {killed} people, " + " ".join(rnd.sample(WORDS, 10))
    return {"date": day.isoformat(), "date_precision": "day", "type": typ, "perpetrator": perp,
            "location": dict(place), "killed": killed, "killed_qualifier": "exact", "injured": None,
            "victims": "civilians", "children_killed": None, "women_killed": None,
            "sources": [s for s in [rnd.choice(OUTLETS)] if s], "evidence": [sentence],
            "evidence_spans": [[0, len(sentence)]]}


def report_stream(n: int, seed: int = 1, places: list[dict[str, Any]] | None = None, prefix: str = "bulk",
                  start: int = 0) -> Iterator[tuple[dict[str, Any], list[int]]]:
    """`n` report dicts (with text) and, for each of its incident claims, the number of its story
    (stories are numbered from `start`; a claim's story is its true incident)."""
    rnd = random.Random(f"{seed}-{start}")
    places = places or synthetic_places(max(2000, n // 20))
    made, nxt = 0, start * 4
    while made < n:
        story, nxt = nxt, nxt + 1
        place, day = rnd.choice(places), START + timedelta(days=rnd.randrange(DAYS))
        typ, perp, killed = rnd.choice(TYPES), rnd.choice(PERPS), rnd.randint(1, 30)
        for _ in range(min(n - made, rnd.choice([1, 1, 2, 2, 3]))):
            published = day + timedelta(days=rnd.choice([0, 0, 1, 2]))
            claims, stories = [_claim(rnd, place, day, typ, perp, max(0, killed + rnd.choice([0, 0, -1, 1])))], [story]
            if rnd.random() < 0.2:  # a second, unrelated incident told in the same report
                other = rnd.choice(places)
                claims.append(_claim(rnd, other, day, rnd.choice(TYPES), rnd.choice(PERPS), rnd.randint(1, 20)))
                stories.append(nxt)
                nxt += 1
            text = " ".join(c["evidence"][0] for c in claims) + ". " + " ".join(rnd.choices(WORDS, k=60))
            doc_id = f"{prefix}-{made + start}"  # (stories are numbered from `start` too: unique across calls)
            yield ({"doc_id": doc_id, "url": f"https://example.org/{prefix}/{made + start}",
                    "published": published.isoformat(), "reports_incident": True, "incidents": claims,
                    "totals": [], "ceasefires": [], "text": text}, stories)
            made += 1


class _Writer:
    """Rows buffered per table and written with the driver's own multi-row statements."""

    COLUMNS = {
        "reports": ["id", "content_hash", "doc_id", "url", "published", "reports_incident", "copy_group", "minhash",
                    "ingested_at", "payload", "text", "sample"],
        "report_bands": ["band", "bucket", "report_id", "published"],
        "incident_claims": ["id", "claim_key", "report_id", "idx", "incident_id", "type", "fuse_date", "gazetteer_id",
                            "name_key", "matched_key", "lat", "lon", "payload", "skeleton_key"],
        "incidents": ["id", "date", "type", "country_key", "admin1_key", "perpetrator_key", "lat", "lon", "killed",
                      "grade", "record", "cell", "killed_low", "killed_high"],
        "incident_actors": ["incident_id", "actor_key"],
    }

    def __init__(self, conn) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.raw = conn.connection.driver_connection
        self.rows: dict[str, list[tuple]] = {t: [] for t in self.COLUMNS}

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)
        if len(self.rows[table]) >= 20_000:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        order = list(self.COLUMNS)  # reports first, incidents before their actors: rows refer to earlier tables
        for t in order[:order.index(table) + 1] if table else order:
            rows, self.rows[t] = self.rows[t], []
            if not rows:
                continue
            cols = self.COLUMNS[t]
            if self.pg:
                with self.raw.cursor() as cur, cur.copy(f"COPY {t} ({', '.join(cols)}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row(r)
            else:
                self.raw.executemany(f"INSERT INTO {t} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                     rows)


def _incident_record(iid: str, claims: list[dict[str, Any]], metas: list[dict[str, Any]]) -> dict[str, Any]:
    """A fused-looking record without running fusion (fusion is what the benchmarks time)."""
    c0 = claims[0]
    kills = sorted(c["killed"] for c in claims)
    best = kills[(len(kills) - 1) // 2]
    return {"id": iid, "date": c0["date"], "date_precision": "day", "type": c0["type"], "perpetrator": c0["perpetrator"],
            "location": c0["location"], "killed": best, "killed_qualifier": "exact", "killed_low": kills[0],
            "killed_high": kills[-1], "killed_best": best, "injured": None, "victims": "civilians",
            "children_killed": None, "women_killed": None,
            "perpetrators": [{"perpetrator": c0["perpetrator"], "sources": len(claims)}] if c0["perpetrator"] else [],
            "grade": ["weak", "fair", "confirmed"][min(len(claims), 3) - 1], "reports": len(claims),
            "independent_sources": len(claims), "place_names": [c0["location"]["name"]],
            "sources": [{"doc_id": m["doc_id"], "url": m["url"], "published": m["published"], "killed": c["killed"],
                         "reported_by": c["sources"], "perpetrator": c["perpetrator"]} for c, m in zip(claims, metas)],
            "evidence": c0["evidence"]}


def bulk_load(store: Store, n: int, seed: int = 1, places: list[dict[str, Any]] | None = None, first: int = 0,
              kept: list[dict[str, Any]] | None = None, keep: int = 5000) -> dict[str, int]:
    """Append `n` synthetic reports to a store (numbered from `first`: load a store in steps with
    growing `first`), fused by their stories (see the module docstring). `kept`, when given, gathers
    a uniform sample of up to `keep` loaded claims (with their report's publication date), for
    retelling later. Returns counts of reports, claims and incidents written."""
    rnd = random.Random(f"{seed}-{first}")
    places = places or synthetic_places(max(2000, n // 20))
    now = datetime.now(timezone.utc)
    bands = len(_lsh_ranges())
    counts = {"reports": 0, "claims": 0, "incidents": 0}
    seen_claims = len(kept or [])
    with store.engine.begin() as conn:
        w = _Writer(conn)
        pg = w.pg
        if not pg:  # a large page cache for the load only (random index inserts), the store's own after
            cache = w.raw.execute("PRAGMA cache_size").fetchone()[0]
            w.raw.execute("PRAGMA cache_size=-400000")
        base_report = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM reports").scalar()
        claim_id = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM incident_claims").scalar()

        def val(v: Any) -> Any:  # what the driver takes for a date, a time, a flag or a JSON document
            if isinstance(v, (dict, list)):
                return json.dumps(v)
            if pg:
                return v
            if isinstance(v, datetime):
                return v.strftime("%Y-%m-%d %H:%M:%S.%f")
            if isinstance(v, date):
                return v.isoformat()
            return int(v) if isinstance(v, bool) else v

        open_stories: dict[int, tuple[list, list, list]] = {}  # story -> (claims, metas, claim keys)

        def close(story: int) -> None:
            claims, metas, keys = open_stories.pop(story)
            iid = fuse.incident_id(keys)
            for k in keys:
                claim_rows[k] = claim_rows[k][:4] + (iid,) + claim_rows[k][5:]
                w.add("incident_claims", claim_rows.pop(k))
            cols = _incident_columns(_incident_record(iid, claims, metas))
            w.add("incidents", tuple(val(cols[c]) for c in _Writer.COLUMNS["incidents"]))
            rec = cols["record"]
            for key in sorted(actor_keys(rec.get("perpetrator"), rec.get("perpetrators"))):
                w.add("incident_actors", (iid, key))
            counts["incidents"] += 1

        claim_rows: dict[str, tuple] = {}
        last_story = -1
        for rid, (rep, stories) in enumerate(report_stream(n, seed, places, start=first), start=base_report + 1):
            h = content_hash(rep)
            published = date.fromisoformat(rep["published"])
            payload = {k: v for k, v in rep.items() if k != "text"}
            minhash = rnd.randbytes(4 * NUM_PERM)
            w.add("reports", tuple(val(v) for v in (rid, h, rep["doc_id"], rep["url"], published, True, h, minhash,
                                                    now, payload, rep["text"], False)))
            for b in range(bands):
                w.add("report_bands", (b, rnd.getrandbits(63) - (1 << 62), rid, val(published)))
            meta = {"doc_id": rep["doc_id"], "url": rep["url"], "published": rep["published"]}
            for idx, (claim, story) in enumerate(zip(rep["incidents"], stories)):
                claim_id += 1
                key = fuse.claim_key(h, idx)
                cols = _claim_columns(claim, rep["published"])
                claim_rows[key] = tuple(val(v) for v in (
                    claim_id, key, rid, idx, None, cols["type"], cols["fuse_date"], cols["gazetteer_id"],
                    cols["name_key"], cols["matched_key"], cols["lat"], cols["lon"], claim, cols["skeleton_key"]))
                entry = open_stories.setdefault(story, ([], [], []))
                entry[0].append(claim)
                entry[1].append(meta)
                entry[2].append(key)
                counts["claims"] += 1
                if kept is not None:  # reservoir sampling
                    seen_claims += 1
                    if len(kept) < keep:
                        kept.append({**claim, "published": rep["published"]})
                    elif rnd.random() < keep / seen_claims:
                        kept[rnd.randrange(keep)] = {**claim, "published": rep["published"]}
            counts["reports"] += 1
            main_story = stories[0]
            if main_story != last_story:  # stories are told in order: the ones before are complete
                for s in [s for s in open_stories if s < main_story]:
                    close(s)
                last_story = main_story
        for s in sorted(open_stories):
            close(s)
        w.flush()
        if not pg:
            w.raw.execute(f"PRAGMA cache_size={int(cache)}")
        if pg:  # the id sequences continue after the loaded rows
            for t in ("reports", "incident_claims"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    if store.engine.dialect.name == "sqlite":  # fold the load's write-ahead log into the file now, not
        with store.engine.connect() as conn:  # in the first commit a benchmark times afterwards
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts
