"""Giving in, declining, refusing to answer and insulting, read from who does what to what in the parse."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from actions.assessment.clauses import clause_span, negation_governs, objects_of, subject_word
from actions.assessment.knowledge import words
from actions.assessment.signals import Cue


def parsed_cues(doc: Doc) -> Iterator[Cue]:
    """Giving in and declining, read from who does what to what in the parse.

    The same verbs make both: "i'll cancel" gives in, "i won't cancel" declines; "i won't go" gives
    in, "i'm still going" declines; "take my phone" gives in, "i'm not giving you my password"
    declines.
    """
    for verb in doc:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        lemma = verb.lemma_.lower()
        subject = subject_word(verb)
        denied = negation_governs(verb)
        by_me = subject == "i"
        # "why should i give up something i love?" asks why, it does not give it up.
        asked_why = any(child.lower_ == "why" for child in verb.children)
        if _gives_up(verb) and by_me and not _stops_by(verb) and not asked_why:
            # "i won't stop seeing them" declines; "i can't stop thinking about you" does not.
            if not denied:
                yield Cue("giving_in", clause_span(verb))
            elif _promised(verb):
                yield Cue("decline", clause_span(verb))
        handing = (lemma in words("giving_verbs") and by_me) or (
            lemma in words("taking_verbs") and subject in ("you", None)
        )
        if handing and _hands_over_access(verb) or _invites_a_search(verb, subject):
            if denied and by_me:
                yield Cue("decline", clause_span(verb, with_object=True))
            elif not denied:
                yield Cue("giving_in", clause_span(verb, with_object=True))
        if lemma == "keep" and by_me and not denied and _kept_private(verb):
            yield Cue("decline", clause_span(verb, with_object=True))
        own_life = lemma in words("own_life_verbs") and by_me and not _is_going_to(verb)
        if own_life and _promised(verb):
            if (denied and not _goes_nowhere(verb)) or (not denied and _less(verb)):
                yield Cue("giving_in", clause_span(verb))
        if own_life and not denied and _still(verb):
            yield Cue("decline", clause_span(verb))
        if lemma in words("reporting_verbs") and by_me and _promised(verb) and _reports_whereabouts(verb):
            # The whole promise, so the offer inside it ("i'll message you") does not hide it.
            clause = clause_span(verb)
            yield Cue("giving_in", doc[clause.start : max(clause.end, verb.right_edge.i + 1)])
        if denied and subject in ("i", None) and _refuses_to_answer(verb):
            yield Cue("ignoring", clause_span(verb, with_object=True))
    for word in doc:
        attacking = word.lower_ in words("insults") or word.lower_ in words("scorned")
        if attacking and not negation_governs(word):
            if _insults_partner_or_question(word):
                yield Cue("angry", doc[word.i : word.i + 1])


def _insults_partner_or_question(word: Token) -> bool:
    """'creepy.', 'you make it impossible', 'this is insane': the partner, or their asking, attacked.

    A word of character ("jealous", "suspicious") must be said of the partner, so "it looks suspicious"
    is not an attack; a word of scorn ("ridiculous", "insane") may be said of the question too.
    "i'm not crazy" and "my friends are so dramatic" are neither.
    """
    if word.dep_ == "ROOT":
        return True
    clause = word
    while not any(child.dep_ in ("nsubj", "nsubjpass") for child in clause.children):
        if clause.head == clause:
            return False
        clause = clause.head
    subject = next(child for child in clause.children if child.dep_ in ("nsubj", "nsubjpass"))
    if subject.norm_ in words("you_typed"):
        return True
    if clause.lemma_ == "make" and clause.head != clause:
        # "you make it impossible": the subject of "make" is the one blamed.
        return any(child.norm_ in words("you") for child in clause.head.children if child.dep_ == "nsubj")
    return word.lower_ in words("scorned") and subject.norm_ in words("the_question")


def _hands_over_access(verb: Token) -> bool:
    """The user's own password, phone or messages, or any of them given to the partner.

    "i sent her a message" hands nothing over; "i'll send you my location" does. Showing one
    particular thing is openness, not access: "i can show you the chat with jo" (but "i'll show you
    my messages", "i'll show you the texts" hand them over).
    """
    to_partner = any(token.lower_ == "you" for token in objects_of(verb))
    showing = verb.lemma_.lower() in words("showing_verbs")
    return any(
        token.lemma_.lower() in words("access_nouns")
        and (
            any(child.lower_ == "my" for child in token.children)
            or (to_partner and not (showing and _particular_thing(token)))
        )
        for token in objects_of(verb)
    )


def _particular_thing(token: Token) -> bool:
    """'the chat', 'the message from sam', 'the texts about saturday': one thing, not all of them."""
    return token.tag_ in ("NN", "NNP") or any(
        child.dep_ in ("prep", "relcl", "acl") for child in token.children
    )


def _invites_a_search(verb: Token, subject: str | None) -> bool:
    """'read them all', 'you can check whatever you want': the partner invited to go through it all."""
    return (
        verb.lemma_.lower() in words("reading_verbs")
        and subject in ("you", None)
        and not any(child.dep_ == "prt" and child.lower_ == "out" for child in verb.children)
        and any(token.lower_ in words("everything") for token in objects_of(verb))
        # "happy to go over it together" looks at it side by side.
        and not any(child.lower_ == "together" for child in verb.children)
    )


def _reports_whereabouts(verb: Token) -> bool:
    """'i'll send you a pic of wherever i am': checking in before every move."""
    to_partner = any(token.lower_ == "you" for token in objects_of(verb))
    return to_partner and any(token.lower_ in words("whereabouts") for token in verb.subtree)


def _refuses_to_answer(verb: Token) -> bool:
    """A denied 'answer', 'explain' or 'talk about it', or a denied verb of an answer or conversation."""
    lemma = verb.lemma_.lower()
    if lemma in words("refused"):
        return True
    if lemma == "get" and any(child.lower_ == "into" for child in verb.children):
        return True
    if lemma in words("talking_verbs") and not any(
        child.lower_ in words("talking_to") for child in verb.children if child.dep_ == "prep"
    ):
        return True
    return any(token.lemma_.lower() in words("refused_talk") for token in objects_of(verb))


def _less(verb: Token) -> bool:
    """'i'll only go twice a week', 'i'll play less': a life cut down to calm the partner."""
    return any(token.lower_ in words("cut_down_words") for token in verb.subtree)


def _kept_private(verb: Token) -> bool:
    """'i'd rather keep my password', 'i'd like to keep that to myself'."""
    return _hands_over_access(verb) or any(
        token.lower_ in words("private_words") for token in verb.subtree
    )


def _promised(verb: Token) -> bool:
    """'i won't go', 'i'm not going to see them', 'i'm not coming': a promise, not a fact."""
    auxiliaries = {child.norm_ for child in verb.children if child.dep_ == "aux"}
    head = verb.head if verb.dep_ == "xcomp" else verb
    auxiliaries |= {child.norm_ for child in head.children if child.dep_ == "aux"}
    # "i'm not coming" speaks of the future as surely as "i won't come".
    progressive = verb.tag_ == "VBG" and bool(auxiliaries & words("progressive_be"))
    future = bool(auxiliaries & words("future_auxiliaries")) or head.lemma_ in words("future_heads")
    return future or progressive


def _is_going_to(verb: Token) -> bool:
    """The "going" of "i'm going to stop" only marks the future; it is not going anywhere."""
    return verb.lemma_ == "go" and any(
        child.dep_ == "xcomp" and any(grandchild.lower_ == "to" for grandchild in child.children)
        for child in verb.children
    )


def _goes_nowhere(verb: Token) -> bool:
    """'i'm not going anywhere' is a promise to stay, not a plan given up."""
    return any(child.lower_ in words("going_nowhere") for child in verb.children)


def _still(verb: Token) -> bool:
    """'i'm still going', 'i still want to see them'."""
    heads = [verb, verb.head] if verb.dep_ == "xcomp" else [verb]
    return any(child.lower_ == "still" for head in heads for child in head.children)


def _gives_up(verb: Token) -> bool:
    """'i'll cancel', 'i'll stop', and the phrasal ones: 'i'll give it up', 'i'll cut back'."""
    particles = {child.lower_ for child in verb.children
                 if child.dep_ in ("prt", "advmod", "dobj", "prep")}
    lemma = verb.lemma_.lower()
    return lemma in words("surrender_verbs") or any(
        f"{lemma} {particle}" in words("surrender_phrasal") for particle in particles
    )


def _stops_by(verb: Token) -> bool:
    """'i stopped by the store', 'i stopped somewhere' is an errand, not a surrender."""
    errands = words("errand_words")
    return verb.lemma_.lower() == "stop" and any(child.lower_ in errands for child in verb.children)
