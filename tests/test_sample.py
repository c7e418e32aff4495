"""The sample case, Lana: every record type, and the method followed faithfully."""

from __future__ import annotations

from workbook.casefile import case_data
from workbook.model import Case
from workbook.sample import sample_case
from workbook.summary import referral_chains


def _fields_used(records) -> set[str]:
    return {name for r in records for name, v in r if v not in (None, [], {})}


def test_every_record_type_and_field_is_used():
    case = sample_case()
    data = case_data(case)
    assert set(data) == set(Case.model_fields)
    records = {
        "client": [case.client],
        "attempts": case.attempts,
        "stories": case.stories,
        "permission": [case.permission],
        "ideas": case.ideas,
        "plan": [case.plan],
        "actions": case.plan.actions,
        "checkins": case.checkins,
        "reflections": case.reflections,
    }
    # Lana's check-ins were all recorded in session; a check-in of the client's own (``by``)
    # comes from the client app, and its tests make one (tests/clientapp).
    recorded_elsewhere = {"checkins": {"by"}}
    for name, items in records.items():
        model = type(items[0])
        unused = set(model.model_fields) - _fields_used(items)
        assert unused == recorded_elsewhere.get(name, set()), (name, unused)
    # the first contact is referred by nobody; every other interview field is used throughout
    assert _fields_used(case.interviews) == set(type(case.interviews[0]).model_fields)
    assert {r.model for r in case.reflections} == {"gibbs", "driscoll", "kolb"}


def test_lana_follows_the_method():
    case = sample_case()
    permission = case.permission.asked
    # step 1 before step 2: attempts and stories come first, and permission before her ideas
    assert all(a.date < permission for a in case.attempts)
    assert all(s.skills and s.felt_good for s in case.stories)
    assert all(i.added >= permission for i in case.ideas if i.source == "practitioner")
    assert {i.source for i in case.ideas} == {"client", "practitioner"}
    # informational interviews lead from one referral to the next
    assert [len(chain) for chain in referral_chains(case)] == [3]
    # step 3: a dated goal and concrete actions, most owned by the client
    actions = case.plan.actions
    assert case.plan.target and case.plan.goal
    assert all(a.due and a.ideas for a in actions)
    assert sum(a.owner == "client" for a in actions) > len(actions) / 2
    texts = " ".join(a.text.lower() for a in actions)
    for need in ("résumé", "online professional profile", "networking", "introduction"):
        assert need in texts
    # step 4: weekly check-ins that note motivation and the counselling she keeps up
    dates = [k.date for k in case.checkins]
    assert all((b - a).days <= 7 for a, b in zip(dates, dates[1:], strict=False))
    assert all(
        k.importance is not None and k.confidence is not None and k.buy_in for k in case.checkins
    )
    assert all(any("counselling" in s for s in k.supports) for k in case.checkins)
    # she changes both the type of work and the organisation
    assert "Northfield" in case.client.situation
    assert "claims" in case.client.goal
