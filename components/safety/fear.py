"""The danger rules for fear: of a partner, of what a partner may do, of going home; not feeling safe."""

from __future__ import annotations

from collections.abc import Callable

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
from components.safety.clause import children, lemmas_in, span_of
from components.safety.danger import check_fixed_danger, kill_is_hyperbole
from components.safety.findings import DANGER, Finding
from components.safety.patterns import words


def _fear_scope(adjective: Token) -> list[Token]:
    """The words that say what a fear is of. They hang on the adjective, or on the verb it
    completes: in "I get scared when he drinks" the "when" clause belongs to "get"."""
    scope = list(adjective.children)
    if adjective.dep_ in ("acomp", "oprd"):
        scope += [c for c in adjective.head.children
                  if c != adjective and c.dep_ not in ("nsubj", "nsubjpass")]
    return scope


def _fear_is_of_partner(adjective: Token) -> Token | None:
    """What the fear is of, if it is a partner or what a partner might do; else None."""
    scope = _fear_scope(adjective)
    # Prepositions of the fear itself ("scared OF him", "scared to death OF him"), not those deep in
    # a clause after it ("scared to tell him I had lunch WITH my ex").
    preps = [c for c in scope if c.dep_ == "prep"]
    preps += [nested for prep in preps for obj in children(prep, "pobj")
              for nested in children(obj, "prep")]
    for prep in preps:
        found = _feared_through(prep)
        if found is not None:
            return found
    for clause in (c for c in scope if c.dep_ == "xcomp"):
        if _is_going_home(clause):
            return clause
    for clause in (c for c in scope if c.dep_ in ("ccomp", "advcl")):
        found = _feared_act(clause) if clause.dep_ == "ccomp" else _fear_trigger(clause)
        if found is not None:
            return found
    return None


def _feared_through(prep: Token) -> Token | None:
    """ "of him", "of his temper", "of what she'll do", "for my life", "around him", "at home"."""
    word = prep.lower_
    objects = children(prep, "pobj")
    if word == "of":
        for obj in objects:
            if is_partner_or_named(obj):
                return obj
            if lower_lemma(obj) in words("menace_nouns") and any(
                    is_partner_or_named(owner) for owner in children(obj, "poss")):
                return obj
        acts = (_feared_act(clause) for clause in children(prep, "pcomp"))
        return next((act for act in acts if act is not None), None)
    if word == "for":
        return next((o for o in objects if lower_lemma(o) in words("safety_nouns")), None)
    if word in words("nearness_preps"):
        return next((o for o in objects if is_partner_or_named(o)), None)
    if word == "at":
        return next((o for o in objects if lower_lemma(o) in words("home_words")), None)
    return None


def _is_going_home(clause: Token) -> bool:
    """ "(afraid) to go home", "(scared) to be alone with him"."""
    if lower_lemma(clause) not in words("going_home_verbs"):
        return False
    lemmas = lemmas_in(clause.subtree)
    alone_with_partner = "alone" in lemmas and any(
        is_partner_or_named(t) for t in clause.subtree if t.dep_ == "pobj")
    return bool(lemmas & words("home_words")) or alone_with_partner


def _feared_act(clause: Token) -> Token | None:
    """ "(scared) he'll hurt me", "(terrified of) what she'll do", "he'll get violent"."""
    lemma = lower_lemma(clause)
    going_to = children(clause, "xcomp")
    if lemma == "go" and going_to:
        return _feared_act(going_to[0])  # "he's going to do something"
    doer = subject_of(clause)
    if doer is None or not is_partner_or_named(doer):
        return None
    # What a feared partner may do: any violence, and "what she'll do", "he'll snap".
    if lemma not in words("violent_verbs") and lemma not in words("feared_partner_acts"):
        return None
    lemmas = lemmas_in(clause.subtree)
    if lemma == "get":
        return clause if lemmas & words("feared_states") else None
    if lemma == "lose":
        return clause if lemmas & words("losing_control_words") else None
    if lemma in words("pursuit_verbs"):
        return clause if lemmas & words("pursuit_words") else None
    if lemma == "do":
        return clause if lemmas & words("doing_something_words") else None
    if lemma == "happen":
        return clause if "me" in lemmas else None
    if lemma in words("hyperbole_verbs") and kill_is_hyperbole(clause, doer):
        return None
    return clause


def _fear_trigger(clause: Token) -> Token | None:
    """ "(I get scared) when he drinks / gets angry / starts yelling"."""
    doer = subject_of(clause)
    if doer is None or not is_partner_or_named(doer) or is_negated(clause):
        return None
    lemmas = lemmas_in(clause.subtree)
    lemma = lower_lemma(clause)
    if lemma in words("state_verbs"):
        return clause if lemmas & words("fear_trigger_states") else None
    if lemma in words("onset_verbs"):
        onset_of = (words("arrival_states") | words("fear_triggers")) - words("onset_verbs")
        return clause if lemmas & onset_of else None
    return clause if lemma in words("fear_triggers") else None


def _fear_experiencer_ok(adjective: Token) -> bool:
    """The user (or their kids) is afraid: not "he's afraid of me", "she's scared of commitment"."""
    experiencer = experiencer_of(adjective)
    if experiencer is None or experiencer.lower_ in words("generic_subjects"):
        return True  # "Is it normal to be afraid of your husband?"
    return is_me(experiencer) or lower_lemma(experiencer) in words("household")


def _check_fear(adjective: Token) -> Finding | None:
    """ "I'm scared of him", "afraid to go home", "terrified of what she'll do", "I feel unsafe"."""
    if adjective.dep_ == "amod" and adjective.head.pos_ == "NOUN":
        return None  # "a scary movie", "scared feeling"
    if not _fear_experiencer_ok(adjective) or is_denied(adjective):
        return None
    if adjective.lower_ == "unsafe":
        if _is_emotional_safety(adjective):
            return None
        return DANGER, span_of(adjective.doc, [adjective])
    cause = _fear_is_of_partner(adjective)
    if cause is None:
        cause = _fear_caused_by_partner(adjective)
    if cause is None:
        return None
    return DANGER, span_of(adjective.doc, [adjective, cause])


def _fear_caused_by_partner(adjective: Token) -> Token | None:
    """ "He makes me feel scared": the partner is the subject of the verb above the feeling."""
    node = adjective.head
    for _ in range(3):
        if lower_lemma(node) == "make":
            doer = subject_of(node)
            if doer is not None and is_partner_or_named(doer):
                return doer
        if node.head == node:
            return None
        node = node.head
    return None


def _check_not_safe(safe: Token) -> Finding | None:
    """ "I don't feel safe at home", "I'm not safe with him" -- but not "I don't feel safe
    opening up to her", which is about a conversation."""
    if safe.dep_ not in ("acomp", "ROOT", "ccomp", "xcomp") or not is_denied(safe):
        return None
    experiencer = experiencer_of(safe)
    if experiencer is not None and not (is_me(experiencer)
                                        or lower_lemma(experiencer) in words("household")):
        return None
    if _is_emotional_safety(safe):
        return None
    return DANGER, span_of(safe.doc, [safe.head, safe] if safe.head.i < safe.i else [safe])


def _is_emotional_safety(adjective: Token) -> bool:
    """ "Not safe enough to tell him", "don't feel safe opening up": safety in a conversation."""
    for token in (adjective, adjective.head):
        for child in token.children:
            if child.lower_ in words("emotional_safety"):
                return True
            if child.dep_ in ("xcomp", "advcl", "ccomp") and child != adjective:
                doer = subject_of(child)
                infinitive = any(c.lower_ == "to" for c in child.children)
                if (child.tag_ == "VBG" or infinitive) and not (doer and is_partner_or_named(doer)):
                    return True
            if child.dep_ == "dobj" and child.lower_.endswith("ing"):
                return True
    return False


def _check_fear_verb(verb: Token) -> Finding | None:
    """ "I fear him", "I fear for my life", "I dread going home"."""
    subject = subject_of(verb)
    if (subject is not None and not is_me(subject)) or is_denied(verb):
        return None
    for child in verb.children:
        if child.dep_ == "dobj" and is_partner_or_named(child):
            return DANGER, span_of(verb.doc, [verb, child])
        if child.lower_ == "for" and any(lower_lemma(o) in words("safety_nouns") for o in child.subtree):
            return DANGER, span_of(verb.doc, [verb, *child.subtree])
        if child.dep_ == "ccomp" and _feared_act(child) is not None:
            return DANGER, span_of(verb.doc, [verb, child])
        if child.dep_ in ("xcomp", "dobj") and "home" in lemmas_in(child.subtree):
            return DANGER, span_of(verb.doc, [verb, *child.subtree])
    return None


def _check_frighten(verb: Token) -> Finding | None:
    """ "He scares me", "her temper terrifies me" -- not "it scares me that she doesn't trust
    me"."""
    if not any(is_me(c) for c in children(verb, "dobj")):
        return None
    doer = subject_of(verb)
    if doer is None or is_denied(verb):
        return None
    if is_partner_or_named(doer) or (lower_lemma(doer) in words("menace_nouns")
                                     and any(is_partner_or_named(p) for p in doer.children
                                             if p.dep_ == "poss")):
        return DANGER, span_of(verb.doc, [doer, verb] if doer.i < verb.i else [verb])
    return None


def _check_in_danger(span: Span) -> Finding | None:
    """ "I'm in danger", "my life is in danger" -- not "I'm not in danger"."""
    verb = span[0].head
    if is_denied(verb):
        return None
    subject = subject_of(verb) if verb.pos_ in ("VERB", "AUX") else None
    if subject is not None and not (is_me(subject) or lower_lemma(subject) in
                                    words("safety_nouns") | words("household")):
        return None
    return DANGER, span


def _check_unknown_menace(know: Token) -> Finding | None:
    """ "I lock the bedroom door because I don't know what he'll do when he's drinking" -- not
    knowing what a partner will do, said beside a trigger or a precaution."""
    if not is_negated(know):
        return None
    for clause in children(know, "ccomp"):
        if lower_lemma(clause) != "do" or not any(c.lower_ == "what" for c in clause.children):
            continue
        doer = subject_of(clause)
        if doer is None or not is_partner_or_named(doer):
            continue
        sentence = list(know.sent)
        trigger = any(t.dep_ == "advcl" and _fear_trigger(t) is not None for t in sentence)
        precaution = any(lower_lemma(t) in words("protective_acts") and subject_of(t) is not None
                         and is_me(subject_of(t)) for t in sentence)
        if trigger or precaution:
            return DANGER, span_of(know.doc, [know, *clause.subtree])
    return None


# The rules, by the label their patterns carry in patterns/danger_patterns.jsonl.
ANCHOR_CHECKS: dict[str, Callable[[Token], Finding | None]] = {
    "fear_adjective": _check_fear,
    "fear_verb": _check_fear_verb,
    "frighten": _check_frighten,
    "not_safe": _check_not_safe,
    "unknown_menace": _check_unknown_menace,
}
PHRASE_CHECKS: dict[str, Callable[[Span], Finding | None]] = {
    "in_danger": _check_in_danger,
    "fear_for_life": check_fixed_danger,
}
