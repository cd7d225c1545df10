"""The danger rules for acts: violence, threats, weapons, intimidation, hiding (fear is in fear.py)."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Span, Token

from coach.spacy_parse import (
    agent_of,
    experiencer_of,
    is_denied,
    is_me,
    is_other_person,
    is_partner_or_named,
    lower_lemma,
    subject_of,
)
from components.safety.clause import (
    children,
    is_hypothetical,
    is_modal,
    lemmas_in,
    partner_does,
    span_of,
    subtree_without_subject,
)
from components.safety.control import mentions_sacrifice, reaches_controlled_thing
from components.safety.findings import COERCIVE_CONTROL, DANGER, Finding
from components.safety.patterns import words


def _violence_is_idiom(verb: Token) -> bool:
    """ "hit me up", "beat me at chess", "pushes me to share", "hit me with questions"."""
    lemma = lower_lemma(verb)
    for child in verb.children:
        if (child.dep_ in ("prt", "advmod", "prep")
                and f"{lemma} {child.lower_}" in words("idiomatic_phrasal_verbs")):
            return True
        if child.dep_ == "xcomp" and lemma in words("urging_verbs"):
            return True
        if child.lower_ in words("non_physical_manner"):
            return True
        with_what = children(child, "pobj") if child.lower_ == "with" else []
        if any(lower_lemma(o) in words("word_missiles") | words("soft_objects") for o in with_what):
            return True
        if lemma == "beat" and child.dep_ == "prep" and child.lower_ in words("contest_preps"):
            return True
        if child.dep_ == "prep" and child.lower_ == "on" and any(
                lower_lemma(o) in words("friendly_targets") for o in children(child, "pobj")):
            return True
    if lemma in words("force_needs_direction"):
        directions = {c.lower_ for c in verb.children if c.dep_ in ("prt", "prep", "advmod")}
        return not directions & words("force_directions")
    return False


def kill_is_hyperbole(verb: Token, doer: Token | None) -> bool:
    """ "This is killing me", "my boss will murder me", "she'll kill me if I'm late again".

    "Kill"/"murder me" is mostly hyperbole; it is only read as a threat from a partner ("he said
    he'd kill me"), never from "this", "my boss" or "my mum".
    """
    partner_nouns = words("partner_nouns")
    if doer is None or not (doer.lower_ in words("partner_pronouns") or lower_lemma(doer) in partner_nouns
                            or doer.lower_ in partner_nouns or doer.pos_ == "PROPN"):
        return True
    # "You're killing me", "he's killing me with these questions": the progressive is the joke,
    # unless he is trying to.
    if verb.tag_ == "VBG" and not (verb.dep_ == "xcomp" and lower_lemma(verb.head) == "try"):
        return True
    return kill_is_hyperbole_context(verb)


def kill_is_hyperbole_context(verb: Token) -> bool:
    """A joke in the sentence, or a small lapse as the condition ("if I forget the milk again")."""
    sentence = verb.sent
    if lemmas_in(sentence) & words("joke_words"):
        return True
    conditions = [t.head for t in sentence
                  if t.lower_ in words("condition_marks") and t.dep_ in ("mark", "advmod")]
    return any(lemmas_in(clause.subtree) & words("trivial_lapses") for clause in conditions)


def _hurt_is_emotional(verb: Token) -> bool:
    """ "She hurt me when she read my texts", "he hurt me so much": feelings, not bruises --
    unless it is a threat ("he'll hurt me if I leave")."""
    if is_modal(verb) or lower_lemma(verb.head) in words("threat_or_attempt_verbs"):
        return False
    if lemmas_in(verb.subtree) & (words("weapons") | words("body_parts") | words("physical_harm_words")):
        return False
    for child in verb.children:
        if child.dep_ == "advcl" or child.lower_ in words("emotional_hurt_markers"):
            return True
        if child.dep_ == "prep" and child.lower_ in words("emotional_hurt_links"):
            return True
        if child.dep_ == "advmod" and lemmas_in(child.subtree) & words("emotional_hurt_markers"):
            return True
    return False


def _is_violent_doer(doer: Token | None, verb: Token) -> bool:
    """A person other than the user; a missing subject only for reports ("punched me again")."""
    if doer is None:
        return verb.tag_ in ("VBD", "VBN")
    if is_me(doer) or doer.lower_ in words("not_assailants"):
        return False
    return is_other_person(doer)


def _check_violence(verb: Token, victim: Token, *_: Token) -> Finding | None:
    """Someone hits, chokes, pushes... me or my body: "he pushed me", "she grabbed my wrist"."""
    lemma = lower_lemma(verb)
    if lemma == "threaten":
        return None  # threats have their own rule
    doer = subject_of(verb)
    if not _is_violent_doer(doer, verb):
        return None
    if is_denied(verb) or is_hypothetical(verb) or _violence_is_idiom(verb):
        return None
    if lemma in words("hyperbole_verbs") and kill_is_hyperbole(verb, doer):
        return None
    if lemma in words("hurt_verbs") and _hurt_is_emotional(verb):
        return None
    evidence = [verb, victim] + ([doer] if doer is not None and doer.i < verb.i else [])
    return DANGER, span_of(verb.doc, evidence)


def _check_violence_passive(verb: Token, victim: Token) -> Finding | None:
    """ "I was choked", "I got hit last night" -- not "hit by a car", not "I'll get killed"."""
    if lower_lemma(verb) == "threaten" or verb.tag_ != "VBN":
        return None
    agent = agent_of(verb)
    if agent is not None and not is_other_person(agent):
        return None
    if agent is None and lower_lemma(verb) in words("hyperbole_verbs") | words("harmless_without_agent"):
        return None
    if is_denied(verb) or is_hypothetical(verb) or _violence_is_idiom(verb):
        return None
    return DANGER, span_of(verb.doc, [victim, verb] + ([agent] if agent is not None else []))


def _check_missile(verb: Token, at: Token, victim: Token) -> Finding | None:
    """ "He threw a plate at me", "pulled a knife on me", "came at me with a knife"."""
    lemma = lower_lemma(verb)
    if lemma in words("missile_verbs_needing_weapon") and not lemmas_in(verb.subtree) & words("weapons"):
        return None
    doer = subject_of(verb)
    if not _is_violent_doer(doer, verb) or is_denied(verb) or is_hypothetical(verb):
        return None
    return DANGER, span_of(verb.doc, [verb, at, victim])


def _check_intimidation(verb: Token) -> Finding | None:
    """ "He punched the wall next to my head", "he's smashing stuff in the kitchen" -- not "he
    threw a fit", "I broke a glass" or "she broke a plate while cooking"."""
    targets = [t for t in subtree_without_subject(verb) if lower_lemma(t) in words("intimidation_targets")]
    if not targets:
        return None
    doer = subject_of(verb)
    if doer is None or not is_partner_or_named(doer) or is_denied(verb) or is_hypothetical(verb):
        return None
    if lower_lemma(verb) == "slam" and not lemmas_in(verb.subtree) & words("menacing_slams"):
        return None  # slamming a door in a quarrel is not a threat by itself
    if _is_mishap(verb):
        return None  # "broke a glass while washing up", "threw the plates out by accident"
    return DANGER, span_of(verb.doc, [verb, targets[0]])


def _is_mishap(verb: Token) -> bool:
    """An accident or a chore: "by accident", "while cooking"."""
    if lemmas_in(verb.sent) & words("mishap_words"):
        return True
    return any(t.dep_ == "advcl" and lower_lemma(t) in words("chores") for t in verb.sent)


def _check_weapon(weapon: Token) -> Finding | None:
    """ "She had the kitchen knife in her hand when she said I'd regret it", "he took the gun out
    while asking who I was texting" -- a weapon in hand in a confrontation."""
    sentence = weapon.sent
    holders = [t for t in sentence if lower_lemma(t) in words("brandish_verbs") and partner_does(t)
               and any(o == weapon or o.lower_ in words("object_pronouns") for o in children(t, "dobj"))]
    if not holders:
        return None
    confronting = [t for t in sentence if lower_lemma(t) in words("confrontation_verbs")
                   and (t.dep_ in ("advcl", "conj") or partner_does(t))]
    at_me = any(is_me(t) and t.dep_ == "pobj" for t in sentence)
    if (not confronting and not at_me) or _is_mishap(holders[0]):
        return None
    return DANGER, span_of(weapon.doc, [holders[0], weapon, *confronting[:1]])


def _check_lethal_act(verb: Token) -> Finding | None:
    """ "She said she'd set the house on fire with me in it", "he'd crash us both" -- a partner
    acting on a home or a car with the user in it."""
    doer = subject_of(verb)
    if doer is None or not is_partner_or_named(doer) or is_denied(verb):
        return None
    lemmas = lemmas_in(verb.subtree)
    lemma = lower_lemma(verb)
    me_or_us = words("me_or_us")
    if lemma == "set" and "fire" not in lemmas:
        return None
    if lemma == "burn" and not lemmas & words("burning_down_words"):
        return None
    if lemma in words("running_over_verbs") and not (words("running_over_particles") & lemmas
                                                      and lemmas & me_or_us):
        return None
    if not lemmas & words("lethal_targets"):
        return None
    if not (lemmas & me_or_us or is_modal(verb)) or kill_is_hyperbole_context(verb):
        return None
    return DANGER, span_of(verb.doc, [verb, *verb.subtree])


def _check_hiding(hide: Token) -> Finding | None:
    """ "I'm hiding in the bathroom rn, he's smashing stuff" -- the user hides from someone;
    not "I hide my phone" or "hiding from her questions"."""
    subject = subject_of(hide)
    if subject is None or not is_me(subject) or is_denied(hide):
        return None
    if any(c.dep_ == "dobj" and not is_me(c) for c in hide.children):
        return None
    if not any(is_partner_or_named(t) for t in hide.sent):
        return None  # "I hide in my room to play games" hides from no one
    for prep in children(hide, "prep"):
        objects = children(prep, "pobj")
        if prep.lower_ in words("inside_preps") and any(lower_lemma(o) in words("hiding_places")
                                                        for o in objects):
            return DANGER, span_of(hide.doc, [hide, *prep.subtree])
        if (prep.lower_ == "from" and any(is_partner_or_named(o) for o in objects)
                and not _hides_a_thing(hide, prep)):
            return DANGER, span_of(hide.doc, [hide, *prep.subtree])
    return None


def _hides_a_thing(hide: Token, from_prep: Token) -> bool:
    """ "I hid about 14k of debt from my bf": something hidden from the partner, not the user hiding,
    however the parse attached it (here to "about")."""
    between = hide.doc[hide.i + 1:from_prep.i]
    return any(t.pos_ in ("NOUN", "PROPN", "NUM") and lower_lemma(t) not in words("hiding_places")
               for t in between)


def _check_conditional_harm(verb: Token) -> Finding | None:
    """ "She'll get hurt if I keep lying to him", "he'd kill my dog if I told anyone" -- harm to
    someone, made to depend on what the user does: a threat."""
    if lower_lemma(verb) in words("not_conditional_harm") or not is_modal(verb):
        return None
    conditions = [c for c in children(verb, "advcl") if _is_users_condition(c)]
    if not conditions or is_denied(verb) or kill_is_hyperbole_context(verb):
        return None
    doer = subject_of(verb)
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    if passive:
        # "I'd get hurt if I tried a marathon" is a worry; "he said my dog will get hurt" a threat.
        if not any(lower_lemma(a) in words("speech_verbs") and partner_does(a) for a in verb.ancestors):
            return None
    elif doer is None or not is_partner_or_named(doer):
        return None
    return DANGER, span_of(verb.doc, [verb, *conditions[0].subtree])


def _is_users_condition(clause: Token) -> bool:
    """ "if I leave", "unless I hand it over": a condition on what the user does."""
    subject = subject_of(clause)
    return (subject is not None and is_me(subject)
            and any(c.lower_ in words("condition_conjunctions") for c in clause.children))


def _check_violent_partner(word: Token) -> Finding | None:
    """ "He gets violent when he drinks", "she gets physical" -- not "he has never been violent",
    "a violent film" or "we're very physical"."""
    if word.dep_ not in ("acomp", "attr") or is_denied(word):
        return None
    verb = word.head
    doer = subject_of(verb)
    if doer is None or not is_partner_or_named(doer):
        return None
    if word.lower_ in words("violent_only_when_turning") and lower_lemma(verb) not in words("turning_verbs"):
        return None
    return DANGER, span_of(word.doc, [doer, verb, word] if doer.i < word.i else [verb, word])


def _check_threat(threaten: Token) -> Finding | None:
    """ "He threatened to kill me" is danger; "she threatened to take the kids", "he threatens to
    kill himself if I leave" are coercive control; "she threatened to leave me" is neither, unless
    it was the price of a password or a friend."""
    doer = subject_of(threaten)
    if doer is None or not is_other_person(doer) or is_denied(threaten):
        return None
    doc = threaten.doc
    sentence = threaten.sent
    for act in children(threaten, "xcomp", "ccomp"):
        act_lemma = lower_lemma(act)
        objects = {c.lower_ for c in act.subtree if c.dep_ in ("dobj", "pobj")}
        if objects & words("reflexive_partner"):
            return COERCIVE_CONTROL, span_of(doc, [threaten, *act.subtree])
        if act_lemma in words("breakup_threats"):
            if reaches_controlled_thing(sentence) or mentions_sacrifice(sentence):
                return COERCIVE_CONTROL, span_of(doc, [threaten, *act.subtree])
            return None
        if act_lemma in words("control_threats"):
            return COERCIVE_CONTROL, span_of(doc, [threaten, *act.subtree])
        return DANGER, span_of(doc, [threaten, *act.subtree])
    # "He threatens suicide" controls; "she threatened divorce" / "me with divorce" does neither.
    threatened = children(threaten, "dobj") + [o for p in children(threaten, "prep")
                                               if p.lower_ == "with" for o in children(p, "pobj")]
    for obj in threatened:
        if lower_lemma(obj) == "suicide":
            return COERCIVE_CONTROL, span_of(doc, [threaten, obj])
        if lower_lemma(obj) in words("breakup_nouns"):
            return None
    return DANGER, span_of(doc, [doer, threaten] if doer.i < threaten.i else [threaten])


def _check_threat_noun(threat: Token) -> Finding | None:
    """ "He sends me death threats", "she makes threats when she drinks"."""
    if is_denied(threat):
        return None
    lemmas = lemmas_in(threat.subtree)
    violent = words("violent_verbs")
    if "death" in lemmas or any(lemma != "threaten" and lemma in violent for lemma in lemmas):
        return DANGER, span_of(threat.doc, list(threat.subtree))
    if lemmas & words("breakup_threats"):
        return None
    verb = threat.head
    doer = subject_of(verb) if verb.pos_ in ("VERB", "AUX") else None
    if doer is not None and is_partner_or_named(doer) and lower_lemma(verb) in words("threat_giving_verbs"):
        return DANGER, span_of(threat.doc, [verb, threat])
    return None


def _check_abusive(word: Token) -> Finding | None:
    """ "He's abusive", "I'm in an abusive relationship"; "emotionally abusive" is control."""
    if is_denied(word):
        return None
    owner = experiencer_of(word)
    if word.dep_ == "amod":
        noun = word.head
        if lower_lemma(noun) not in words("abuse_settings"):
            return None
        # "My mum was in an abusive marriage" is someone else's danger, not the writer's.
        if owner is not None and not is_me(owner) and not is_partner_or_named(owner):
            return None
    elif owner is None or not (is_partner_or_named(owner)
                               or lower_lemma(owner) in words("relationship_nouns")):
        return None
    manner = {c.lower_ for c in word.children}
    if manner & words("non_physical_abuse"):
        return COERCIVE_CONTROL, span_of(word.doc, [*word.subtree])
    return DANGER, span_of(word.doc, [*word.subtree])


def _check_forced_sex(force: Token) -> Finding | None:
    """ "He forced me to have sex", "forced himself on me"."""
    doer = subject_of(force)
    if doer is None or not is_other_person(doer) or is_denied(force):
        return None
    if lemmas_in(force.subtree) & words("sexual_force_words"):
        return DANGER, span_of(force.doc, list(force.subtree))
    return None


def check_fixed_danger(span: Span) -> Finding | None:
    """Danger said in a fixed form, unless denied ("I don't fear for my life")."""
    root = span.root
    return None if is_denied(root) or is_denied(root.head) else (DANGER, span)


# The rules, by the label their patterns carry in patterns/danger_patterns.jsonl.
ANCHOR_CHECKS: dict[str, Callable[[Token], Finding | None]] = {
    "threaten": _check_threat,
    "threat": _check_threat_noun,
    "conditional_harm": _check_conditional_harm,
    "hiding": _check_hiding,
    "abusive": _check_abusive,
    "violent_partner": _check_violent_partner,
    "intimidation": _check_intimidation,
    "weapon": _check_weapon,
    "lethal_act": _check_lethal_act,
    "forced_sex": _check_forced_sex,
}
PHRASE_CHECKS: dict[str, Callable[[Span], Finding | None]] = {
    "hands_on_neck": check_fixed_danger,
}
STRUCTURE_CHECKS: dict[str, Callable[..., Finding | None]] = {
    "violence_on_me": _check_violence,
    "violence_forms_on_me": _check_violence,
    "violence_on_body": _check_violence,
    "violence_passive": _check_violence_passive,
    "violence_forms_passive": _check_violence_passive,
    "missile": _check_missile,
}
