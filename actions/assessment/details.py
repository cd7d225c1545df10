"""The concrete details of an answer: the people, times, places, amounts or feelings that were asked for."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc, Span, Token

from actions.assessment.knowledge import name_vector, words
from actions.assessment.signals import BACKFIRE_SIGNALS, STRONG, Cue

# How like the common first names (detail_words.jsonl, "name_examples") a lowercase word must be to be
# taken for a name.
NAME_LIKENESS = 0.5


def concrete_details(doc: Doc, asked: Iterable[str], cues: list[Cue]) -> list[Span]:
    """The words that name what the question asked for: people, times, places, amounts or feelings.

    Words inside a backfire cue do not count ("you're the only one", "i love you"), nor what a refused
    account would name ("i don't owe you a list of every shop"), nor places and relations said of a
    vague someone ("some people from my team").
    """
    # Shouting ("the GYM") is emphasis on a detail, not a phrase that replaces it.
    covered = {token.i for cue in cues if cue.signal in BACKFIRE_SIGNALS and cue.weight == STRONG
               for token in cue.span}
    covered |= {token.i for cue in cues if cue.kind == "refusal" for token in cue.span.root.subtree}
    vague = {token.i for cue in cues if cue.signal == "vague" for token in cue.span}
    finders = {"person": _people, "time": _times, "place": _places, "amount": _amounts,
               "feeling": _feelings}
    found = []
    for kind in asked:
        for span in finders[kind](doc):
            # The tagger sometimes takes an emoji for a place ("now?🙂").
            if any(token.i in covered for token in span) or not any(c.isalnum() for c in span.text):
                continue
            if kind != "person" and _said_of(span.root, vague):
                continue
            if kind == "person" and not _is_name(span.root) and _said_of(span.root, vague):
                continue
            found.append(span)
    return found


def _said_of(token: Token, vague: set[int]) -> bool:
    """True when the token hangs off a vague phrase ("some people FROM WORK")."""
    for _ in range(4):
        if token.head == token:
            return False
        token = token.head
        if token.i in vague:
            return True
    return False


def _people(doc: Doc) -> Iterator[Span]:
    for entity in doc.ents:
        if entity.label_ == "PERSON":
            yield entity
    for token in doc:
        lemma = token.lemma_.lower()
        if token.ent_type_ == "PERSON":
            continue
        if _is_name(token) and not _is_place_object(token):
            yield doc[token.i : token.i + 1]
        elif lemma in words("relations") and _is_particular(token):
            yield doc[token.left_edge.i if token.left_edge.i >= token.i - 2 else token.i : token.i + 1]
        elif lemma in words("loose_people") and any(_is_name(child) for child in token.children):
            yield doc[token.i : max(child.i for child in token.subtree) + 1]


def _is_name(token: Token) -> bool:
    """A person's name, even typed in lowercase: tagged as one, introduced as one, or like one."""
    if token.ent_type_ == "PERSON":
        return True
    if not token.is_alpha:
        return False
    if token.i > 0 and token.doc[token.i - 1].lower_ in words("name_introducers"):
        return True
    if token.pos_ not in ("PROPN", "NOUN"):
        return False
    lemma = token.lemma_.lower()
    not_names = ("relations", "loose_people", "feelings", "not_places", "not_names", "insults")
    if any({lemma, token.lower_} & words(name) for name in not_names):
        return False
    if token.pos_ == "PROPN" or any(
        child.dep_ == "compound" and child.lemma_.lower() in words("relations") | words("loose_people")
        for child in token.children
    ):
        return True
    bare = not any(child.dep_ in ("det", "poss", "amod", "nummod") for child in token.children)
    if not bare or token.tag_ in ("NNS", "NNPS"):
        return False
    if not token.has_vector or _in_person_slot(token):
        return True
    return _likeness(token) >= NAME_LIKENESS


def _in_person_slot(token: Token) -> bool:
    """Where only a person fits: "texting raj", "lunch with mei", "i ran into ali"."""
    if token.dep_ == "dobj":
        contact_verbs = words("contact_verbs")
        return token.head.lemma_.lower() in contact_verbs or token.head.lower_ in contact_verbs
    if token.dep_ == "pobj":
        return token.head.lower_ in words("person_prepositions") or (
            token.head.lower_ == "to" and token.head.head.lemma_.lower() in words("contact_verbs")
        )
    return False


def _likeness(token: Token) -> float:
    names = name_vector()
    norm = token.vector_norm * float((names**2).sum() ** 0.5)
    return float(token.vector.dot(names) / norm) if norm else 0.0


def _is_particular(token: Token) -> bool:
    """'my sister', 'the team', 'our manager': one particular person, not 'a coworker'."""
    determiners = [child for child in token.children if child.dep_ in ("det", "poss")]
    return any(child.lower_ not in words("indefinite_determiners") for child in determiners) or any(
        child.dep_ == "case" for child in token.children
    )


def _is_place_object(token: Token) -> bool:
    return token.dep_ == "pobj" and token.head.lower_ in words("inside_prepositions")


def _places(doc: Doc) -> Iterator[Span]:
    for entity in doc.ents:
        if entity.label_ in ("GPE", "FAC", "LOC", "ORG"):
            yield entity
    for token in doc:
        lemma = token.lemma_.lower()
        if lemma in words("place_words") and token.pos_ in ("NOUN", "PROPN", "ADV"):
            yield doc[token.left_edge.i if token.left_edge.i >= token.i - 3 else token.i : token.i + 1]
        elif (
            token.dep_ == "pobj"
            and token.head.lower_ in words("place_prepositions")
            and token.pos_ in ("NOUN", "PROPN")
            and lemma not in words("not_places")
            and lemma not in words("time_units")
            and lemma not in words("relations") | words("loose_people")
            and not token.like_num
        ):
            yield doc[token.left_edge.i : token.i + 1]


def _times(doc: Doc) -> Iterator[Span]:
    for entity in doc.ents:
        if entity.label_ == "TIME" or (entity.label_ == "DATE" and any(t.like_num for t in entity)):
            yield entity
    prepositions, units = words("time_prepositions"), words("time_units")
    for token in doc:
        lemma = token.lemma_.lower()
        is_number = (token.like_num or token.pos_ == "NUM") and token.lower_ != "one"
        if is_number and (
            token.head.lower_ in prepositions or token.head.lemma_.lower() in units
            or any(child.lower_ in prepositions for child in token.children)
            or (token.i + 1 < len(doc) and doc[token.i + 1].lemma_.lower() in units)
        ):
            yield doc[token.i : token.i + 1]
        elif lemma in units and (
            lemma in words("named_times")
            or any(child.like_num or child.lower_ in words("unit_counts") for child in token.children)
        ):
            yield doc[token.left_edge.i : token.i + 1]


def _amounts(doc: Doc) -> Iterator[Span]:
    for entity in doc.ents:
        if entity.label_ in ("MONEY", "CARDINAL") and any(token.like_num for token in entity):
            yield entity
    for token in doc:
        # A sum needs its number: "40 bucks" names one, "a few bucks" does not; "free" is a sum too.
        if token.lower_ == "free" or (token.like_num and token.pos_ == "NUM" and token.lower_ != "one"):
            after_symbol = token.i > 0 and doc[token.i - 1].text in words("currency_symbols")
            start = token.i - 1 if after_symbol else token.i
            yield doc[start : token.i + 1]


def _feelings(doc: Doc) -> Iterator[Span]:
    """A feeling the user names as their own: "i miss them", "it helps me relax", "important to me"."""
    feelings = words("feelings")
    for token in doc:
        if (token.lemma_.lower() in feelings or token.lower_ in feelings) and _is_mine(token):
            yield doc[token.i : token.i + 1]


def _is_mine(token: Token) -> bool:
    """True when the feeling is the user's: "i miss them", "it helps me relax", "my anxiety".

    "you're more important than any band" and "you're the love of my life" speak of the partner.
    """
    if any(child.lower_ == "my" for child in token.children):
        return True
    clause = token
    while not any(child.dep_ in ("nsubj", "nsubjpass") for child in clause.children):
        if clause.head == clause:
            break
        clause = clause.head
    subjects = [child for child in clause.children if child.dep_ in ("nsubj", "nsubjpass")]
    if subjects and subjects[0].norm_ == "i":
        return True
    return any(word.lower_ in words("writer_objects") and word.dep_ in ("dobj", "pobj", "dative", "nsubj")
               for word in clause.subtree)
