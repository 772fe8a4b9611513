"""Event cue words: what kind of violence a sentence tells, and whether it tells an act."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vigil import lexicon

# --------------------------------------------------------------------------- event cues

# Cue words for each method and for acts, read from data/event_cues.tsv (most specific type first).
_TYPE_ORDER = ["drone_strike", "airstrike", "bombing", "shelling", "shooting", "ground_clash", "other"]


@dataclass(frozen=True)
class _Cues:
    words: dict[str, tuple[str, bool]]
    pairs: dict[tuple[str, str], tuple[str, bool]]
    stems: dict[str, tuple[str, bool]]
    stem_rx: re.Pattern
    mutual: frozenset


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    """The cue table: word, pair or stem -> (type or "-", says an act took place)."""
    from vigil.lexicon import DATA_DIR

    words: dict = {}
    pairs: dict = {}
    stems: dict = {}
    mutual: set = set()
    for line in (DATA_DIR / "event_cues.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cue, kind, role = line.split("\t")[:3]
        value = (kind, role.strip() in ("act", "mutual"))
        if role.strip() == "mutual":
            mutual.add(cue)
        if "+" in cue:
            pairs.setdefault(tuple(cue.split("+")), value)
        elif cue.endswith("*"):
            stems.setdefault(cue[:-1], value)
        else:
            words.setdefault(cue, value)
    stem_rx = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")[a-z]*")
    return _Cues(words, pairs, stems, stem_rx, frozenset(mutual))


_CUE_WORD = re.compile(r"[a-z]+")
_WORD = re.compile(r"[a-z]+")
# A clause that only sets the scene for the act: "clashed ... amid airstrikes", "backed by artillery".
_BACKGROUND = re.compile(r"\b(?:amid|amidst|accompanied by|coincid(?:ed|ing) with|backed by|supported by|covered by|"
                         r"with the (?:support|cover|help) of|under (?:the )?cover of|where|while)\b", re.I | re.A)


@lru_cache(maxsize=1)
def _cue_gate() -> tuple[frozenset[str], tuple[str, ...]]:
    """Every word that can start a cue, and every stem: a sentence with none of them has no cue."""
    cues = _cues()
    return frozenset(cues.words) | frozenset(p[0] for p in cues.pairs), tuple(cues.stems)


_VERB_AFTER_TO = frozenset({"combat", "battle", "clash", "fight"})
# A capitalised word after a two-word cue makes the pair part of an institution's name.
_INSTITUTION_AFTER = re.compile(r"\s+(?:Intelligence|Academy|College|Directorate|Headquarters|Command|University)\b")


@lru_cache(maxsize=4096)
def cue_mentions(sentence: str) -> tuple[tuple[int, int, str, bool], ...]:
    """Every cue in the sentence: (start, end, type or "-", is an act), in text order (memoised: the
    gate, the typing and the act tests all read the same sentence)."""
    firsts, stems = _cue_gate()
    words = _words(sentence)
    if firsts.isdisjoint(words) and not any(w.startswith(stems) for w in words):
        return ()
    cues = _cues()
    lower = sentence.lower()
    toks = [(m.start(), m.end(), m.group()) for m in _CUE_WORD.finditer(lower)]
    out = []
    for i, (a, b, w) in enumerate(toks):
        if i + 1 < len(toks):
            pair = cues.pairs.get((w, toks[i + 1][2]))
            if pair and _INSTITUTION_AFTER.match(sentence, toks[i + 1][1]):
                continue  # "the Air Force Intelligence": a security branch, not aircraft
            if pair:
                out.append((a, toks[i + 1][1], *pair))
                continue
        hit = cues.words.get(w)
        if hit and w in _VERB_AFTER_TO and i and toks[i - 1][2] == "to":
            continue  # "seeks to combat militant attacks": a purpose, not a battle
        if hit:
            out.append((a, b, *hit))
    for m in cues.stem_rx.finditer(lower):
        stem = next(s for s in cues.stems if m.group().startswith(s))
        out.append((m.start(), m.end(), *cues.stems[stem]))
    return tuple(sorted(set(out)))


@lru_cache(maxsize=4096)
def only_mutual_acts(sentence: str) -> bool:
    """Is every act the sentence tells one that both sides fought ("clashes between A and B")?"""
    cues = _cues()
    lower = sentence.lower()
    acts = [(a, b) for a, b, _, act in cue_mentions(sentence) if act]
    background = _BACKGROUND.search(sentence) if len(acts) > 1 else None
    if background and any(a < background.start() for a, _ in acts):
        acts = [(a, b) for a, b in acts if a < background.start()]  # "clashed ... amid airstrikes": the clash

    def mutual(a: int, b: int) -> bool:
        word = lower[a:b]
        return (word.replace(" ", "+") in cues.mutual
                or any(word.startswith(m.rstrip("*")) and m.endswith("*") for m in cues.mutual)
                or bool(_EXCHANGED.search(lower, max(0, a - 14), a) or _EXCHANGE_AFTER.match(lower, b)))

    return bool(acts) and all(mutual(a, b) for a, b in acts)


_EXCHANGED = re.compile(r"(?:mutual|exchanged|exchange of|exchanging|traded)\s+$")  # "mutual shelling"
_EXCHANGE_AFTER = re.compile(r"\s+exchanges?\b")  # "a shelling exchange"


def has_act(sentence: str) -> bool:
    """Does the sentence tell that an act of violence took place (not only name a weapon)?
    Monitors' counts of fire ("observed 12 explosions near X") tell acts too."""
    return any(act for _, _, _, act in cue_mentions(sentence)) or (
        ("observ" in sentence or "record" in sentence or "heard" in sentence) and bool(_OBSERVED_FIRE.search(sentence)))


_OBSERVED_FIRE = re.compile(r"\b(?:observed|recorded|registered|counted|heard)\b[^.;]{0,40}?\b(?:explosions|shots|"
                            r"projectiles|bursts(?: of fire)?|blasts|rounds)\b", re.I | re.A)


# Words that say an attack happened but not how ("strikes", "raids", "attacks", "the bombardment") are
# not listed: they never decide the type on their own.
# Words that show a sentence speaks of violence; a set lookup per word is several times faster than a regex.
_VIOLENT_WORDS = frozenset("""kill killed killing kills dead died death deaths wounded injured injuring injuries
strike strikes attack attacks attacked shelling shelled clashes massacre massacres massacred slaughtered butchered martyred hit targeted struck blast bodies
body raid raids victim victims toll slain executed shot fire fired fires missile missiles rocket rockets drone drones
gunman gunmen raided stormed offensive fighting battle battles assault assaults casualty casualties encounter
encounters""".split())
_VIOLENT_STEMS = ("bomb", "explo", "shell", "bombard", "perish", "murder", "ambush", "casualt")


_CASUALTY_WORDS = frozenset("""kill killed killing kills dead died dies death deaths wounded wounding injured injuring
injuries injury hurt casualty casualties bodies body corpses victims victim toll slain executed massacre massacred slaughtered butchered martyred
perished murdered beheaded fatalities lives neutralised neutralized neutralising neutralizing
assassinated assassinating assassination assassinations""".split())


def speaks_of_casualties(sentence: str) -> bool:
    return not _CASUALTY_WORDS.isdisjoint(_words(sentence))


@lru_cache(maxsize=256)
def _words(sentence: str) -> tuple[str, ...]:
    """The lower-case words of a sentence, shared by the word-list tests."""
    return tuple(_WORD.findall(sentence.lower()))


def is_violent(sentence: str) -> bool:
    """Does the sentence speak of violence at all? (the gate before the detailed finders)"""
    words = _words(sentence)
    if not _VIOLENT_WORDS.isdisjoint(words) or "lost their lives" in sentence.lower():
        return True
    if not _act_words().isdisjoint(words) or any(w.startswith(_act_stems()) for w in words):
        return has_act(sentence)
    return any(w.startswith(_VIOLENT_STEMS) for w in words)


@lru_cache(maxsize=1)
def _act_stems() -> tuple[str, ...]:
    return tuple(s for s, (_, act) in _cues().stems.items() if act)


@lru_cache(maxsize=1)
def _act_words() -> frozenset[str]:
    """Single words that can start an act cue: the cheap gate before reading a sentence's cues."""
    cues = _cues()
    firsts = [w for w, (_, act) in cues.words.items() if act] + [p[0] for p, (_, act) in cues.pairs.items() if act]
    return frozenset(firsts)


# Words without which a sentence holds no date: most tolls ("12 people") need no date parsing.
_DATE_TRIGGER = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b|"
    r"\b(?i:today|tonight|yesterday|overnight|ago|earlier|later|since|past|last|this|next|previous|"
    r"hours?|days?|weeks?|months?|years?|weekend|night|morning|afternoon|evening|dawn|midnight)\b|"
    r"\b\d{4}\b|\b\d{1,2}[/.-]\d{1,2}\b", re.A)
_CEASEFIRE_CUE = re.compile(r"cease-?fire|truce|hostilities|armistice|de-?escalation|pause|halt|suspend|"
                            r"stand down|humanitarian break|cease firing", re.I | re.A)


def event_types(sentence: str) -> list[str]:
    """Types whose specific cue words occur, most specific first; generic words ("strikes") do not count.

    Cues in a scene-setting clause ("clashed with rebels amid airstrikes") count only when the act
    itself names no method."""
    cues = [c for c in cue_mentions(sentence) if c[2] != "-"]
    if not cues:
        return []
    m = _BACKGROUND.search(sentence) if len({c[2] for c in cues}) > 1 else None
    if m:
        main = [c for c in cues if c[0] < m.start()]
        if any(t != "other" for _, _, t, _ in main):
            cues = main
    found = {t for _, _, t, _ in cues}
    if "other" in {t for _, _, t, act in cues if act} and not {t for _, _, t, act in cues if act} & {"shooting"}:
        found.discard("shooting")  # "gunmen abducted a trader": the act is the abduction, not a shooting
    acts = {t for _, _, t, act in cues if act}
    if "ground_clash" in found and "shooting" not in acts:
        found.discard("shooting")  # "loyal gunmen clashed with rebels", "grenade launchers and small arms": a clash
    lower = sentence.lower()
    if {"ground_clash", "shelling"} <= acts:
        fired = [(a, b) for a, b, t, act in cues if t == "shelling" and act]
        if all(_EXCHANGED.search(lower, max(0, a - 14), a) or _EXCHANGE_AFTER.match(lower, b) for a, b in fired):
            found.discard("shelling")  # "clashes accompanied by exchanged shelling": the clash is the act
    if found & {"bombing"} and _OBSERVED_BLASTS.search(lower) and not _BOMB_WORDS.search(lower):
        found = (found - {"bombing"}) | {"shelling"}  # "monitors recorded 40 explosions": fire, not a bomb
    elif "bombing" in found and found & _FIRED and not _BOMB_WORDS.search(lower) \
            and not {t for _, _, t, act in cues if act} - {"bombing"} - _FIRED \
            and all(t == "bombing" for _, _, t, act in cues if act and t not in _FIRED) \
            and all(_EXPLOSION.fullmatch(sentence[a:b].lower()) for a, b, t, act in cues if t == "bombing"):
        found.discard("bombing")  # "five shells exploded": the explosion is the shell's, not a bomb's
    return [t for t in _TYPE_ORDER if t in found and t != "other"] + (["other"] if "other" in found else [])


_FIRED = {"shelling", "airstrike", "drone_strike"}
_EXPLOSION = re.compile(r"explo\w*|blasts?")
# Explosions counted by observers along a front are incoming fire; a bomb is named as one.
_OBSERVED_BLASTS = re.compile(r"\b(?:observed|recorded|heard|registered|counted)\b[^.;]{0,60}\bexplosions\b|"
                              r"\bexplosions\b[^.;]{0,30}\b(?:were|was)\s+(?:observed|recorded|heard)")
_BOMB_WORDS = re.compile(r"\b(?:bombs?|ied|ieds|car bomb|suicide|explosive device|landmines?|mines?|grenades?)\b")


def generic_type(sentence: str) -> str | None:
    """What a sentence with only generic words ("the bombardment") suggests, if anything."""
    words = set(_WORD.findall(sentence.lower()))
    return "shelling" if words & {"bombardment", "bombardments", "bombarded", "munition", "munitions",
                                  "projectile", "projectiles"} else None


