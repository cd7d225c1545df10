"""The crisis lines, as every crisis answer and every apology gives them: read straight from the content
file, so they never depend on a database or a model being there."""

from __future__ import annotations

from coach.content import bubble, bullets, input_wording, resources, safety, service


def crisis_lines(kind: str) -> str:
    """The numbers for this kind of danger, the emergency number and help outside the US."""
    names = safety()["lines"]["self_harm" if kind == "self_harm" else "abuse"]
    numbers = [f"{line['name']}: {line['reach']} — {line['good_for']}" for line in map(service, names)]
    elsewhere = service(safety()["lines"]["elsewhere"])
    outside = f"Outside the US: {elsewhere['name']}, {elsewhere['reach']}, {elsewhere['good_for']}"
    return bubble(resources()["emergency"], bullets([*numbers, outside]))


def crisis_summary() -> str:
    """Every crisis line in a short list, for answers that can't tell what the person needs."""
    crisis = safety()["lines"]
    names = [crisis["self_harm"][0], crisis["abuse"][0], crisis["self_harm"][1]]
    numbers = [f"{line['name']}: {line['reach']}" for line in map(service, names)]
    elsewhere = service(crisis["elsewhere"])
    outside = f"Outside the US: {elsewhere['name']}, {elsewhere['reach']}"
    return bubble(input_wording()["help"], resources()["emergency"], bullets([*numbers, outside]))
