"""What the assessment reads a reply for: the six responses, the calm qualities, the cues that show them."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

PATTERNS = ("reassuring", "ignoring", "angry", "giving_in", "withholding", "calm")
QUALITIES = ("acknowledges", "concrete", "i_statement", "boundary", "invitation")

# A phrase that shows a response on its own is worth STRONG; exclamation marks and capitals only
# support anger (WEAK), since people also shout good news.
STRONG = 2
WEAK = 1

# Matcher labels that are a kind of another signal: what each counts as, and how much. The label is
# kept as the cue's kind, so "mockery" can stay a jab when denied and "accusation" can be confirmed by
# a "yeah" beside it.
KINDS = {
    "scorn": ("angry", WEAK),
    "accusation": ("angry", WEAK),
    "mockery": ("angry", STRONG),
    "shrug": ("ignoring", WEAK),
}

# Cues of the five backfiring responses ("vague" is the filler half of withholding, "defiance" the
# soft half of anger, which a kind word turns into a boundary). When one of these overlaps another
# cue, the longer phrase is what the user said: "whatever you want" is giving in, not the dismissive
# "whatever"; "i don't want to talk about it" is ignoring, not an invitation to talk.
BACKFIRE_SIGNALS = ("angry", "ignoring", "giving_in", "reassuring", "vague", "defiance")
# Qualities that make an answer kind even when it does not name what was asked: the partner is
# heard, asked what they need, or told "no" warmly.
WARM_QUALITIES = ("acknowledges", "invitation", "boundary")

# The labels a line of patterns/*.jsonl may carry: a signal, a kind of one (KINDS), "sarcasm" (an
# agreement word that only counts beside a jab), or a signal with the kind after a colon ("vague:person"
# stands in for a person; "decline:refusal" refuses an account, whose contents are then no answer).
LABELS = (
    "angry", "ignoring", "giving_in", "reassuring", "defiance", "decline", "decline:refusal", "offer",
    "vague", "vague:person", "vague:place", "vague:amount",
    "acknowledges", "i_statement", "invitation", "sarcasm", *KINDS,
)


@dataclass(frozen=True)
class Cue:
    """One phrase in the reply that points to a response or a quality."""

    signal: str
    span: Span
    weight: int = STRONG
    # For vague fillers: what they stand in for ("person", "place", "amount"), or None if anything.
    kind: str | None = None
