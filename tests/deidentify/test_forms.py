"""Each form a detail is written in, one at a time, in the client's goal of the sample case:
dates in every usual way, postcodes of four countries, phone numbers, links, addresses, names."""

from __future__ import annotations

import pytest

from workbook.deidentify import deidentify
from workbook.sample import sample_case

SHIFT = -40  # 9 October 2026 becomes 30 August 2026, a Sunday


def goal(text: str) -> str:
    case = sample_case().model_copy(deep=True)
    case.client.goal = text
    return deidentify(case, shift_days=SHIFT).client.goal


@pytest.mark.parametrize(
    ("written", "moved"),
    [
        ("on 9 October 2026.", "on 30 August 2026."),
        ("on 09/10/2026.", "on 30/08/2026."),
        ("on 9/10/26.", "on 30/8/26."),
        ("on 2026-10-09.", "on 2026-08-30."),
        ("on 2026/10/09.", "on 2026/08/30."),
        ("on 10.09.2026.", "on 01.08.2026."),
        ("on 25/12/2026.", "on 15/11/2026."),  # day first when the first number is over 12
        ("on 12/25/2026.", "on 11/15/2026."),  # month first when the second is
        ("by Oct 9th.", "by Aug 30th."),
        ("by october 9th 2026.", "by august 30th 2026."),
        ("by OCT 9.", "by AUG 30."),
        ("on the 9th of October, 2026.", "on the 30th of August, 2026."),
        ("on Friday 9 October.", "on Sunday 30 August."),
        ("on Fri, 9 Oct 2026.", "on Sun, 30 Aug 2026."),
        ("on Sept 3rd.", "on Jul 25th."),
        ("in October 2026.", "in September 2026."),  # a month moves from its middle
        ("in Oct '26.", "in Sep '26."),
        ("back in 2019.", "back in the 2010s."),  # an old year alone: its decade
        ("during 2026.", "during 2026."),  # a year of the case moves from its middle
    ],
)
def test_a_date_in_the_text_moves_with_the_records(written, moved):
    assert goal(f"Agreed {written}") == f"Agreed {moved}"


@pytest.mark.parametrize(
    ("written", "generalised"),
    [
        ("She was born 1989.", "She was born in the 1980s."),
        ("She was born in 1989.", "She was born in the 1980s."),
        ("DOB: 14/03/1989.", "DOB: [a date in the 1980s]."),
        ("Born on the 14th of March 1989.", "Born on [a date in the 1980s]."),
        ("Her date of birth is 1989-03-14.", "Her date of birth is [a date in the 1980s]."),
        ("d.o.b. 14/3/89.", "d.o.b. [a date in the 1980s]."),
        ("Her birthday is 14 March.", "Her birthday is [a date of birth]."),
    ],
)
def test_a_date_of_birth_becomes_its_decade(written, generalised):
    assert goal(written) == generalised


@pytest.mark.parametrize(
    "postcode",
    ["SW1A 1AA", "sw1a1aa", "M14 5TQ", "K1A 0B1", "k1a0b1", "OR 97205", "90210-1234",
     "NSW 2037", "zip code 90210", "postcode 3000"],
)  # fmt: skip
def test_postcodes_of_four_countries_go(postcode):
    out = goal(f"Moved near {postcode} last year.")
    assert out == "Moved near [postcode] last year.", out


@pytest.mark.parametrize(
    "address",
    ["27 Larkspur Close", "27 larkspur close", "Flat 4, 27 Larkspur Close", "221B Quay Street",
     "1600 Pennsylvania Ave", "10 Downing St."],
)  # fmt: skip
def test_street_addresses_go(address):
    out = goal(f"She lives at {address} now.")
    assert out.startswith("She lives at [street address]"), out
    assert "Larkspur" not in out and "Quay" not in out and "Pennsylvania" not in out


def test_house_numbers_and_long_numbers_go_and_ordinary_numbers_stay():
    out = goal("The landlord at number 27 and flat 5B; staff no. 8812; ID 551209.")
    assert out == (
        "The landlord at [house number] and [house number]; staff [house number]; ID [number]."
    )
    out = goal("Insurance number QQ 12 34 56 C (qq123456c), social security 078-05-1120.")
    assert out == "Insurance number [number] ([number]), social security [number]."
    kept = "She has 3 close friends, walked 10 minutes, earned $52000 and scored 5 out of 10."
    assert goal(kept) == kept


@pytest.mark.parametrize(
    "phone",
    ["07700 900461", "+44 161 496 0753", "0161 496 0753", "(416) 555-0199", "416-555-0199",
     "+1 (503) 555-0148", "613.555.0142", "+61 2 9876 5432", "020 7946 0018 ext. 12"],
)  # fmt: skip
def test_phone_numbers_go(phone):
    out = goal(f"Call {phone} today.")
    assert out == "Call phone A today.", out


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("https://www.linkedin.com/in/siobhan-oneill-payroll", "link"),
        ("linkedin.com/in/kowalczyk", "link"),
        ("http://bit.ly/3xYz", "link"),
        ("www.corranfell.co.uk/team/oneill", "link"),
        ("siobhan.oneill89@gmail.com", "email"),
        ("SIOBHAN.ONEILL@GMAIL.COM", "email"),
        ("s.oneill (at) gmail (dot) com", "email"),
        ("s.oneill at gmail dot co dot uk", "email"),
        ("@shiv_oneill", "handle"),
    ],
)
def test_links_addresses_and_handles_are_replaced_whole(written, kind):
    assert goal(f"See {written}, then call.") == f"See {kind} A, then call."


def test_the_same_address_keeps_its_placeholder():
    out = goal("Write to a.b@example.org, c.d@example.org, then A.B@example.org again.")
    assert out == "Write to email A, email B, then email A again."


@pytest.mark.parametrize(
    "written",
    ["Lana", "lana", "LANA", "Lana's", "lana’s", "Ms Kowalczyk", "ms. kowalczyk", "KOWALCZYK",
     "Lana Kowalczyk", "lana kowalczyk's", "Mrs Lana Kowalczyk"],
)  # fmt: skip
def test_every_form_of_the_clients_name_is_one_placeholder(written):
    out = goal(f"Agreed with {written} plan.")
    assert out in ("Agreed with the client plan.", "Agreed with the client's plan."), out


def test_names_written_in_the_text_are_found_in_every_other_form():
    out = goal(
        "Her manager Doreen Whitfield-Ames signed it; doreen rang; Mr. whitfield-ames's note "
        "and WHITFIELD AMES's reply came from northfield mutual via Élodie Brûlé (elodie brule)."
    )
    doreen = out.split("Her manager ")[1].split(" signed")[0]
    assert doreen.startswith("Person ")
    assert out == (
        f"Her manager {doreen} signed it; {doreen} rang; {doreen}'s note and {doreen}'s reply "
        f"came from Organisation D via Person E (Person E)."
    )


def test_a_couple_with_titles_is_one_surname():
    out = goal("Mr. and Mrs. Jones came; Jones' car; ask jones.")
    person = out.split("and ")[1].split(" came")[0]
    assert person.startswith("Person ")
    assert out == f"Mr. and {person} came; {person}'s car; ask {person}."


def test_an_organisation_with_a_legal_suffix_is_found_in_lower_case():
    out = goal("She left for a job with brightwater learning ltd after joining acme plc.")
    # (the sample's employer, Northfield Mutual, is Organisation D)
    assert out == "She left for a job with Organisation E after joining Organisation F."
