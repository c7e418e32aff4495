"""Contact details and places written in free text: links, e-mail addresses, handles, phone
numbers (found by Google's libphonenumber rules, through ``phonenumbers``), street addresses,
house numbers, postcodes (UK, Canadian, US, Australian) and other long numbers.

Links and e-mail addresses are replaced whole, whatever they hold (a profile link carries a
surname); the same address keeps the same placeholder. Addresses and postcodes are not kept at
all: a placeholder in brackets says only that one was there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import phonenumbers

from .spans import Span

TRAILING = ".,;:!?)]}>'\"’”"
LINK = re.compile(
    r"(?i)(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"]+"
    r"|(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|org|net|edu|gov|info|biz|io|co|ca|uk|au|us|nz|ie|me|ly|app|dev|page|site|online)"
    r"\b(?:/[^\s<>\"]*)?"
)
EMAIL = re.compile(
    r"(?i)(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    # written out against harvesters: "s.oneill (at) gmail (dot) com", "s.oneill at gmail dot com"
    r"|(?<![\w.+-])[\w.+-]+\s*(?:[(\[]at[)\]]|\sat\s)\s*[\w-]+"
    r"(?:\s*(?:[(\[]dot[)\]]|\sdot\s)\s*[a-z]{2,}\b)+"
)
HANDLE = re.compile(r"(?<![\w.@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
PHONE_REGIONS = ("GB", "US", "CA", "AU", "IE", "NZ")
# A run of seven digits or more with the usual separators: a number phonenumbers would not
# call possible in any region (a made-up 555 number, a number without its area code).
PHONE_LIKE = re.compile(r"(?<![\w/])\+?\(?\d[\d ().-]{5,}\d(?:\s*(?:ext|x)\.?\s*\d{1,5})?(?![\w/])")
DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[.-]\d{1,2}[.-]\d{2,4}")

STREET = (
    r"street|st|road|rd|avenue|ave|lane|ln|close|crescent|cres|drive|dr|way|court|ct|place|pl|"
    r"boulevard|blvd|terrace|tce|grove|gardens|gdns|square|sq|row|mews|hill|parkway|pkwy|"
    r"circle|cir|highway|hwy|walk|rise|green|heights|quay|wharf|parade|esplanade|trail|wynd|"
    r"park|view|vale|gate|grn"
)
UNIT = r"(?:flat|apt|apartment|unit|suite|ste|room|rm|floor|po\s+box|p\.o\.\s+box)"
ADDRESS = re.compile(
    rf"(?i)(?<![\w/])(?:{UNIT}\.?\s*#?\w+,?\s+)?\d{{1,5}}[a-z]?(?:[-/]\d{{1,5}}[a-z]?)?,?\s+"
    rf"((?:[a-z][\w'’.-]*\s+){{1,3}})(?:{STREET})\b\.?"
)
NAMED_STREET = re.compile(rf"(?<![\w'’-])((?:[A-Z][\w'’-]*\s+){{1,3}})(?i:{STREET})\b\.?")
HOUSE_NUMBER = re.compile(
    rf"(?i)(?<![\w])(?:(?:house\s+)?(?:number|no\.?|num\.?)|{UNIT}\.?)\s*#?\d+[a-z]?\b"
)
US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|"
    "NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)
POSTCODE = re.compile(
    # UK (outward code, optional space, inward code), any letter case
    r"(?i:(?<![\w])(?:gir ?0aa|[a-z]{1,2}\d[a-z\d]? ?\d[abd-hjlnp-uw-z]{2})(?![\w]))"
    # Canada: letter digit letter, digit letter digit
    r"|(?i:(?<![\w])[abceghj-nprstvxy]\d[abceghj-nprstv-z][ -]?\d[abceghj-nprstv-z]\d(?![\w]))"
    # US: a state's two capitals and a ZIP code, a ZIP+4 anywhere, or a ZIP named as one
    rf"|(?<![\w])(?:{US_STATES}),?\s+\d{{5}}(?:-\d{{4}})?(?!\d)"
    r"|(?<![\w-])\d{5}-\d{4}(?![\w-])"
    r"|(?i:\b(?:zip|post)\s*(?:code)?:?\s*\d{4,5}(?:-\d{4})?\b)"
    # Australia: a state or territory and four digits
    r"|(?i:(?<![\w])(?:nsw|vic|qld|sa|wa|tas|nt|act),?\s+\d{4}(?!\d))"
)
# Any other run of five digits or more (a ZIP code alone, an account or staff number), unless
# it is money or a count ("$52000", "52000 a year" stays when written with a currency sign).
LONG_NUMBER = re.compile(r"(?<![\w$£€¥.,])\d{5,}(?![\w%]|[.,]\d)")
# A UK National Insurance number, a US Social Security number (before phone numbers).
ID_NUMBER = re.compile(
    r"(?i:(?<![\w])[a-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[a-d](?![\w]))"
    r"|(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])"
)
NOT_STREET = {
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "for", "by", "with", "from",
    "minutes", "minute", "mins", "hours", "hour", "days", "day", "weeks", "week", "months",
    "years", "times", "people", "km", "miles", "metres", "meters", "steps", "more", "other",
    "new", "long", "short", "good", "nice", "quiet", "busy", "very", "was", "is", "her", "his",
    "their", "our", "my", "your", "its", "this", "that", "every", "each", "per", "out", "down",
}  # fmt: skip


class Contacts:
    """Detectors sharing one set of placeholders (``email A``, ``link B``, ``phone C``)."""

    def __init__(self, placeholder: Callable[[str, str], str]) -> None:
        self.placeholder = placeholder

    def detectors(self) -> list[Callable[[str], Iterator[Span]]]:
        return [self.links_and_emails, self.phones]

    def links_and_emails(self, text: str) -> Iterator[Span]:
        for m in EMAIL.finditer(text):
            yield Span(m.start(), m.end(), "e-mail addresses", self.placeholder(m.group(), "email"))
        for m in LINK.finditer(text):
            found = m.group().rstrip(TRAILING)
            end = m.start() + len(found)
            yield Span(m.start(), end, "links", self.placeholder(found, "link"))
        for m in HANDLE.finditer(text):
            yield Span(
                m.start(), m.end(), "social media handles", self.placeholder(m.group(), "handle")
            )

    def phones(self, text: str) -> Iterator[Span]:
        # phonenumbers reads each stretch of digits that could be a number (a long run of
        # digits is no phone number, and reading it whole would take phonenumbers long)
        for run in PHONE_LIKE.finditer(text):
            if len(run.group()) > 40:
                continue
            for region in PHONE_REGIONS:
                for m in phonenumbers.PhoneNumberMatcher(
                    run.group(), region, phonenumbers.Leniency.POSSIBLE
                ):
                    digits = re.sub(r"\D", "", m.raw_string)
                    if len(digits) >= 7 and not DATE_LIKE.fullmatch(m.raw_string.strip()):
                        start = run.start() + m.start
                        yield Span(
                            start,
                            run.start() + m.end,
                            "phone numbers",
                            self.placeholder(digits, "phone"),
                        )
        for m in PHONE_LIKE.finditer(text):
            found = m.group().rstrip(".-( ")
            digits = re.sub(r"\D", "", found)
            if len(digits) >= 7 and not DATE_LIKE.fullmatch(found):
                end = m.start() + len(found)
                yield Span(m.start(), end, "phone numbers", self.placeholder(digits, "phone"))


def places(text: str) -> Iterator[Span]:
    """Street addresses, postcodes and house numbers, replaced by a bracketed kind."""
    for m in ADDRESS.finditer(text):
        words = m.group(1).lower().split()
        if not any(w.strip(".,") in NOT_STREET for w in words):
            yield Span(m.start(), m.end(), "street addresses", "[street address]")
    for m in POSTCODE.finditer(text):
        yield Span(m.start(), m.end(), "postcodes", "[postcode]")
    for m in HOUSE_NUMBER.finditer(text):
        yield Span(m.start(), m.end(), "house numbers", "[house number]")


def named_streets(text: str) -> Iterator[tuple[int, int]]:
    """Where a street is named without a number ("on Larkspur Close"), for the name register."""
    for m in NAMED_STREET.finditer(text):
        words = m.group(1).lower().split()
        if not any(w in NOT_STREET for w in words):
            yield m.start(), m.end()


def id_numbers(text: str) -> Iterator[Span]:
    for m in ID_NUMBER.finditer(text):
        yield Span(m.start(), m.end(), "other identifying numbers", "[number]")


def long_numbers(text: str) -> Iterator[Span]:
    for m in LONG_NUMBER.finditer(text):
        yield Span(m.start(), m.end(), "other identifying numbers", "[number]")
