"""Who and what is named in a case, and one placeholder for each of them.

Names come first from the records (the client, interview contacts and their organisations),
then from every free text of the case: a name after a title ("Ms O'Neill", in any case), runs
of capitalised words, organisations with a legal suffix in any case, streets named without a
number. Once known, a name is replaced wherever it is written, in any letter case, with or
without accents, straight or curly apostrophes, hyphens or spaces, a title or a possessive:
"Siobhan", "Ms O'Neill", "o’neill's" and "SIOBHAN O'NEILL" are one person, one placeholder.
A first name or surname alone is that person's when only one person has it; a part that two
people share gets a placeholder naming both ("Person A or Person C"), never the name itself.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..model.vocab import SKILLS_FOR_SUCCESS
from .spans import Span

APOSTROPHES = "'’‘`ʼ"
DASHES = "‐‑‒–—-"  # the hyphen last, so it stays literal in a character class
TITLE = r"(?:mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|madam|madame|mme|mlle|rev|revd|lady|lord)"
UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
NOT_NAME = rf"(?!(?i:{TITLE}|and|or|&)\b)"  # "Mr and Mrs Jones": Jones is Mrs Jones
TITLED = re.compile(
    rf"(?<![\w])(?i:{TITLE})\.?\s+({NOT_NAME}(?:[^\W\d_][\w'’‘-]*)"
    rf"(?:\s+{NOT_NAME}[{UPPER}][\w'’‘-]*)?)"
)
WORD = rf"[{UPPER}][\w'’‘`ʼ‐‑-]*"
CAPITALISED = re.compile(
    rf"(?<![\w@.'’‘`ʼ‐‑-])({WORD}(?:\s+(?:(?:of|de|del|da|van|von|der|la|le|du|bin|al|and|&)\s+)?{WORD})*)"
)
LEGAL = re.compile(
    r"(?i)(?<![\w&'’.-])((?:[^\W\d_][\w&'’-]*\.?\s+){1,4}"
    r"(?:ltd|limited|inc|llc|llp|plc|corp|corporation|gmbh|co-op|cooperative|pty))\b\.?"
)
ORGANISATION_WORDS = {
    "ltd", "limited", "inc", "llc", "llp", "plc", "corp", "corporation", "company", "co",
    "group", "holdings", "bank", "mutual", "insurance", "assurance", "health", "healthcare",
    "hospital", "clinic", "college", "university", "school", "academy", "institute", "centre",
    "center", "council", "trust", "foundation", "society", "association", "agency", "services",
    "solutions", "partners", "consulting", "labs", "library", "ministry", "department", "nhs",
    "authority", "board", "church", "club", "hotel", "cafe", "café", "restaurant", "stores",
    "store", "shop", "market", "logistics", "systems", "technologies", "tech", "software",
    "media", "studio", "studios", "network", "federation", "union", "charity", "press",
    "airlines", "motors", "energy", "foods", "pharmacy", "care", "homes", "housing", "museum",
    "county", "city", "borough", "district", "office", "bureau", "commission", "firm", "works",
    "collective", "arts", "learning", "trustees",
}  # fmt: skip
STREET_WORDS = {"street", "road", "avenue", "lane", "close", "crescent", "drive", "boulevard",
                "terrace", "grove", "gardens", "square", "mews", "parkway", "way"}  # fmt: skip
# Capitalised words that are not names: function words, sentence openers, calendar words,
# the method's own vocabulary and the usual acronyms of a career conversation.
COMMON = {
    "i", "a", "an", "the", "she", "he", "they", "her", "his", "their", "them", "him", "we", "you",
    "it", "its", "my", "our", "your", "me", "us", "this", "that", "these", "those", "and", "or",
    "but", "if", "when", "by", "for", "in", "on", "at", "to", "of", "with", "no", "not", "yes",
    "both", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "first", "second", "third", "next", "last", "after", "before", "since", "then", "there",
    "here", "what", "why", "how", "where", "who", "whom", "which", "while", "during", "every",
    "each", "some", "most", "many", "much", "more", "less", "later", "today", "tomorrow",
    "yesterday", "also", "so", "as", "from", "into", "about", "over", "under", "between", "once",
    "until", "because", "although", "though", "maybe", "perhaps", "all", "any", "none", "just",
    "only", "still", "even", "again", "now", "soon", "never", "always", "often", "sometimes",
    "is", "was", "are", "were", "be", "been", "has", "have", "had", "do", "did", "does", "will",
    "would", "can", "could", "should", "shall", "might", "must", "may", "let", "let's", "ok",
    "okay", "hi", "hello", "dear", "thanks", "thank", "please", "note", "notes", "re", "via",
    "per", "vs", "etc", "eg", "ie", "am", "pm", "hr", "cv", "ceo", "cfo", "coo", "cto", "uk",
    "usa", "eu", "ai", "ui", "ux", "qa", "pr", "id", "tv", "faq", "gp", "mba", "phd",
    "bsc", "ba", "ma", "msc", "cpd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "january", "february", "march", "april", "june", "july",
    "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    "spring", "summer", "autumn", "fall", "winter", "christmas", "easter", "step", "steps",
    "gibbs", "driscoll", "kolb", "smart", "résumé", "resume", "linkedin", "english", "french",
    "client", "person", "organisation", "name", "street", "link", "email", "phone", "handle",
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord", "dob",
    "people", "team", "manager", "director", "lead", "coordinator", "officer",
    "goal", "plan", "action", "idea", "ideas", "story", "stories", "interview", "check-in",
    *(w.lower() for s in SKILLS_FOR_SUCCESS for w in s.split()),
}  # fmt: skip
SHORT_WORDS = {"am", "an", "as", "at", "be", "by", "do", "go", "he", "hi", "if", "in", "is",
               "it", "me", "my", "no", "of", "oh", "ok", "on", "or", "so", "to", "up", "us",
               "we", "ah", "eh", "ha", "la", "le", "de", "da", "du", "al"}  # fmt: skip
PARTICLES = {"de", "del", "da", "van", "von", "der", "la", "le", "du", "bin", "al", "and", "of"}
PLACEHOLDER = re.compile(r"(?:Person|Organisation|Name|Street) [A-Z]+\b|(?i:the client)")


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """The form two writings of one name share: no accents, apostrophes, case or dashes."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    plain = re.sub(f"[{APOSTROPHES}]", "", plain)
    return re.sub(rf"[\s{DASHES}]+", " ", plain).strip()


def letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


@dataclass
class Entity:
    placeholder: str
    kind: str  # as the report counts it: the client's name, people, organisations...
    names: set[str] = field(default_factory=set)  # folded full names
    parts: set[str] = field(default_factory=set)  # folded words that may stand alone
    cased: set[str] = field(default_factory=set)  # words alone only when capitalised ("Will")


class Register:
    """The people, organisations and places of one case, each with its placeholder."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self.counts: dict[str, int] = {}
        self.keys: dict[str, Entity] = {}
        self._pattern: re.Pattern | None = None
        self.lower: set[str] = set()
        self.cased: set[str] = set()

    # -- what is known -----------------------------------------------------------------------
    def _new(self, label: str, kind: str) -> Entity:
        n = self.counts[label] = self.counts.get(label, 0) + 1
        entity = Entity(f"{label} {letters(n)}", kind)
        self.entities.append(entity)
        return entity

    def client(self, name: str, slug: str) -> None:
        entity = Entity("the client", "the client's name")
        self.entities.append(entity)
        self._name(entity, name)
        self._name(entity, slug.replace("-", " "))

    def person(self, name: str, kind: str = "names of other people") -> Entity:
        key = fold(_untitled(name))
        if key in self.keys:
            return self.keys[key]
        for entity in self.entities:
            if entity.kind != "organisations" and any(_same(key, n) for n in entity.names):
                self._name(entity, name)
                return entity
        entity = self._new("Person", kind)
        self._name(entity, name)
        return entity

    def organisation(self, name: str) -> Entity | None:
        key = fold(name)
        if not key.strip("&.,"):
            return None
        if key in self.keys:
            return self.keys[key]
        entity = self._new("Organisation", "organisations")
        entity.names.add(key)
        self.keys[key] = entity
        words = key.split()
        while len(words) > 1 and words[-1] in ORGANISATION_WORDS | {"&", "and", "of"}:
            words = words[:-1]  # "corran & fell insurance" is also "corran & fell"
            self.keys.setdefault(" ".join(words), entity)
        if _may_stand_alone(words[0]) and words[0] not in ORGANISATION_WORDS:
            entity.parts.add(words[0])  # its distinctive first word: "corran", "halden"
        return entity

    def street(self, name: str) -> None:
        key = fold(name)
        if key and key not in self.keys:
            entity = self._new("Street", "street names")
            entity.names.add(key)
            self.keys[key] = entity

    def other(self, word: str) -> None:
        """A capitalised word that is no one known: a name of some kind all the same."""
        key = fold(word)
        if key and key not in self.keys and not any(key in e.parts for e in self.entities):
            entity = self._new("Name", "other names")
            entity.names.add(key)
            self.keys[key] = entity

    def _name(self, entity: Entity, name: str) -> None:
        key = fold(_untitled(name))
        if not key:
            return
        entity.names.add(key)
        words = key.split()
        if len(words) > 1 or _may_stand_alone(key):  # a client named "May": only as "May"
            self.keys[key] = entity
        entity.parts |= {w for w in words if _may_stand_alone(w)}
        entity.cased |= {w for w in words if not _may_stand_alone(w) and w not in PARTICLES}
        if len(words) > 2:  # "anne smith jones": "smith jones" too
            entity.names.add(" ".join(words[1:]))
            self.keys.setdefault(" ".join(words[1:]), entity)

    def settle(self) -> None:
        """Parts that stand alone: one owner's, or a placeholder naming every owner."""
        owners: dict[str, list[Entity]] = {}
        for entity in self.entities:
            for part in entity.parts:
                owners.setdefault(part, []).append(entity)
        for part, who in owners.items():
            if part in self.keys:
                continue
            if len(who) == 1:
                self.keys[part] = who[0]
            else:
                shared = Entity(" or ".join(e.placeholder for e in who), who[0].kind)
                self.keys[part] = shared
        for entity in self.entities:
            for word in entity.cased - self.keys.keys():
                if len(word) > 1 and word.isalpha():
                    self.keys[word] = entity
                    self.cased.add(word)
        self._pattern = None

    # -- finding them in a text --------------------------------------------------------------
    def discover(self, texts: list[str]) -> None:
        """Learn the names written in ``texts`` (contact details already blanked out): full
        names first, then words alone, so a surname alone finds the full name wherever it is."""
        for text in texts:  # organisations and streets first: they are nobody's name
            for m in LEGAL.finditer(text):
                *head, suffix = _trim(m.group(1)).split()
                kept: list[str] = []
                for word in reversed(head):  # "assessor with acme widgets ltd": "acme..."
                    lower = word[:1].islower()
                    if fold(word) in COMMON or lower and (len(kept) == 2 or kept and _verb(word)):
                        break
                    kept.insert(0, word)
                if kept:
                    self.organisation(" ".join([*kept, suffix]))
            for m in CAPITALISED.finditer(text):
                self._capitalised(text, m, "places")
        # words the case writes in lower case within a sentence: "Asked Gareth" opening a
        # sentence is Gareth when "asked" is written so elsewhere
        self.lower = {w for t in texts for w in re.findall(r"(?<=[a-z,;] )[a-z][\w'’-]*", t)}
        for stage in ("people", "openings", "words"):
            for text in texts:
                for m in TITLED.finditer(text):
                    self._titled(_trim(m.group(1)), stage)
                for m in CAPITALISED.finditer(text):
                    self._capitalised(text, m, stage)
        self.settle()

    def _titled(self, name: str, stage: str) -> None:
        words = name.split()
        if not words or fold(words[0]) in COMMON:
            return
        if len(words) > 1 and fold(words[1]) not in COMMON:
            if stage == "people":
                self.person(name)
            return
        if stage != "words":
            return
        key = fold(words[0])
        if key in self.keys or any(key in e.parts for e in self.entities):
            return
        self.person(name.split()[0])

    def _capitalised(self, text: str, m: re.Match, stage: str) -> None:
        words = _trim(m.group(1)).split()
        if len(words) > 12:
            return  # a heading or a sentence in capitals, not a name
        start = m.start()
        while words and fold(words[0]) in COMMON:  # "The Ridgeview board": from "Ridgeview"
            start = text.index(words[0], start) + len(words[0])
            words = words[1:]
        while words and fold(words[-1]) in COMMON - ORGANISATION_WORDS:
            words = words[:-1]
        if not words or len(words) > 6 or PLACEHOLDER.fullmatch(" ".join(words)):
            return  # nothing, a placeholder, or a heading in capitals rather than a name
        before = text[: m.start()].rstrip()
        at_start = start == m.start() and (not before or before[-1] in '.!?:;\n"“(•*-')
        folded = [fold(w) for w in words]
        if len(words) > 1 and folded[-1] in STREET_WORDS:
            if stage == "places":
                self.street(" ".join(words))
        elif len(words) > 1 and any(w in ORGANISATION_WORDS for w in folded):
            if stage == "places":
                self.organisation(" ".join(words))
        elif len(words) > 1 and not any(w in COMMON for w in folded):
            if stage == "people" and not at_start:
                self.person(" ".join(words))
            elif stage == "openings" and at_start:
                known = any(folded[0] in e.parts for e in self.entities)
                rest = " ".join(folded[1:])
                if not known and (
                    words[0].lower() in self.lower
                    or any(w in e.parts for e in self.entities for w in folded[1:])
                    or rest in self.keys
                ):
                    words = words[1:]  # a sentence's first word, then a name
                if len(words) > 1:
                    self.person(" ".join(words))
                else:
                    self.other(words[0])
        elif (
            len(words) == 1
            and stage == "words"
            and not at_start
            and _may_stand_alone(folded[0])
            and folded[0] not in ORGANISATION_WORDS
        ):
            self.other(words[0])

    # -- replacing them ----------------------------------------------------------------------
    def spans(self, text: str) -> Iterator[Span]:
        if not self.keys:
            return
        if self._pattern is None:
            alternatives = "|".join(
                _loose(k) for k in sorted(self.keys, key=lambda k: (-len(k), k))
            )
            self._pattern = re.compile(
                rf"(?<![\w@])(?:(?:{TITLE})\.?\s+)?(?P<name>{alternatives})"
                rf"(?P<poss>[{APOSTROPHES}]s|s[{APOSTROPHES}](?=\s)|[{APOSTROPHES}](?=\s))?(?!\w)",
                re.IGNORECASE,
            )
        for m in self._pattern.finditer(text):
            key = fold(m["name"])
            entity = self.keys.get(key)
            if entity is None or key in self.cased and not m["name"][:1].isupper():
                continue
            poss = m["poss"] or ""
            suffix = "'s" if poss else ""
            yield Span(m.start(), m.end(), entity.kind, entity.placeholder + suffix)


def _untitled(name: str) -> str:
    return re.sub(rf"(?i)^{TITLE}\.?\s+", "", name.strip())


def _trim(name: str) -> str:
    """A name without a trailing possessive or punctuation."""
    name = name.strip().rstrip(".,;:" + DASHES)
    return re.sub(rf"[{APOSTROPHES}]s?$|(?<=\w)[{APOSTROPHES}]s$", "", name)


def _may_stand_alone(word: str) -> bool:
    common = word in COMMON or word.endswith("s") and word[:-1] in COMMON  # "Tuesdays"
    return len(word) >= 2 and not common and word not in SHORT_WORDS


def _verb(word: str) -> bool:
    """ "joining", "joined": a word that opens a phrase rather than a company's name."""
    return len(word) > 4 and word.lower().endswith(("ing", "ed"))


def _same(key: str, known: str) -> bool:
    """Two full names of one person: "siobhan mary oneill" and "siobhan oneill", or "pryce
    whitlock" and "gareth pryce whitlock" (a compound surname with a title)."""
    a, b = key.split(), known.split()
    if len(a) < 2 or len(b) < 2:
        return False
    return (a[0], a[-1]) == (b[0], b[-1]) or known.endswith(" " + key) or key.endswith(" " + known)


# Each letter of a folded name matches itself with any accent; an apostrophe may stand
# between any two letters ("oneill" finds "O'Neill"), a space matches spaces and dashes.
_ACCENTED: dict[str, set[str]] = {}
for _code in range(0xC0, 0x250):
    _char = chr(_code)
    _base = unicodedata.normalize("NFKD", _char)[0].lower()
    if _base.isascii() and _base.isalpha() and _char.lower() != _base:
        _ACCENTED.setdefault(_base, set()).add(_char.lower())


def _loose(key: str) -> str:
    out = []
    for i, char in enumerate(key):
        if char == " ":
            out.append(rf"[\s{DASHES}]+")
            continue
        if i and key[i - 1] != " ":
            out.append(f"[{APOSTROPHES}]?")
        variants = _ACCENTED.get(char)
        out.append(
            f"[{re.escape(char)}{''.join(sorted(variants))}]" if variants else re.escape(char)
        )
    return "".join(out)
