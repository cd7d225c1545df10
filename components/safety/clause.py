"""What every kind of safety rule reads of a clause besides who and whether: its words, mood and evidence."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from coach.spacy_parse import is_denied, is_me, is_negated, is_partner_or_named, lower_lemma, subject_of
from components.safety.patterns import words


def lemmas_in(tokens: Iterable[Token]) -> set[str]:
    """Lemmas and lowercase forms of `tokens`, as one set to test words against."""
    tokens = list(tokens)
    return {lower_lemma(token) for token in tokens} | {token.lower_ for token in tokens}


def children(token: Token, *deps: str) -> list[Token]:
    return [child for child in token.children if child.dep_ in deps]


def has_prep(token: Token) -> bool:
    return any(child.dep_ == "prep" for child in token.children)


def subtree_without_subject(verb: Token) -> list[Token]:
    subjects = {child.i for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")}
    keep = []
    for child in verb.children:
        if child.i in subjects:
            continue
        keep.extend(child.subtree)
    return keep


def span_of(doc: Doc, tokens: Iterable[Token]) -> Span:
    """The evidence: the words from the first of `tokens` to the last."""
    indices = [token.i for token in tokens]
    return doc[min(indices): max(indices) + 1]


def is_modal(verb: Token) -> bool:
    """Said as what will, would or is going to happen: "he'll hurt me", "I'm gonna"."""
    modals = words("modals")
    return any(c.lower_ in modals or lower_lemma(c) in modals for c in verb.children) or (
        verb.dep_ == "xcomp" and verb.head.lower_ in words("going_to")
    )


def is_hypothetical(verb: Token) -> bool:
    """ "If he ever hit me I'd leave" imagines; "if he hits me again" reports."""
    said = {child.lower_ for child in verb.children}
    if "if" not in said or "again" in said:
        return False
    return "ever" in said or verb.tag_ == "VBD"


def partner_does(verb: Token) -> bool:
    """The partner does it, it is not denied, and the user did not simply let them ("I let her
    track my location because I have nothing to hide" is a choice)."""
    doer = subject_of(verb)
    if doer is None or not is_partner_or_named(doer) or is_denied(verb):
        return False
    return not _permitted_by_user(verb)


def _permitted_by_user(verb: Token) -> bool:
    head = verb.head
    if verb.dep_ not in ("ccomp", "xcomp") or lower_lemma(head) not in words("permission_verbs"):
        return False
    granter = subject_of(head)
    return granter is not None and is_me(granter) and not is_negated(head)


PAST_TAGS = ("VBD", "VBN")


def told_as_over(span: Span) -> bool:
    """Is the evidence told as a past that is over: "my ex used to hit me but that was years ago", "I had
    a controlling boyfriend at uni"? Its sentence names a time gone by, its verb is in the past, and
    nothing says it is happening again ("he used to hit me and yesterday he did it again")."""
    sentence = span.sent
    said = [token.lower_ for token in sentence]
    phrases = {" ".join(said[i:i + n]) for n in range(1, 5) for i in range(len(said) - n + 1)}
    if not phrases & words("history_markers") or phrases & words("recurrence_markers"):
        return False
    verb = next((token for token in [span.root, *span.root.ancestors] if token.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        return False
    return verb.tag_ in PAST_TAGS or (verb.head.lower_ == "used" and verb.dep_ == "xcomp")
