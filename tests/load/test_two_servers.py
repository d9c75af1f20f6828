"""The load test's own judgement, on made-up answers and rows: each check can fail."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import two_servers as load

DAY = date(2001, 3, 1)


def saved(number: int, version: int, outcome: str = "confirmed") -> load.Save:
    choices = {"foam": ["0", "1", "2", "3"], "swelling_legs": ["0", "1", "2", "3"]}
    save = load.Save(number, DAY, contended=False, get_on=0, post_on=1)
    save.outcome, save.version, save.values = outcome, version, load.save_values(number, choices)
    return save


def row_of(save: load.Save, **changes) -> dict:
    """The row the portal writes for this save (kg to 0.001, °C to 0.01)."""
    values = save.values
    typed = Decimal(values["weight"])
    kilograms = typed if values["weight_unit"] == "kg" else typed / load.LB_PER_KG
    row = {
        "date": save.day,
        "version": save.version,
        "weight_kg": kilograms.quantize(Decimal("0.001")),
        "weight_entered": typed,
        "weight_entered_unit": values["weight_unit"],
        "temperature_c": Decimal(values["temperature"]),
        "temperature_entered": Decimal(values["temperature"]),
        "temperature_entered_unit": "C",
        "foam": int(values["foam"]),
        "swelling_legs": int(values["swelling_legs"]),
        "note": values["note"],
        "entered_by_id": 1,
    }
    return {**row, **changes}


def test_a_row_matches_the_save_that_wrote_it_in_kg_and_in_pounds():
    in_kg, in_lb = saved(2, 1), saved(3, 1)
    assert in_kg.values["weight_unit"] == "kg"
    assert in_lb.values["weight_unit"] == "lb"
    assert load.row_matches(row_of(in_kg), in_kg.values)
    assert load.row_matches(row_of(in_lb), in_lb.values)


def test_a_row_mixing_two_saves_is_half_saved():
    first, second = saved(4, 1), saved(5, 2)
    mixed = row_of(second, note=first.values["note"])
    assert not load.row_matches(mixed, second.values)
    assert load.judge_saves([first, second], {DAY: mixed})["half"] == [DAY]
    assert load.judge_saves([first, second], {DAY: row_of(second)})["half"] == []


def test_kilograms_that_disagree_with_the_typed_weight_are_half_saved():
    save = saved(6, 1)
    row = row_of(save, weight_kg=row_of(save)["weight_kg"] + Decimal("0.1"))
    assert not load.row_matches(row, save.values)


def test_a_confirmed_save_missing_or_overtaken_by_an_older_version_is_lost():
    first, second = saved(7, 1), saved(8, 2)
    assert load.judge_saves([first, second], {})["lost"] == [DAY]
    assert load.judge_saves([first, second], {DAY: row_of(first)})["lost"] == [DAY]
    assert load.judge_saves([first, second], {DAY: row_of(second)})["lost"] == []


def test_a_save_whose_answer_never_came_may_be_the_row_but_a_stale_one_may_not():
    confirmed, unanswered = saved(9, 1), saved(10, 2, outcome="failed")
    assert load.judge_saves([confirmed, unanswered], {DAY: row_of(unanswered)}) == {
        "lost": [],
        "half": [],
        "unexplained": [],
        "double_winners": [],
        "skipped": [],
    }
    refused = saved(11, 2, outcome="stale")
    wrong = load.judge_saves([confirmed, refused], {DAY: row_of(refused)})
    assert wrong["unexplained"] == [DAY]


def test_two_saves_confirmed_with_one_version_and_skipped_versions_are_flagged():
    one, other = saved(12, 1), saved(13, 1)
    assert load.judge_saves([one, other], {DAY: row_of(other)})["double_winners"] == [(DAY, 1)]
    third = saved(14, 3)
    assert load.judge_saves([one, third], {DAY: row_of(third)})["skipped"] == [DAY]


def test_the_form_parser_submits_what_a_browser_would():
    html = """
    <form action="/d/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input type="radio" name="foam" value="0"><input type="radio" name="foam" value="2" checked>
      <input type="checkbox" name="less_urine"><select name="weight_unit">
      <option value="kg">kg</option><option value="lb" selected>lb</option></select>
      <textarea name="note">hello</textarea><input type="submit" name="go" value="Save"></form>
    <form action="/other/"><input name="q" value="x"></form>"""
    parsed = load.parse_forms(html)
    assert parsed.forms["/d/"] == {
        "csrfmiddlewaretoken": ["t"],
        "foam": ["2"],
        "weight_unit": ["lb"],
        "note": ["hello"],
    }
    assert parsed.choices["foam"] == ["0", "2"]
    assert parsed.forms["/other/"] == {"q": ["x"]}


def test_a_stale_refusal_is_told_by_the_version_the_page_shows():
    page = '<form action="/d/"><input type="hidden" name="version" value="{}"></form>'
    assert load.stale(page.format(3), "/d/", 2)
    assert not load.stale(page.format(2), "/d/", 2)


def test_the_plan_adds_up_to_the_requests_and_bursts_share_a_date():
    args = SimpleNamespace(seed=1, requests=900, read_only=False, first_date=DAY, time_cap=1)
    args.total_cap = 1000
    plan = load.Load([None, None], {}, "pid", args)
    assert sum(2 if task.kind == "save" else 1 for task in plan.tasks) == 900
    contended = [save for save in plan.saves if save.contended]
    days = {save.day for save in contended}
    assert len(contended) == 6 * len(days)
    assert all(save.day < DAY for save in contended)
    assert len({save.day for save in plan.saves if not save.contended}) == 90


def answer(status, start, end, instance="A"):
    return load.Result(instance, "diary", start, end, status)


def test_errors_pass_only_as_503_inside_the_outage_and_its_grace():
    args = SimpleNamespace(grace=3)
    outage = SimpleNamespace(stopped_at=10.0, ready_at=14.0)

    def judged(*results):
        checks = load.Checks()
        load.check_answers(checks, SimpleNamespace(results=list(results)), outage, args)
        return [passed for passed, _ in checks.rows]

    assert judged(answer(200, 1, 2), answer(503, 9.5, 10.2), answer(503, 16, 16.5)) == [True, True]
    assert judged(answer(500, 11, 11.1)) == [True, False]
    assert judged(answer(503, 17.5, 18)) == [False, True]
    assert judged(answer(None, 5, 6)) == [False, True]
