"""Place-name spelling keys: the one home of place-name folding, used by every stage.

Reports spell one Arabic, Ukrainian or Pashto name many ways (Kafr Taal, Kfar
Ta'al, Kafartaal, Kefer Teal, كفر تعال). Each key below absorbs that variation
to the degree its user needs:

- `exact_key` / `fold_key`: the gazetteer index and the resolver (below).
- `match_key`: whether two claims from different reports name one place
  (fusion, the store's `name_key` column, ceasefire areas); heavier than
  `exact_key` (vowels, q/k, kh/k) because no gazetteer checks it.
- `scoring_key`: the codebook's name comparison when scoring output against
  gold (`vigil eval`); generic words ("the village of") dropped, vowels kept.
- `merge_key`: two mentions in one report are one place (the extractor's
  merging); the lightest, since one author spells a name one way.
- `skeleton`: consonants only, for near places only.

The keys used by the index:

- `exact_key`: a light key (ASCII, lower case, no punctuation, no articles,
  generic words such as kafr/kfar/kefer folded to one spelling, no spaces).
  Two names with the same exact key are the same name.
- `fold_key`: a heavier transliteration fold on top (q=k, doubled letters
  collapsed, every run of vowels reduced to one `a`, final -h dropped). It
  merges spelling variants but also merges some distinct names, so a match
  on it scores lower than an exact-key match.

Both keys are computed when the gazetteer index is built, so changing this
module changes the index: the cache key includes this file's bytes.
The other keys are stored too (the store's `name_key`): change them only with
a migration that recomputes the column.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from unidecode import unidecode

# Arabic-script normalisation (hamza forms, ta marbuta, alif maqsura, diacritics).
_AR_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_AR_MAP = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ک": "ك", "ی": "ي"})
_ARABIC = re.compile(r"[\u0600-\u06FF]")

# Standalone articles and particles that transliterations add or drop freely.
ARTICLES = frozenset(
    "al el il ul ol ar er as es ash esh at et ath ad ed adh az ez an en l d".split()
)

# Generic words spelled many ways; each group folds to its first spelling.
_GENERIC_GROUPS = [
    "kafr kfar kefr kafar kefer kfer kufr kfr kafer kafir kaffr",
    "dayr deir dair der deyr dir",
    "tall tal tell tel til",
    "jabal jebel jabel jbel gebel jabl",
    "khirbat khirbet kherbet khirbit khrbet khirbeh kherbeh",
    "ayn ain ein ayin aein",
    "umm um om oum",
    "abu abou abo",
    "bayt beit bait bet beyt",
    "bir beer bi'r",
    "shaykh sheikh shaikh shekh sheik cheikh sheyk",
    "maarrat maarat marat maaret maarret ma'arrat",
    "qasr kasr",
    "hayy hay hai",
    "tarif tareef",
    "ras ra's",
    "wadi wady",
    "nahr nahar",
    # "Western Farhaniyeh" = "West Farahaniah"; spelt as the Arabic qualifier, so that the fold (w and e are
    # vowels to it) never makes "West X" and "East X" one name
    "gharbi west western", "sharqi east eastern", "shamali north northern", "janubi south southern",
]
GENERIC = {v: g.split()[0] for g in _GENERIC_GROUPS for v in g.split()}

# Prefixes that reports glue to the next word ("Kafartaal", "Deirhafer").
_GLUED = re.compile(r"^(kafr|kfar|kafar|kefer|kfr|deir|dayr|tall|tell|khirbet|khirbat|beit|bayt|ain|ein|umm)(?=[a-z]{3,})")

_APOSTROPHES = re.compile(r"[\u0027\u0060\u00b4\u2018\u2019\u02bb\u02bc\u02bd\u02be\u02bf\u02c8\u055a\u2032\u00b7]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def is_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text))


def _arabic_key(text: str) -> str:
    """Arabic-script key: one spelling per letter, no diacritics, no article, no spaces."""
    t = _AR_DIACRITICS.sub("", text).translate(_AR_MAP)
    words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in re.split(r"[\s\-_]+", t) if w]
    return "".join(words)


@lru_cache(maxsize=200_000)
def tokens(name: str) -> tuple[str, ...]:
    """Lower-case ASCII word tokens with apostrophes and ayn marks removed."""
    if name.isascii():  # most names: no accents to strip (the gazetteer index is built from ~700k)
        t = name.lower().replace("'", "").replace("`", "")
    else:
        t = _APOSTROPHES.sub("", name)
        t = unidecode(unicodedata.normalize("NFKC", t)).lower()
        t = t.replace("'", "").replace("`", "")
    return tuple(w for w in _NON_ALNUM.split(t) if w)


def _light_tokens(name: str) -> list[str]:
    out: list[str] = []
    for w in tokens(name):
        out.extend(_light_word(w))
    return out


@lru_cache(maxsize=100_000)
def _light_word(w: str) -> tuple[str, ...]:
    """One word's light form: nothing for an article, the group's spelling for a generic word, a glued
    prefix split off ("Kafartaal" -> kafr + taal), spelling noise softened."""
    if w in ARTICLES:
        return ()
    g = GENERIC.get(w)
    if g is not None:
        return (g,)
    # "Al-Bab" split already; "Albab" stays (too risky: Aleppo, Alexandria).
    m = _GLUED.match(w) if w[0] in "kdtbeau" else None
    if m:
        return GENERIC.get(m.group(1), m.group(1)), _soften(w[m.end():])
    return (_soften(w),)


_DOUBLED = re.compile(r"([a-z])\1+")


def _soften(word: str) -> str:
    """Spelling noise that never distinguishes two names: doubled letters, French ou, final -ah/-eh."""
    word = word.replace("ou", "u").replace("oo", "u").replace("ee", "i")
    word = _DOUBLED.sub(r"\1", word)
    if len(word) > 2 and word[-1] == "h" and word[-2] in "aeiou":
        word = word[:-1]
    return word


@lru_cache(maxsize=200_000)
def exact_key(name: str) -> str:
    """The light key: same key means the same name up to punctuation, case and articles."""
    if is_arabic(name):
        return "ar:" + _arabic_key(name)
    toks = _light_tokens(name)
    if not toks:  # a name made only of an article ("El") keeps it
        toks = tokens(name)
    return "".join(toks)


# Heavy fold, in order: digraphs first (ch before c->k), then single letters, then the regex steps.
_FOLD_DIGRAPHS = (("ch", "sh"), ("ph", "f"), ("dj", "j"), ("dh", "d"), ("th", "t"), ("gh", "g"), ("ck", "k"))
_FOLD_LETTERS = str.maketrans({"q": "k", "c": "k", "w": "u", "y": "i"})
_FOLD_RULES = [
    (re.compile(r"(?<=[aeiou])h(?![aeiou])"), ""),  # Hamah = Hama, Raqqah = Raqqa
    (re.compile(r"([a-z])\1+"), r"\1"),  # doubled letters
    (re.compile(r"(zh|sh|kh)\1+"), r"\1"),  # Zaporizhzhia
    (re.compile(r"[aeiou]+"), "a"),  # vowel quality is the least stable part
]


@lru_cache(maxsize=200_000)
def fold_key(name: str) -> str:
    """The heavy transliteration fold; for Arabic script the same as `exact_key`."""
    return _fold_light(exact_key(name))


@lru_cache(maxsize=200_000)
def _fold_light(key: str) -> str:
    """The heavy fold of a light key (many spellings share one light key, so this is memoised apart)."""
    if key.startswith("ar:"):
        return key
    for a, b in _FOLD_DIGRAPHS:
        key = key.replace(a, b)
    key = key.translate(_FOLD_LETTERS)
    for pattern, repl in _FOLD_RULES:
        key = pattern.sub(repl, key)
    return key


def literal(name: str) -> str:
    """The spelling itself, only case, accents and punctuation removed ('Al `Aziziyah' -> 'al aziziyah')."""
    return " ".join(tokens(name))


# Qualifiers that tell the two halves of a village pair apart ("Zifr Kabir" / "Zifr Saghir", "Baghuz
# Tahtani", "Sarha ash Shamali"): reports often drop them, so the bare name is a fallback on both sides.
_QUALIFIER = re.compile(r"(?:[\s\-]+(?:(?:al|as|ash|at|an|ar|az|ad|el|es)[\s\-]+|(?:al|as|ash|at|an|ar|az|ad)-)?"
                        r"(?:kabir|kabirah|kabira|saghir|saghirah|saghira|tahtani|tahtaniyah|fawqani|fawqaniyah|"
                        r"sharqi|sharqiyah|gharbi|gharbiyah|shamali|shamaliyah|janubi|janubiyah|qibli|qibliyah|"
                        r"wusta|mezin|bichuk))+$", re.I)
_QUALIFIER_BEFORE = re.compile(r"^(?:West|East|North|South|Upper|Lower)\s+(?=\S)")


_QUALIFIER_WORDS = frozenset("kabir kabirah kabira saghir saghirah saghira tahtani tahtaniyah fawqani fawqaniyah "
                             "sharqi sharqiyah gharbi gharbiyah shamali shamaliyah janubi janubiyah qibli qibliyah "
                             "wusta mezin bichuk".split())
_LAST_WORD = re.compile(r"[A-Za-z]+$")


def bare_name(name: str) -> str | None:
    """The name without its pair qualifier ("Zifr Kabir" -> "Zifr", "West Farahaniah" -> "Farahaniah")."""
    last = _LAST_WORD.search(name)
    m = _QUALIFIER.search(name) if last and last.group(0).lower() in _QUALIFIER_WORDS else None
    if m and m.start() > 0:
        return name[:m.start()]
    m = _QUALIFIER_BEFORE.match(name)
    return name[m.end():] if m else None


def hamlet_name(name: str) -> str | None:
    """The village a ruin or hamlet is named after ("Khirbat Jadraya" -> "Jadraya"): reports use either."""
    if name[:2].lower() != "kh":
        return None
    words = name.split(maxsplit=1)
    if len(words) == 2 and exact_key(words[0]) == GENERIC["khirbat"] and len(exact_key(words[1])) >= 4:
        return words[1]
    return None


def keys(name: str) -> tuple[str, str]:
    return exact_key(name), fold_key(name)


_VOWELS = str.maketrans("", "", "aeiouyw")


def skeleton(key: str) -> str:
    """Consonants only: 'jidarya' and 'jadraya' both give 'jdr'. Too loose alone; used only near known places."""
    return key.translate(_VOWELS)


# ---------------------------------------------------------------- the gazetteer's name index

# Words that mark an administrative unit rather than a town ("Idlib province", "Kherson Oblast").
ADMIN_WORDS = frozenset("governorate province oblast region muhafazah wilayah state countryside".split())
DISTRICT_WORDS = frozenset("district raion rayon subdistrict nahiya mintaqa".split())


def names_version() -> str:
    """Changes with this module: the shipped precomputed keys (data/gazetteer/names.tsv.gz) name the version
    they were computed with, and are recomputed at index build when it differs."""
    return hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]


_UNIT_WORDS = ADMIN_WORDS | DISTRICT_WORDS


def index_rows(place_id: int, kind: str, name: str, alt: str) -> Iterator[tuple[str, str, int, int, str]]:
    """Index rows (light key, fold key, place id, main, literal) for one place: its name (main 1) and each
    alternate (0), admin units also without 'Province', and derived short forms (-1)."""
    forms = [name] + [a for a in alt.split("|") if a]
    seen = set()
    for i, form in enumerate(forms):
        variants = [form]
        if kind != "place":
            words = form.split()
            stripped = [w for w in words if w.lower() not in _UNIT_WORDS]
            if stripped and len(stripped) < len(words):
                variants.append(" ".join(stripped))
        for v in variants:
            key = exact_key(v)
            if key and key != "ar:" and key not in seen:
                seen.add(key)
                yield key, fold_key(v), place_id, int(i == 0), literal(v)
            for rest in _derived_forms(v, kind):
                rkey = exact_key(rest)
                if len(rkey) >= 4 and rkey not in seen and rkey not in _GENERIC_KEYS:
                    seen.add(rkey)
                    yield rkey, fold_key(rest), place_id, -1, literal(rest)


_GENERIC_KEYS = frozenset(GENERIC.values())


_GLUED_ARTICLE = re.compile(r"^(?:[Ee]l|[Aa]l)(?=[a-z]{2,}$)")  # after the first word: "Hawir Elis"
_GLUED_ARTICLE_FIRST = re.compile(r"^(?:[Ee]l|[Aa]l)(?=[b-df-hj-np-tv-z][a-z]{3,}$)")  # "Almukhtariyah", not "Aleppo"


def unglued(form: str) -> str | None:
    """The name with an article glued to a word split off ("Hawir Elis" -> "Hawir is", "Dweir Elakrad" ->
    "Dweir akrad", "Almukhtariyah" -> "mukhtariyah"): OCHA's spellings glue al-/el- that reports write apart
    ("Huwayr al-Eis")."""
    words = form.split()
    split = [(_GLUED_ARTICLE if i else _GLUED_ARTICLE_FIRST).sub("", w) for i, w in enumerate(words)]
    return " ".join(split) if split != words else None


def _derived_forms(form: str, kind: str) -> list[str]:
    """Shorter names reports use for a place: "Khirbat Jadraya" -> "Jadraya" (the ruin/hamlet of X),
    "Zifr Kabir" -> "Zifr" (one of a village pair), "Hawir Elis" -> "Hawir is" (an article glued on)."""
    out = []
    if kind == "place" and ("El" in form or "Al" in form or "el" in form or "al" in form):
        apart = unglued(form)
        if apart:
            out.append(apart)
    hamlet = hamlet_name(form)
    if hamlet:
        out.append(hamlet)
    bare = bare_name(form)
    if bare and kind == "place" and not is_arabic(form):
        out.append(bare)
    return out


# ---------------------------------------------------------------- keys of the other stages

_MATCH_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bf\u02be\u00b4]")
_MATCH_ARTICLES = frozenset("al el il ul ar er as es ash esh ad ed adh az ez at et an en".split())
_MATCH_KAFR = re.compile(r"\b(?:kafr|kfar|kefer|kafar|kfr|kefr|kufr|kafer)\b")
_MATCH_GENERIC = frozenset("village town city province provinces governorate governorates district districts "
                           "subdistrict countryside area areas region regions camp neighbourhood neighborhood "
                           "of the".split())


@lru_cache(maxsize=100_000)
def match_key(name: str | None) -> str:
    """Whether two reports name one place: "Kfar Ta'al", "Kafr Taal" and "Kefer Teal" give one key
    (transliterations of one Arabic name differ mostly in vowels, doubled letters, articles, apostrophes)."""
    if not name:
        return ""
    s = unidecode(unicodedata.normalize("NFKC", name)).lower()
    s = _MATCH_APOSTROPHES.sub("", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    s = _MATCH_KAFR.sub("kfr", s)
    words = [re.sub(r"(?<=[aeiou])h$", "", w) for w in s.split()
             if w not in _MATCH_ARTICLES and w not in _MATCH_GENERIC]
    s = " ".join(words) if words else s.strip()
    s = s.replace("ou", "u").replace("q", "k").replace("dh", "d").replace("kh", "k")
    s = re.sub(r"(?<=[aeiouy])w", "u", s)
    s = re.sub(r"[aeiouy]+", "a", s)
    s = re.sub(r"(.)\1+", r"\1", s)
    return s.replace(" ", "")


_SCORING_APOSTROPHES = re.compile(r"[\'`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u00b4]")
_SCORING_ARTICLES = frozenset("al el ad ar as ash at az an ez es en ed er the".split())
_SCORING_GENERIC = frozenset("village town city hamlet neighbourhood neighborhood district camp".split())
_SCORING_VARIANTS = {
    "kafr": "kafr", "kfar": "kafr", "kefer": "kafr", "kafar": "kafr", "kfr": "kafr", "kafer": "kafr",
    "kefr": "kafr", "kfer": "kafr", "kufr": "kafr",
    "tal": "tal", "tel": "tal", "tell": "tal", "til": "tal",
    "jabal": "jabal", "jebel": "jabal", "jabel": "jabal", "jbel": "jabal",
    "ain": "ayn", "ayn": "ayn", "ein": "ayn", "ayin": "ayn",
    "deir": "dayr", "dayr": "dayr", "dair": "dayr", "der": "dayr",
    "maarat": "maarat", "maaret": "maarat", "marat": "maarat", "maarrat": "maarat", "maarra": "maarat",
}
_SCORING_KAFR_PREFIX = re.compile(r"^(?:kafar|kafer|kefer|kfar|kefr|kfer|kufr)(?=[a-z]{3})")


def scoring_key(name: str | None) -> str:
    """The codebook's name comparison: "the village of Kfar-Ta'al" -> "kafrtal" (vowels kept: scoring
    must not call two different villages one)."""
    if not name:
        return ""
    s = _SCORING_APOSTROPHES.sub("", unidecode(str(name)).lower())
    toks = [t for t in re.split(r"[^a-z0-9]+", s) if t]
    toks = _drop_generic_words(toks)
    toks = [_SCORING_VARIANTS.get(t, t) for t in toks]
    toks = [_SCORING_KAFR_PREFIX.sub("kafr", t) for t in toks]
    key = "".join(toks).replace("ou", "u")
    return re.sub(r"(.)\1+", r"\1", key)


def _drop_generic_words(toks: list[str]) -> list[str]:
    """Drop articles and words like "village"/"town of" that say what a place is, not which one."""
    kept: list[str] = []
    skip_of = False
    for t in toks:
        if t in _SCORING_GENERIC:
            skip_of = True
            continue
        if t == "of" and skip_of:
            skip_of = False
            continue
        skip_of = False
        if t in _SCORING_ARTICLES:
            continue
        kept.append(t)
    return kept or toks


@lru_cache(maxsize=65536)
def merge_key(name: str) -> str:
    """Two mentions in one report name one place ("al-Bab", "Al Bab", "Albab"): case, accents, spaces,
    hyphens, apostrophes, a leading article and doubled letters ignored."""
    s = unidecode(name).lower()
    s = re.sub(r"['`’\-\s]+", "", s)
    s = re.sub(r"^(?:al|el|ad|as|ar|at)", "", s)
    return re.sub(r"(.)\1+", r"\1", s)
