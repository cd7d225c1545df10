"""Who does what in a clause of the reply, and whether it is denied: the parse as the assessment reads it.

These read the subject as a word ("i", "you") and follow a denial further than the shared helpers of
coach/spacy_parse.py do ("i'm not going to GIVE you"), stopping at a comma.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Span, Token

from actions.assessment.knowledge import words

# The dependents a denial further up reaches: "i'm not ANGRY", "i'm not going to GIVE you".
NEGATION_REACHES = {"acomp", "xcomp", "attr", "dobj", "pobj", "prep", "amod", "advmod", "prt", "aux", "oprd"}


def subject_word(verb: Token) -> str | None:
    """'i', 'you', another subject's lowercase text, or None for an imperative.

    Follows "want to go" and "going to cancel" up to the verb that has the subject, and reads "ill"
    before a verb as "i'll".
    """
    token = verb
    for _ in range(3):
        subjects = [child for child in token.children if child.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects[0].norm_
        if any(child.lower_ == "ill" and child.i < verb.i for child in token.children):
            return "i"
        if token.dep_ in ("xcomp", "conj", "ccomp") and token.head != token:
            token = token.head
        else:
            break
    if verb.i > 0 and verb.doc[verb.i - 1].lower_ == "ill":
        return "i"
    return None


def negation_governs(token: Token) -> bool:
    """True when a "not" or "never" governs the token, directly or from the verb above it."""
    for _ in range(4):
        if any(
            (child.dep_ == "neg" or child.norm_ in words("negations")) and not _comma_between(child, token)
            for child in token.children
        ):
            return True
        head = token.head
        if head == token:
            return False
        if token.dep_ in NEGATION_REACHES or (
            token.dep_ == "ccomp" and head.lemma_ in words("deniable_thoughts")
        ):
            token = head
        else:
            return False
    return False


def _comma_between(first: Token, second: Token) -> bool:
    """'absolutely not, you're out of your mind': a denial does not reach past a comma or full stop."""
    start, end = sorted((first.i, second.i))
    return any(token.is_punct for token in first.doc[start + 1 : end])


def clause_span(verb: Token, with_object: bool = False) -> Span:
    """The words from the verb's subject, auxiliaries and negation to the verb (and its object)."""
    parts = [verb] + [child for child in verb.children
                      if child.dep_ in ("nsubj", "aux", "neg", "prt") and child.i < verb.i + 2]
    head = verb
    while head.dep_ == "xcomp" and head.head != head:
        head = head.head
        parts += [head] + [child for child in head.children if child.dep_ in ("nsubj", "aux", "neg")]
    if verb.i > 0 and verb.doc[verb.i - 1].lower_ == "ill":
        parts.append(verb.doc[verb.i - 1])
    end = max(token.i for token in parts) + 1
    if with_object:
        objects = [token for token in objects_of(verb)
                   if token.lemma_.lower() in words("access_nouns") or token.lower_ in words("everything")]
        end = max([end] + [token.i + 1 for token in objects])
    else:
        end = max([end] + [child.i + 1 for child in verb.children if child.dep_ == "prt"])
    return verb.doc[min(token.i for token in parts) : end]


def objects_of(verb: Token) -> Iterator[Token]:
    for child in verb.children:
        if child.dep_ in ("dobj", "dative", "attr", "nsubjpass"):
            yield child
            yield from child.conjuncts
        elif child.dep_ in ("prep", "prt"):
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    yield grandchild

