"""The crisis lines, as every crisis answer and every apology gives them: read straight from the content
file, so they never depend on a database or a model being there."""

from __future__ import annotations

from coach.content import bullets, input_wording, paragraphs, resources, safety, service


def crisis_lines(kind: str) -> str:
    """The numbers for this kind of danger, the emergency number and help outside the US."""
    names = safety()["lines"]["self_harm" if kind == "self_harm" else "abuse"]
    lines = [f"{line['name']}: {line['reach']} — {line['good_for']}" for line in map(service, names)]
    elsewhere = service(safety()["lines"]["elsewhere"])
    outside = f"Outside the US: {elsewhere['name']}, {elsewhere['reach']}, {elsewhere['good_for']}."
    return paragraphs(bullets(lines), resources()["emergency"], outside)


def crisis_summary() -> str:
    """Every crisis line in a short list, for answers that can't tell what the person needs."""
    lines = safety()["lines"]
    names = [lines["self_harm"][0], lines["abuse"][0], lines["self_harm"][1]]
    numbers = [f"{line['name']}: {line['reach']}" for line in map(service, names)]
    elsewhere = service(lines["elsewhere"])
    outside = f"Outside the US: {elsewhere['name']}, {elsewhere['reach']}"
    return paragraphs(input_wording()["help"], resources()["emergency"], bullets([*numbers, outside]))
