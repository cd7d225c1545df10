"""Every cue in a reply: the matchers' phrases and patterns, the parse's readings, brush-offs and shouting."""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from actions.assessment.clauses import negation_governs
from actions.assessment.knowledge import matchers, words
from actions.assessment.parsed_cues import parsed_cues
from actions.assessment.pushback import remarks, reproaches
from actions.assessment.signals import BACKFIRE_SIGNALS, KINDS, WEAK, Cue
from coach.spacy_parse import SUBJECTS

# "9pm", "2nd", "10k", "30mins": numbers with a unit, not passwords.
NUMBER_WITH_UNIT = re.compile(r"^\d+([.:]\d+)?(am|pm|st|nd|rd|th|k|s|mins?|hrs?|h|m)$")


def find_cues(doc: Doc, refusing_a_demand: bool = False) -> list[Cue]:
    """Every cue in the reply, denied ones and ones inside a longer cue left out."""
    phrases, tokens = matchers()
    cues = [_cue(doc.vocab.strings[key], doc[start:end]) for key, start, end in phrases(doc) + tokens(doc)]
    cues += parsed_cues(doc)
    cues += _brush_offs(doc)
    cues += _promises_to_change(doc)
    if refusing_a_demand:
        cues += [Cue("decline", doc[t.i : t.i + 1]) for t in doc if t.lower_ in words("no") and t.i < 3]
        # Asked for the password, a bare run of digits is the passcode: "fine, it's 2580".
        cues += [Cue("giving_in", doc[t.i : t.i + 1]) for t in doc if t.is_digit and 4 <= len(t) <= 8]
    cues += [Cue("giving_in", doc[t.i : t.i + 1]) for t in doc if _looks_like_a_password(t)]
    cues += _mock_titles(doc)
    cues += reproaches(doc)
    cues = [cue for cue in cues if not _denied(cue)]
    cues = _without_overlaps(cues)
    cues = _sarcasm(cues + list(remarks(doc, cues)))
    return cues + _shouting(doc, cues)


def _cue(label: str, span: Span) -> Cue:
    """The cue a matcher label names: "scorn" is weak anger, "vague:person" a filler for a person."""
    if label in KINDS:
        signal, weight = KINDS[label]
        return Cue(signal, span, weight, kind=label)
    signal, _, kind = label.partition(":")
    return Cue(signal, span, kind=kind or None)


def _mock_titles(doc: Doc) -> Iterator[Cue]:
    """'wow ok detective', 'sorry officer', 'thanks sherlock': the partner addressed as police.

    A title with a determiner or in a compound is someone else ("my cousin is a cop", "a detective
    show"); "you're such a detective" is the "mockery" token pattern. A parent's or a boss's title is
    mockery only said straight after a "sorry" or an "ok" ("sorry mum, won't happen again"), since
    people text their mums ("i was texting mum").
    """
    for token in doc:
        if token.dep_ == "compound" or token.dep_ in SUBJECTS:
            continue
        before = doc[token.i - 1].lower_ if token.i else ""
        deferred_to = token.lower_ in words("above") and before in words("deferring")
        if token.lower_ not in words("mock_titles") and not deferred_to:
            continue
        # The parser can hang a "yes" before the title as its determiner: "yes officer".
        if not any(child.dep_ in ("det", "poss") and child.pos_ != "INTJ" for child in token.children):
            yield Cue("angry", doc[token.i : token.i + 1], kind="mockery")


def _sarcasm(cues: list[Cue]) -> list[Cue]:
    """'yeah', 'sure', '🙂' as weak anger beside a jab, and dropped otherwise.

    "yeah, i was with my secret lover" confirms a mock confession; "sure 🙂" after "stop policing me"
    twists the knife; "yeah, it was my sister" just answers. A jab is any anger but plain scorn (which
    would make "oh wow, it was my sister" sarcastic) or a stand on one's rights.
    """
    jab = any(
        (cue.signal == "angry" and cue.kind != "scorn") or cue.signal == "defiance" for cue in cues
    )
    return [
        Cue("angry", cue.span, WEAK, kind="sarcasm") if cue.signal == "sarcasm" else cue
        for cue in cues
        if cue.signal != "sarcasm" or jab
    ]


def _promises_to_change(doc: Doc) -> Iterator[Cue]:
    """'i'll come home right after work from now on': a life changed to calm the partner."""
    for sentence in doc.sents:
        lowered = sentence.text.lower()
        promised = any(token.norm_ == "will" or token.lower_ == "ill" for token in sentence)
        for marker in words.in_order("change_markers"):
            at = lowered.find(marker)
            if at >= 0 and promised:
                yield Cue("giving_in", doc.char_span(sentence.start_char + at,
                                                     sentence.start_char + at + len(marker),
                                                     alignment_mode="expand"))


def _brush_offs(doc: Doc) -> Iterator[Cue]:
    """'k', 'ok fine', or a sentence that is only 'pass': the question is heard and not answered."""
    spoken = [token for token in doc if token.is_alpha]
    if spoken and all(token.lower_ in words("brush_offs") for token in spoken):
        yield Cue("ignoring", doc[spoken[0].i : spoken[-1].i + 1])
        return
    for sentence in doc.sents:
        spoken = [token for token in sentence if token.is_alpha]
        if len(spoken) == 1 and spoken[0].lower_ in words("refusals"):
            yield Cue("ignoring", doc[spoken[0].i : spoken[0].i + 1])


def _looks_like_a_password(token: Token) -> bool:
    """'sunshine123': letters and digits together, as no time ("9pm"), date ("2nd") or sum ("10k") has."""
    text = token.lower_
    mixed = any(c.isdigit() for c in text) and any(c.isalpha() for c in text)
    return mixed and len(text) >= 5 and not NUMBER_WITH_UNIT.match(text)


def _denied(cue: Cue) -> bool:
    """A cue the reply denies ("i'm not angry"), unless the denial is part of it ("i'm not answering").

    Mockery and defiance stay what they are when denied ("i'm not on trial", "i don't need your
    permission"); a fear is denied by a "not" or "no" just before it as well ("my sister, not my
    secret lover", "there's no affair").
    """
    if cue.signal in ("ignoring", "vague", "i_statement", "decline", "defiance") or cue.kind == "mockery":
        return False
    if any(token.norm_ in words("negations") for token in cue.span):
        return False
    if cue.kind == "accusation":
        before = cue.span.doc[max(cue.span.sent.start, cue.span.start - 3) : cue.span.start]
        negations, deniers = words("negations"), words("fear_deniers")
        if any(token.norm_ in negations or token.lower_ in deniers for token in before):
            return True
    return negation_governs(cue.span.root)


def _without_overlaps(cues: list[Cue]) -> list[Cue]:
    """Keeps the longer of two overlapping cues, except that calm qualities may share words."""
    kept: list[Cue] = []
    for cue in sorted(cues, key=lambda c: (-len(c.span), _is_calm(c), c.span.start)):
        clash = any(
            cue.span.start < other.span.end and other.span.start < cue.span.end
            and not (_is_calm(cue) and _is_calm(other))
            for other in kept
        )
        if not clash:
            kept.append(cue)
    return sorted(kept, key=lambda c: c.span.start)


def _is_calm(cue: Cue) -> bool:
    return cue.signal not in BACKFIRE_SIGNALS


def _shouting(doc: Doc, cues: list[Cue]) -> list[Cue]:
    """Words in capitals ("you ALWAYS") and a run of exclamation marks: weak support for anger.

    Capitals inside another cue ("I SWEAR") are that cue's emphasis, not shouting.
    """
    cued = {token.i for cue in cues for token in cue.span}
    shouts = [
        Cue("angry", doc[token.i : token.i + 1], WEAK)
        for token in doc
        if token.is_alpha and len(token) > 1 and token.is_upper and token.text not in words("not_shouting")
        and token.i not in cued
    ]
    for token in doc[:-1]:
        if "!" in token.text and "!" in doc[token.i + 1].text:
            shouts.append(Cue("angry", doc[token.i : token.i + 2], WEAK))
            break
    return shouts
