"""Tests for the shared parse helpers: who does a verb, whether it is denied, who is the writer or partner."""

from __future__ import annotations

import pytest
import spacy

from coach import spacy_parse
from coach.spacy_parse import (
    is_denied,
    is_me,
    is_negated,
    is_other_person,
    is_partner,
    is_partner_or_named,
    is_writer,
    subject_of,
)


def token(doc: spacy.tokens.Doc, word: str) -> spacy.tokens.Token:
    return next(t for t in doc if t.lower_ == word)


@pytest.mark.parametrize(("text", "verb", "subject"), [
    ("He hit me last night.", "hit", "he"),
    ("He tried to choke me.", "choke", "he"),
    ("He grabbed me and pushed me.", "pushed", "he"),
    ("I told him to stop.", "stop", "him"),
    ("The man who hit me ran away.", "hit", "man"),
])
def test_the_subject_of_a_verb(nlp, text, verb, subject):
    doc = nlp(text)
    assert subject_of(token(doc, verb)).lower_ == subject


@pytest.mark.parametrize(("text", "word", "denied"), [
    ("He has never hit me.", "hit", True),
    ("I don't want to hurt myself.", "hurt", True),
    ("I have no intention of hurting myself.", "hurting", True),
    ("I can't stop thinking about killing myself.", "killing", False),
    ("He hit me.", "hit", False),
])
def test_a_clause_is_denied_here_or_by_a_verb_of_intent_above_it(nlp, text, word, denied):
    assert is_denied(token(nlp(text), word)) is denied


def test_negation_is_the_tokens_own(nlp):
    doc = nlp("I don't want to hurt myself.")
    assert is_negated(token(doc, "want"))
    assert not is_negated(token(doc, "hurt"))


def test_the_writer_alone_and_the_writer_with_others(nlp):
    we = token(nlp("We argue a lot."), "we")
    assert is_writer(we) and not is_me(we)
    assert is_me(token(nlp("I argue a lot."), "i"))


def test_the_safety_check_reads_anyone_named_as_a_possible_partner(nlp):
    mark = token(nlp("Mark hit me."), "mark")
    assert is_partner_or_named(mark) and not is_partner(mark)
    wife = token(nlp("My wife hit me."), "wife")
    assert is_partner(wife) and is_partner_or_named(wife)
    dad = token(nlp("My dad hit me."), "dad")
    assert is_other_person(dad) and not is_partner_or_named(dad)


def test_the_word_lists_old_names_still_answer():
    assert "we" in spacy_parse.WRITER_WORDS
    assert "husband" in spacy_parse.PARTNER_WORDS
    with pytest.raises(AttributeError):
        spacy_parse.NO_SUCH_LIST  # noqa: B018
