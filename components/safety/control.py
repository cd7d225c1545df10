"""The coercive control rules: a partner takes over the writer's phone, whereabouts, money or people.

By demand, prohibition, force or threat; or a refusal is punished. Free choices ("we agreed to swap
passwords", "I just let her") are not control.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.tokens import Span, Token

from coach.spacy_parse import (
    experiencer_of,
    is_denied,
    is_me,
    is_negated,
    is_partner_or_named,
    lower_lemma,
    subject_of,
)
from components.safety.clause import (
    children,
    is_hypothetical,
    lemmas_in,
    partner_does,
    span_of,
    subtree_without_subject,
)
from components.safety.findings import COERCIVE_CONTROL, DANGER, Finding
from components.safety.patterns import words


def reaches_controlled_thing(tokens: Iterable[Token]) -> bool:
    """Does this stretch of the parse name something coercive control takes over?"""
    controlled = words("controlled_things")
    for token in tokens:
        lemma = lower_lemma(token)
        if lemma in words("only_as_nouns") and token.pos_ != "NOUN":
            continue
        if lemma in controlled or token.lower_ in controlled:
            # "check in" is reporting one's whereabouts; "check" alone is not.
            if lemma == "check" and not any(c.lower_ == "in" for c in token.children):
                continue
            return True
        # "go out", "go anywhere" are the user's freedom to move.
        if lemma in words("going_out_verbs") and any(c.lower_ in words("going_out_words")
                                                     for c in token.children):
            return True
        if lemma in words("reporting_acts") or (lemma == "write" and any(c.lower_ == "down"
                                                                          for c in token.children)):
            return True
    return False


def mentions_sacrifice(tokens: Iterable[Token]) -> bool:
    """The user gives something up or hands it over: "I quit football", "I send her my location"."""
    for token in tokens:
        if lower_lemma(token) in words("sacrifice_verbs"):
            subject = subject_of(token)
            if subject is not None and is_me(subject):
                return True
    return False


def _check_coercion(verb: Token) -> Finding | None:
    """ "She makes me share my location", "he demands my passwords", "forces me to hand over my
    paycheck" -- the partner compels, and what he compels reaches phone, money, people or place."""
    if not partner_does(verb) or is_hypothetical(verb):
        return None
    lemma = lower_lemma(verb)
    reached = subtree_without_subject(verb)
    if lemma == "make" and lemmas_in(reached) & words("made_to_feel"):
        return None  # "he makes me feel guilty about seeing my friends" is about feelings
    if lemma == "make" and not _compels_user(verb):
        return None  # "she made a crack about my phone": made, not made me do
    if lemma in words("force_verbs") and _compels_user(verb):
        return COERCIVE_CONTROL, span_of(verb.doc, [verb, *reached])
    if lemma in words("coercion_verbs") and reaches_controlled_thing(reached):
        return COERCIVE_CONTROL, span_of(verb.doc, [verb, *reached])
    return None


def _compels_user(verb: Token) -> bool:
    """ "Forced ME to", "forces me into" -- not "forced a smile"."""
    if any(is_me(c) for c in children(verb, "dobj")):
        return True
    return any(is_me(s) for clause in children(verb, "ccomp", "xcomp")
               for s in children(clause, "nsubj"))


def _check_prohibition(verb: Token) -> Finding | None:
    """ "He forbids me from seeing my sister", "she has isolated me from everyone"."""
    if not partner_does(verb):
        return None
    reached = subtree_without_subject(verb)
    if not reached:
        return None
    return COERCIVE_CONTROL, span_of(verb.doc, [verb, *reached])


def _check_permission(verb: Token) -> Finding | None:
    """ "He won't let me see my friends", "I'm not allowed to go out" -- not "she won't let me
    explain" (a quarrel) and not "we agreed to share passwords" (a choice)."""
    if not is_negated(verb) or _at_institution(verb):
        return None
    subject = subject_of(verb)
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    if subject is None or not (is_me(subject) if passive else is_partner_or_named(subject)):
        return None
    for action in children(verb, "xcomp", "ccomp"):
        if _restricts(action):
            return COERCIVE_CONTROL, span_of(verb.doc, [verb, *action.subtree])
    # "I'm not allowed my own bank card"
    for thing in children(verb, "dobj", "dative"):
        if reaches_controlled_thing(thing.subtree):
            return COERCIVE_CONTROL, span_of(verb.doc, [verb, *thing.subtree])
    return None


def _check_said_prohibition(say: Token) -> Finding | None:
    """ "My husband says I can't go to my sister's wedding", "she told me I can't see my
    friends" -- a partner's word as a ban."""
    if not partner_does(say):
        return None
    for clause in children(say, "ccomp"):
        subject = subject_of(clause)
        banned = is_negated(clause) and any(lower_lemma(c) in words("permission_modals")
                                            for c in clause.children)
        if subject is not None and is_me(subject) and banned and _restricts(clause):
            return COERCIVE_CONTROL, span_of(say.doc, [say, *clause.subtree])
    return None


def _at_institution(verb: Token) -> bool:
    """ "I'm not allowed to have my phone at work" is a workplace rule, not a partner's."""
    for prep in (t for t in verb.subtree if t.dep_ == "prep" and t.lower_ in words("place_preps")):
        if any(lower_lemma(o) in words("institutions") for o in children(prep, "pobj")):
            return True
    return False


def _restricts(action: Token) -> bool:
    """What a partner stops the user doing: going out, seeing people, working -- not explaining,
    which is part of every quarrel ("she won't let me explain")."""
    lemma = lower_lemma(action)
    if lemma in words("quarrel_activities"):
        return False
    if reaches_controlled_thing(action.subtree):
        return True
    return lemma in words("restricted_activities") and lemma not in words("restricted_if_controlled")


def _check_prevention(verb: Token) -> Finding | None:
    """ "He stops me from seeing my family", "keeps me from going out"."""
    if not partner_does(verb):
        return None
    for prep in children(verb, "prep"):
        if prep.lower_ != "from":
            continue
        for action in children(prep, "pcomp", "pobj"):
            if _restricts(action) or reaches_controlled_thing(action.subtree):
                return COERCIVE_CONTROL, span_of(verb.doc, [verb, *prep.subtree])
    return None


def _check_seizure(verb: Token) -> Finding | None:
    """ "He controls all the money", "she takes my paycheck", "tracks my location", "put a tracker
    on my car", "cut me off from my family" -- the partner takes over what is the user's, and the
    user has not said they agreed ("she tracks my location and I just let her")."""
    if not partner_does(verb) or _user_consents(verb.sent):
        return None
    lemma = lower_lemma(verb)
    reached = subtree_without_subject(verb)
    lemmas = lemmas_in(reached)
    objects = children(verb, "dobj") + [o for p in children(verb, "prep")
                                        for o in children(p, "pobj")]
    users_own = [o for o in objects if is_me(o) or _owned_by_user(o)]
    if lemma in words("surveillance_verbs") and (users_own or lemmas & words("surveillance_reach")):
        return COERCIVE_CONTROL, span_of(verb.doc, [verb, *reached])
    if (lemma in words("planting_verbs") and lemmas & words("surveillance_tools")
            and lemmas & words("my_or_me")):
        return COERCIVE_CONTROL, span_of(verb.doc, [verb, *reached])
    if lemma == "control" and (lemmas & words("control_scope") or reaches_controlled_thing(reached)):
        return COERCIVE_CONTROL, span_of(verb.doc, [verb, *reached])
    if lemma == "cut":
        if "off" in lemmas and reaches_controlled_thing(reached):
            return COERCIVE_CONTROL, span_of(verb.doc, [verb, *reached])
        return None
    if lemma == "lock" and "me" in lemmas:
        kind = COERCIVE_CONTROL if reaches_controlled_thing(reached) else DANGER
        return kind, span_of(verb.doc, [verb, *reached])
    if lemma in words("taking_over_verbs"):
        owned = [o for o in objects if _owned_by_user(o) and reaches_controlled_thing([o])]
        if owned and not lemmas & words("harmless_handling"):
            return COERCIVE_CONTROL, span_of(verb.doc, [verb, *owned[0].subtree])
    return None


def _user_consents(sentence: Span) -> bool:
    """ "...and I let her", "I don't mind", "we both agreed": the user's own say-so."""
    for token in sentence:
        lemma = lower_lemma(token)
        subject = subject_of(token) if token.pos_ in ("VERB", "AUX") else None
        if subject is None or not (is_me(subject) or subject.lower_ == "we"):
            continue
        if lemma in words("consent_verbs") and not is_denied(token):
            return True
        if lemma == "mind" and is_negated(token):
            return True
    return False


def _owned_by_user(token: Token) -> bool:
    return any(c.dep_ == "poss" and c.lower_ == "my" for c in token.children)


def _check_controlling(word: Token) -> Finding | None:
    """ "He's very controlling", "my controlling husband" -- not "I don't want to seem
    controlling"."""
    if is_denied(word):
        return None
    if word.dep_ == "amod":
        if not is_partner_or_named(word.head):
            return None
        return COERCIVE_CONTROL, span_of(word.doc, [word, word.head])
    owner = experiencer_of(word)
    if owner is None or not is_partner_or_named(owner):
        return None
    return COERCIVE_CONTROL, span_of(word.doc, [owner, word] if owner.i < word.i else [word])


def _check_allowance(allowance: Token) -> Finding | None:
    """ "He gives me an allowance", "I'm on an allowance" -- an adult's own money doled out."""
    verb = allowance.head
    while verb.dep_ in ("pobj", "prep") and verb.head != verb:
        verb = verb.head
    if is_denied(verb) or is_hypothetical(verb):
        return None
    doer = subject_of(verb)
    receivers = [c for c in verb.children if c.dep_ in ("dative", "dobj") and is_me(c)]
    if doer is not None and is_partner_or_named(doer) and (receivers or lower_lemma(verb) == "give"):
        return COERCIVE_CONTROL, span_of(allowance.doc, [verb, allowance])
    if doer is not None and is_me(doer) and lower_lemma(verb) in words("receiving_verbs"):
        return COERCIVE_CONTROL, span_of(allowance.doc, [verb, allowance])
    return None


def _check_permission_noun(permission: Token) -> Finding | None:
    """ "I need his permission to go out", "I have to ask him for money"."""
    owners = [c for c in permission.children if c.dep_ == "poss"]
    if owners and is_partner_or_named(owners[0]) and not is_denied(permission):
        return COERCIVE_CONTROL, span_of(permission.doc, [owners[0], *permission.subtree])
    return None


def _check_obliged_to_partner(verb: Token) -> Finding | None:
    """ "I have to ask him for money", "I have to send him a photo every hour to prove where I
    am" -- the user is obliged, the partner receives, and it is money, whereabouts or devices."""
    obliged = (verb.dep_ == "xcomp" and lower_lemma(verb.head) in words("obligation_verbs")
               ) or any(c.lower_ == "must" for c in verb.children)
    subject = subject_of(verb)
    if not obliged or subject is None or not is_me(subject) or is_denied(verb):
        return None
    receivers = [c for c in verb.children if c.dep_ in ("dative", "dobj") and is_partner_or_named(c)]
    receivers += [o for p in children(verb, "prep") if p.lower_ in words("receiver_preps")
                  for o in children(p, "pobj") if is_partner_or_named(o)]
    if receivers and reaches_controlled_thing(subtree_without_subject(verb)):
        return COERCIVE_CONTROL, span_of(verb.doc, [verb, *subtree_without_subject(verb)])
    return None


def check_punished_refusal(sentence: Span, before: Span | None) -> Finding | None:
    """A controlled act tied to a partner's punishment: "if I don't send her my location she
    gives me the silent treatment", "I gave up football because he threatened to leave". The act
    may be in the sentence before: "She makes me write down everyone I talked to. If I leave
    someone out she screams for hours"."""
    if not lemmas_in(sentence) & words("condition_links"):
        return None
    acts = [sentence] + ([before] if before is not None else [])
    if not any(reaches_controlled_thing(span) or mentions_sacrifice(span) for span in acts):
        return None
    punishment = next((t for t in sentence if _is_punishment(t)), None)
    return (COERCIVE_CONTROL, sentence) if punishment is not None else None


def _is_punishment(token: Token) -> bool:
    """What a partner does to a user who refused: leaves, screams, takes the phone, tells all."""
    lemma = lower_lemma(token)
    if lemma in words("punishment_nouns"):
        return any(c.lower_ == "silent" for c in token.children)
    if token.lower_ in words("breakup_states"):  # "he says we're done"
        owner = token.head if token.dep_ in ("acomp", "advmod") else token
        subject = subject_of(owner) if owner.pos_ in ("VERB", "AUX") else None
        return subject is not None and subject.lower_ in words("relationship_subjects") and any(
            partner_does(a) for a in token.ancestors if lower_lemma(a) in words("speech_verbs"))
    if token.pos_ != "VERB" or (lemma not in words("punishment_verbs") and lemma != "tell"):
        return False
    doer = subject_of(token)
    if doer is None or not is_partner_or_named(doer) or is_denied(token):
        return False
    objects = {c.lower_ for c in token.children}
    below = lemmas_in(token.subtree)
    if lemma in words("rejection_verbs"):
        return bool(objects & words("me")) and "alone" not in objects  # not "leaves the room"
    if lemma in words("dispossession_verbs"):
        return reaches_controlled_thing(token.subtree) or "me" in below  # "takes it off me"
    if lemma == "tell":
        return bool(below & words("exposure_audience"))  # "she'd tell everyone I cheated"
    return True


# The rules, by the label their patterns carry in patterns/control_patterns.jsonl. A punished refusal
# has no pattern: check.py reads every sentence for it (check_punished_refusal).
ANCHOR_CHECKS: dict[str, Callable[[Token], Finding | None]] = {
    "coercion": _check_coercion,
    "prohibition": _check_prohibition,
    "permission": _check_permission,
    "said_prohibition": _check_said_prohibition,
    "prevention": _check_prevention,
    "seizure": _check_seizure,
    "controlling": _check_controlling,
    "allowance": _check_allowance,
    "permission_noun": _check_permission_noun,
    "obliged_to_partner": _check_obliged_to_partner,
}
