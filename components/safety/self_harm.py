"""The self-harm rules: the writer wants to die or to hurt themselves, said outright or by method or means."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Span, Token

from coach.spacy_parse import (
    experiencer_of,
    is_denied,
    is_me,
    is_negated,
    is_other_person,
    lower_lemma,
    subject_of,
)
from components.safety.clause import children, has_prep, is_modal, lemmas_in, span_of
from components.safety.findings import SELF_HARM, Finding
from components.safety.patterns import words


def _is_third_party(token: Token | None) -> bool:
    """Someone other than the writer: "my brother", "he" (not "it", "you" or "everyone")."""
    return token is not None and is_other_person(token)


def _self_harm_is_exertion(verb: Token) -> bool:
    """ "I'm killing myself trying to please him", "only hurting myself by staying", "at work"."""
    for child in verb.children:
        if child.dep_ == "advcl" and lower_lemma(child) in words("exertion_verbs"):
            return True
        # "hurting myself by staying", "I could kill myself for forgetting": effort or blame.
        if (child.dep_ == "prep" and child.lower_ in words("effort_or_blame_preps")
                and children(child, "pcomp")):
            return True
        if child.dep_ == "prep" and child.lower_ in words("exertion_place_preps"):
            objects = children(child, "pobj")
            if any(lower_lemma(o) in words("exertion_places") for o in objects):
                return True
    return False


def _self_harm_is_accident(verb: Token) -> bool:
    """ "I cut myself shaving", "hurt myself at the gym" -- unless "again" or "on purpose"."""
    said = lemmas_in(verb.sent)
    habit = lower_lemma(verb.head) in words("habit_verbs") or any(c.lower_ == "been" for c in verb.children)
    if said & words("self_harm_intent_words") or habit:
        return False
    for child in verb.children:
        if child.dep_ == "advcl" and child.tag_ == "VBG":
            return True
        if child.dep_ == "advcl" and any(c.lower_ in words("accident_clause_marks") for c in child.children):
            return True
        if child.dep_ == "prep" and child.lower_ in words("accident_setting_preps"):
            return True  # "on the stove", "at the gym"; but "with a lighter" is a means
        if child.lower_ in words("accident_words"):
            return True
    return False


def _check_self_harm_verb(verb: Token, target: Token, *_: Token) -> Finding | None:
    """ "I want to kill myself", "I've been cutting myself", "slit my wrists"."""
    subject = subject_of(verb)
    if subject is not None and not is_me(subject):
        return None
    if is_denied(verb) or _self_harm_is_exertion(verb):
        return None
    if lower_lemma(verb) not in words("never_accidental_self_harm") and _self_harm_is_accident(verb):
        return None
    return SELF_HARM, span_of(verb.doc, [verb, target])


def _check_end_my_life(verb: Token, life: Token, *_: Token) -> Finding | None:
    """ "I want to end my life", "take my own life"."""
    if is_denied(verb):
        return None
    subject = subject_of(verb)
    if subject is not None and not is_me(subject):
        return None
    return SELF_HARM, span_of(verb.doc, [verb, life])


def _check_want_to_die(want: Token) -> Finding | None:
    """ "I want to die" (not "dying to know", "want to die of embarrassment"), and its mirror,
    "I don't want to live / be alive / be here / wake up anymore"."""
    subject = subject_of(want)
    if subject is not None and not is_me(subject):
        return None
    for wanted in children(want, "xcomp", "ccomp"):
        own_subject = next(iter(children(wanted, "nsubj")), None)
        if own_subject is not None and not is_me(own_subject):
            continue  # "I want him to die" is anger, not a wish to die
        for act in (wanted, *wanted.conjuncts):
            if _is_wish_to_die(want, act):
                return SELF_HARM, span_of(want.doc, [want, *act.subtree])
    return None


def _is_wish_to_die(want: Token, act: Token) -> bool:
    lemma = lower_lemma(act)
    if lemma == "die":
        # "I want to die of embarrassment", "die laughing": wanting to die counts when it stands alone.
        return (not is_denied(want) and not is_negated(act)
                and not any(c.lower_ in words("die_idiom_preps") or c.tag_ == "VBG" for c in act.children))
    if lemma == "disappear":
        return not is_denied(want) and bool(lemmas_in(act.subtree) & words("forever_words"))
    # Not wanting to live, or wanting not to wake up: exactly one of the two is denied.
    return (lemma in words("life_verbs") and is_negated(want) != is_negated(act)
            and _is_life_itself(act))


def _is_life_itself(verb: Token) -> bool:
    """ "live", "be alive", "be here", "wake up", "go on" -- with nowhere, no one and nothing
    else attached ("live with him", "be in this relationship" are about the relationship)."""
    lemma = lower_lemma(verb)
    preps = [c for c in verb.children if c.dep_ in ("prep", "dobj", "dative", "ccomp", "xcomp")]
    if lemma == "be":
        states = [c for c in verb.children if c.lower_ in words("life_states")]
        return bool(states) and not preps and not any(has_prep(s) for s in states)
    if lemma == "wake":
        return True
    if lemma in words("going_on_verbs"):
        return any(c.lower_ == "on" for c in verb.children) and not preps
    return not preps


def _check_wish_dead(wish: Token) -> Finding | None:
    """ "I wish I was dead", "I wish I'd never been born", "I wish I wasn't alive"."""
    if is_negated(wish):
        return None
    subject = subject_of(wish)
    if subject is not None and not is_me(subject):
        return None
    for clause in children(wish, "ccomp"):
        clause_subject = subject_of(clause)
        if clause_subject is None or not is_me(clause_subject):
            continue
        said = {t.lower_ for t in clause.subtree}
        if "dead" in said and not is_negated(clause):
            return SELF_HARM, span_of(wish.doc, [wish, *clause.subtree])
        if said & words("alive_words") and is_negated(clause):
            return SELF_HARM, span_of(wish.doc, [wish, *clause.subtree])
    return None


def _check_rather_dead(dead: Token) -> Finding | None:
    """ "I'd rather be dead", "better off if I was dead", "easier if I wasn't alive" -- not "my
    phone is dead", "I'm dead tired" or "I'm dead" after a joke, which are neither wished nor
    imagined."""
    if dead.dep_ not in ("acomp", "attr", "oprd"):
        return None
    verb = dead.head
    subject = subject_of(verb)
    if subject is None or not is_me(subject):
        return None
    # "Dead" and "gone" must stand; "alive" must be denied.
    if is_denied(dead) != (dead.lower_ == "alive"):
        return None
    marks = {c.lower_ for c in verb.children}
    if dead.lower_ == "gone":
        # "If I was gone, nobody would notice" -- but "if I'm gone for a week" is a trip.
        imagined = "if" in marks and not any(
            c.dep_ in ("prep", "npadvmod") for c in (*verb.children, *dead.children))
    else:
        imagined = is_modal(verb) or lower_lemma(verb.head) == "wish" or bool(marks & words("imagined_marks"))
    return (SELF_HARM, span_of(dead.doc, [verb, dead])) if imagined else None


def _check_pointless_life(span: Span) -> Finding | None:
    """ "I don't see the point in living", "no reason to keep going", "what's the point of
    living" -- denied or questioned; not "the point of living together is..." and not "how do I
    keep going without burning out"."""
    point, last = span[0], span[-1]
    attached = [last] if last.head == point or last.head.pos_ == "ADP" else [last, last.head]
    if any(has_prep(token) for token in attached):
        return None  # "no reason to keep going with this diet", "no point in living with him"
    sentence_before = point.doc[point.sent.start:point.i]
    asks_what = any(t.lower_ == "what" for t in sentence_before)
    if is_negated(point) or is_denied(point.head) or asks_what:
        return SELF_HARM, span
    return None


def _check_cutting_habit(cut: Token) -> Finding | None:
    """ "I started cutting again", "I've been cutting" -- cutting with no object, as a habit;
    not "cutting back", "cutting carbs", "cutting class"."""
    if any(c.dep_ in ("dobj", "prt", "prep", "dative") for c in cut.children):
        return None
    subject = subject_of(cut)
    if subject is None or not is_me(subject) or is_denied(cut):
        return None
    habit = (any(c.lower_ in words("habit_marks") for c in cut.children)
             or lower_lemma(cut.head) in words("habit_verbs") | words("quitting_verbs"))
    if not habit:
        return None
    return SELF_HARM, span_of(cut.doc, [subject, cut] if subject.i < cut.i else [cut])


def _check_suicide_word(word: Token) -> Finding | None:
    """ "I'm suicidal", "I've been thinking about suicide", "I took an overdose" -- the writer's
    own, not a brother's, and not denied ("I'm not suicidal")."""
    if is_denied(word) or _is_third_party(experiencer_of(word)):
        return None
    return SELF_HARM, span_of(word.doc, [word])


def _is_contemplated(verb: Token) -> bool:
    """Thought of, wanted or planned: "thinking about driving into a tree", "how easy it would be
    to step off" -- not a report of what happened ("I drove into a tree last winter")."""
    contemplation = words("contemplation")
    node = verb
    for _ in range(5):
        if lower_lemma(node) in contemplation or node.lower_ in contemplation or is_modal(node):
            return True
        if any(c.lower_ in contemplation for c in node.children):
            return True
        if node.head == node:
            return False
        node = node.head
    return False


def _check_method(verb: Token) -> Finding | None:
    """ "I keep thinking about jumping off a bridge", "thinkin bout driving into a tree",
    "think how easy it would be to just step off" (the balcony named earlier in the sentence)."""
    here = lemmas_in(verb.subtree)
    hazards = words("hazards")
    towards = any(c.lower_ in words("towards_hazard_words") for c in verb.children)
    if not (here & hazards or (towards and lemmas_in(verb.sent) & hazards)):
        return None
    if _is_third_party(subject_of(verb)) or is_denied(verb):
        return None
    if "myself" not in here and not _is_contemplated(verb):
        return None
    return SELF_HARM, span_of(verb.doc, [verb, *verb.subtree])


def _check_pill_amount(pill: Token) -> Finding | None:
    """ "I looked up how many of my sleeping pills it would take", "been saving up my meds":
    an amount to take, or a store kept -- not "I forgot to take my pills"."""
    sentence = lemmas_in(pill.sent)
    verb = pill.head
    while verb.dep_ in ("pobj", "prep", "conj") and verb.head != verb:
        verb = verb.head
    if lower_lemma(verb) in words("stockpile_verbs") and not is_denied(verb):
        subject = subject_of(verb)
        if subject is None or is_me(subject):
            return SELF_HARM, span_of(pill.doc, [verb, pill])
    takes = [t for t in pill.sent if lower_lemma(t) in words("taking_verbs")]
    if not takes or not sentence & words("pill_amounts"):
        return None
    take = takes[0]
    subject = subject_of(take)
    if _is_third_party(subject) or is_denied(take):
        return None
    return SELF_HARM, span_of(pill.doc, [pill, take])


def _check_death_wish_phrase(span: Span) -> Finding | None:
    """Fixed expressions ("end it all", "better off dead", "no reason to live"), unless the
    sentence denies them ("I'd never end it all") or they are about someone else."""
    root = span.root
    if span[0].lower_ not in words("negative_phrase_openers") and is_denied(root):
        return None
    # "Everyone would be better off without me" is about the writer whoever its subject is.
    if span[-1].lower_ != "me" and _is_third_party(experiencer_of(root)):
        return None
    # "Sick of living with a detective": living with someone, not life itself ("tired of living
    # with this pain" still counts).
    after = span.doc[span.end] if span.end < len(span.doc) else None
    if span[-1].lower_ == "living" and after is not None and after.lower_ == "with" and any(
            lower_lemma(o) not in words("burdens") for o in children(after, "pobj")):
        return None
    # "I wrote her a goodbye letter" is a breakup, not a suicide note.
    if lower_lemma(root) in words("farewell_notes") and children(root.head, "dative"):
        return None
    return SELF_HARM, span


# The rules, by the label their patterns carry in patterns/self_harm_patterns.jsonl.
ANCHOR_CHECKS: dict[str, Callable[[Token], Finding | None]] = {
    "want_to_die": _check_want_to_die,
    "wish_dead": _check_wish_dead,
    "rather_dead": _check_rather_dead,
    "suicide_word": _check_suicide_word,
    "suicide_word_lower": _check_suicide_word,
    "cutting_habit": _check_cutting_habit,
    "method": _check_method,
    "pill_amount": _check_pill_amount,
}
PHRASE_CHECKS: dict[str, Callable[[Span], Finding | None]] = {
    "death_wish": _check_death_wish_phrase,
    "pointless_life": _check_pointless_life,
}
STRUCTURE_CHECKS: dict[str, Callable[..., Finding | None]] = {
    "self_harm_verb": _check_self_harm_verb,
    "self_harm_body": _check_self_harm_verb,
    "end_my_life": _check_end_my_life,
}
