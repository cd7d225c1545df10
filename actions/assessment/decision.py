"""The decision: which response a reply leans toward, from its cues, its details and its calm qualities."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Span

from actions.assessment.cues import find_cues
from actions.assessment.details import concrete_details
from actions.assessment.knowledge import nlp, words
from actions.assessment.learned import learned_reading
from actions.assessment.signals import BACKFIRE_SIGNALS, QUALITIES, STRONG, WARM_QUALITIES, Cue
from coach.content import practice


# What a concrete answer to each of the partner's questions names comes from content/practice.yml
# (`asks_for`). The article's point about withholding is the names left out of the work lunch, the
# price of the concert, who was at the store: so for the factual questions a concrete answer names a
# person, time, place or amount; for wanting time apart or the relationship, the user's own feeling.
def asks_for(scenario_id: str) -> tuple[str, ...]:
    scenarios = practice()["scenarios"]
    if scenario_id not in scenarios:
        raise ValueError(f"unknown practice scenario {scenario_id!r}; known: {', '.join(scenarios)}")
    return tuple(scenarios[scenario_id]["asks_for"])


# With no scenario, any fact counts as concrete.
FACTS = ("person", "time", "place", "amount")
# The loud ones: one strong cue of these decides the reply. Listed in the order that breaks a tie,
# the one the partner hears first first.
LOUD = ("angry", "giving_in", "ignoring")


@dataclass(frozen=True)
class Assessment:
    """Which response a reply leans toward, the phrases that show it, and the calm qualities it has."""

    pattern: str
    evidence: tuple[str, ...]
    qualities: tuple[str, ...]


def assess_reply(text: str, scenario_id: str | None = None) -> Assessment:
    """Which of the six responses `text`, typed in answer to the scenario's question, leans toward."""
    if not text.strip():
        return Assessment("ignoring", (), ())
    doc = nlp()(text)
    # To a demand ("give me your password"), "no" is a refusal; to a question it is an answer.
    cues = find_cues(doc, refusing_a_demand=scenario_id in words("demanding_scenarios"))
    asked = asks_for(scenario_id) if scenario_id else FACTS
    details = concrete_details(doc, asked, cues)
    qualities, quality_cues = _qualities(cues, details)
    pattern, deciding = _decide(cues, qualities, quality_cues, details, asked,
                                scenario_given=scenario_id is not None)
    # The two fallbacks, where no cue decided and nothing warm was said: the learned reading may know.
    # An answer given is never a promise or a filler instead of one, whatever the classifier hears.
    fallback = (pattern == "withholding" and not deciding) or (
        pattern == "calm" and not set(qualities) & set(WARM_QUALITIES)
    )
    learned = learned_reading(doc) if fallback else None
    if learned is not None and learned[0] != pattern:
        if not ("concrete" in qualities and learned[0] in ("reassuring", "withholding")):
            pattern, deciding = learned
    return Assessment(pattern, quote(deciding), qualities)


def _qualities(cues: list[Cue], details: list[Span]) -> tuple[tuple[str, ...], list[Span]]:
    """The calm qualities in the reply, in QUALITIES order, and the spans that show them."""
    found: dict[str, list[Span]] = {quality: [] for quality in QUALITIES}
    for cue in cues:
        if cue.signal in found:
            found[cue.signal].append(cue.span)
    found["concrete"] = details
    declines = [cue.span for cue in cues if cue.signal == "decline"]
    offers = [cue.span for cue in cues if cue.signal == "offer"]
    warmth = found["acknowledges"] or found["invitation"] or offers
    if declines and warmth:
        found["boundary"] = declines + offers
    qualities = tuple(quality for quality in QUALITIES if found[quality])
    return qualities, [span for quality in qualities for span in found[quality]]


def _decide(
    cues: list[Cue],
    qualities: tuple[str, ...],
    quality_spans: list[Span],
    details: list[Span],
    asked: tuple[str, ...],
    scenario_given: bool,
) -> tuple[str, list[Span]]:
    """The pattern, and the spans that led to it. The order of the checks is the policy."""
    scores = {signal: sum(c.weight for c in cues if c.signal == signal) for signal in BACKFIRE_SIGNALS}
    spans = {signal: [c.span for c in cues if c.signal == signal] for signal in BACKFIRE_SIGNALS}
    concrete = "concrete" in qualities
    warm = any(quality in qualities for quality in WARM_QUALITIES)
    # An offer ("but i'll text you when i'm late") is kind too, though it is no quality on its own.
    kind = warm or any(cue.signal == "offer" for cue in cues)

    # A strong sign of anger, giving in or ignoring is what the partner hears.
    loudest = max(LOUD, key=lambda signal: (scores[signal], -LOUD.index(signal)))
    if scores[loudest] >= STRONG:
        return loudest, spans[loudest]
    # Standing on one's rights with nothing kind beside it is the angry defence, details or not: "i
    # was at the gym. i'm an adult"; "i get that it's hard, but i'm allowed to see my friends" is not.
    if spans["defiance"] and not kind:
        return "angry", spans["defiance"] + spans["angry"]
    # A refusal with no warmth and no alternative shuts the conversation down.
    declines = [cue.span for cue in cues if cue.signal == "decline"]
    if declines and "boundary" not in qualities and not concrete:
        return "ignoring", declines
    # Promises instead of an answer, unless as much is said to hear the partner out: "i can tell
    # you're scared. there's nothing going on, but i won't hand over my password".
    warmth = [cue for cue in cues if cue.signal in WARM_QUALITIES + ("offer", "decline")]
    if scores["reassuring"] and not concrete and (not warm or len(spans["reassuring"]) > len(warmth)):
        return "reassuring", spans["reassuring"]
    # Fillers instead of an answer: "someone" where a name was asked for, as often as names are given
    # ("ran into someone from my old job"), or any filler with no detail and nothing warm at all.
    evasions = [cue.span for cue in cues if cue.signal == "vague" and cue.kind in asked]
    if evasions and len(evasions) >= len(quote(details)):
        return "withholding", spans["vague"]
    if spans["vague"] and not concrete and not warm:
        return "withholding", spans["vague"]
    # A weak sign with no answer and nothing kind is all the partner gets: "oh sure", "seriously?"
    # is a jab; "mm. see you later" walks away.
    if not concrete and not kind:
        heard = max(("angry", "ignoring"), key=lambda signal: (scores[signal], -LOUD.index(signal)))
        if scores[heard]:
            return heard, spans[heard]
    # Nothing of what was asked, and nothing kind in its place.
    if scenario_given and not concrete and not warm:
        return "withholding", []
    return "calm", quality_spans


def quote(spans: Iterable[Span]) -> tuple[str, ...]:
    """The spans' words as the user typed them, in reading order, each once and none inside another.

    Spans that touch are quoted together: "$" and "85" as "$85".
    """
    ranges: list[list[int]] = []
    for span in sorted(spans, key=lambda s: (s.start_char, -s.end_char)):
        if ranges and span.start_char <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], span.end_char)
        else:
            ranges.append([span.start_char, span.end_char])
    text = next(iter(spans)).doc.text if ranges else ""
    quoted: list[str] = []
    for start, end in ranges:
        if text[start:end] not in quoted:
            quoted.append(text[start:end])
    return tuple(quoted)
