"""Place-name normalisation shared by the gazetteer index and the resolver.

Reports spell one Arabic, Ukrainian or Pashto name many ways (Kafr Taal, Kfar
Ta'al, Kafartaal, Kefer Teal, كفر تعال). Two keys absorb that variation:

- `exact_key`: a light key (ASCII, lower case, no punctuation, no articles,
  generic words such as kafr/kfar/kefer folded to one spelling, no spaces).
  Two names with the same exact key are the same name.
- `fold_key`: a heavier transliteration fold on top (q=k, doubled letters
  collapsed, every run of vowels reduced to one `a`, final -h dropped). It
  merges spelling variants but also merges some distinct names, so a match
  on it scores lower than an exact-key match.

Both keys are computed when the gazetteer index is built, so changing this
module changes the index: the cache key includes this file's bytes.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
    t = _APOSTROPHES.sub("", name)
    t = unidecode(unicodedata.normalize("NFKC", t)).lower()
    t = t.replace("'", "").replace("`", "")
    return tuple(w for w in _NON_ALNUM.split(t) if w)


def _light_tokens(name: str) -> list[str]:
    out: list[str] = []
    for w in tokens(name):
        if w in ARTICLES:
            continue
        g = GENERIC.get(w)
        if g is not None:
            out.append(g)
            continue
        # "Al-Bab" split already; "Albab" stays (too risky: Aleppo, Alexandria).
        m = _GLUED.match(w) if w[0] in "kdtbeau" else None
        if m:
            out.append(GENERIC.get(m.group(1), m.group(1)))
            w = w[m.end():]
        out.append(_soften(w))
    return out


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
    key = exact_key(name)
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


def bare_name(name: str) -> str | None:
    """The name without its pair qualifier ("Zifr Kabir" -> "Zifr", "West Farahaniah" -> "Farahaniah")."""
    m = _QUALIFIER.search(name)
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
