"""Pushback with no strong word, read from the parse: telling the partner off, asking back, reproaching."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from actions.assessment.clauses import clause_span
from actions.assessment.knowledge import words
from actions.assessment.signals import BACKFIRE_SIGNALS, WARM_QUALITIES, Cue
from coach.spacy_parse import is_negated, main_clauses, sentences, subject_of


def remarks(doc: Doc, cues: list[Cue]) -> Iterator[Cue]:
    """A sentence that shows nothing else but tells the partner off, or asks back: pushback.

    Read from the parse, since no word in it is strong: "you can relax now", "do you ever listen"
    speak of what the partner does (the you-statement blame is made of; their feeling or knowing,
    "i know you miss me", "you know how it is", is no blame); "where else would i be", "because i
    like them?", "i'm still here, aren't i" ask a question that asks nothing.
    """
    for sentence in sentences(doc):
        # A sentence already read, as a backfire or as kind ("can we talk?"), is read.
        if any(cue.span.start < sentence.end and sentence.start < cue.span.end
               for cue in cues if cue.signal in BACKFIRE_SIGNALS + WARM_QUALITIES + ("offer",)):
            continue
        if _tells_partner_off(sentence) or _asks_back(sentence):
            yield Cue("defiance", sentence, kind="remark")


def _tells_partner_off(sentence: Span) -> bool:
    """A main clause with the partner as its subject that says what they do, not feel or know."""
    heads = main_clauses(sentence)
    heads += [t for t in sentence if t.dep_ in ("relcl", "ccomp", "advcl") and t.head in heads
              and t.pos_ in ("VERB", "AUX")]
    asked = sentence[-1].text.endswith("?") or sentence[0].pos_ == "AUX"
    for head in heads:
        if not done_by_partner(head) or is_negated(head):
            continue
        lemma = head.lemma_.lower()
        # "do you want their numbers too?" offers a thing in mockery; "want to see?" offers to show.
        if asked and lemma in words("wanting_verbs") and any(child.dep_ == "dobj" for child in head.children):
            return True
        # "you can call her" offers; "you can relax now" tells the partner how to feel.
        permitted = any(child.norm_ in words("offering_modals")
                        for child in head.children if child.dep_ == "aux")
        if permitted and lemma not in words("feelings"):
            continue
        if lemma not in words("feeling_or_knowing") and head.norm_ not in words("you_are"):
            return True
    return False


def _asks_back(sentence: Span) -> bool:
    """A question the writer asks of themself, a tag question, or an answer asked as a question.

    "where else would i be", "do i need to send you receipts now?" (but "can i show you?" offers);
    "i'm still here, aren't i"; "because i like them?" (but "we could go saturday?" proposes, and
    "he found gifs, wanna see?" offers).
    """
    for verb in sentence:
        subject = subject_of(verb)
        if subject is None or subject.head != verb:
            continue
        inverted = any(child.dep_ in ("aux", "auxpass") and child.i < subject.i for child in verb.children)
        inverted |= verb.pos_ == "AUX" and verb.i < subject.i
        offering = any(child.norm_ in words("offering_modals")
                       for child in verb.children if child.dep_ == "aux")
        if subject.norm_ == "i" and inverted and not offering:
            return True
    spoken = [token for token in sentence if not token.is_punct]
    # "..., aren't i", "..., isn't it": an auxiliary, its "not" and a pronoun close a statement.
    tag = (len(spoken) > 4 and (spoken[-3].lemma_ in words("tag_auxiliaries") or spoken[-3].tag_ == "MD")
           and spoken[-2].norm_ == "not" and spoken[-1].pos_ == "PRON")
    root = sentence.root
    subject = subject_of(root) if root.pos_ in ("VERB", "AUX") else None
    echoed = (
        sentence[-1].text.endswith("?")
        and subject is not None
        and subject.norm_ == "i"
        and not any(child.dep_ in ("aux", "auxpass") and child.i < subject.i for child in root.children)
        and sentence[0].tag_ not in ("WDT", "WP", "WP$", "WRB")
        # "i only love you, ok?" asks for agreement.
        and spoken[-1].pos_ != "INTJ"
    )
    return tag or echoed


def reproaches(doc: Doc) -> Iterator[Cue]:
    """'you could have just called me', 'you should've asked': what the partner ought to have done."""
    for verb in doc:
        auxiliaries = {child.norm_ for child in verb.children if child.dep_ == "aux"}
        if (
            verb.tag_ == "VBN"
            and any(child.norm_ in words("perfect_have") for child in verb.children if child.dep_ == "aux")
            and auxiliaries & words("reproaching_modals")
            and done_by_partner(verb)
            and not is_negated(verb)
            and verb.lemma_.lower() not in words("feeling_or_knowing")
        ):
            yield Cue("angry", clause_span(verb))


def done_by_partner(verb: Token) -> bool:
    """The partner is who the reply speaks to: "you" (and "u", whose NORM is "you") does the verb."""
    subject = subject_of(verb)
    return subject is not None and subject.norm_ == "you"
