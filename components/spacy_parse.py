"""The parse helpers every reader of a message shares: the dependency parse, its sentences, and who acts."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

# SpacyNLP loads its model with the parser disabled (rasa/nlu/utils/spacy_utils.py). The parser is
# still in that pipeline: running it, then the attribute ruler (which reads the parse to set POS),
# gives the annotation of a full spaCy run, without loading a second model.
PARSE_STEPS = ("parser", "attribute_ruler")

# Who a clause is about. The writer is "i"; "we" counts too ("we argue and i give in" is still the
# writer's own doing). spaCy splits "im", "ive", "id" into "i" + the verb.
WRITER_WORDS = frozenset({"i", "me", "myself", "we", "us"})
PARTNER_WORDS = frozenset({
    "he", "she", "they", "him", "her", "them", "partner", "wife", "husband", "girlfriend",
    "boyfriend", "gf", "bf", "fiance", "fiancee", "fiancé", "fiancée", "spouse", "hubby", "missus",
    "bae", "babe", "ex",
})
SUBJECTS = ("nsubj", "nsubjpass")

WRITER, PARTNER, OTHER = "writer", "partner", "other"


def parse(doc: Doc, language: Language) -> Doc:
    """Parses the doc in place with `language`'s own (disabled) parser, once."""
    if len(doc) and not doc.has_annotation("DEP"):
        for name in PARSE_STEPS:
            if name in language.component_names:
                language.get_pipe(name)(doc)
    return doc


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, from the parse when there is one; else the doc as one sentence."""
    if not len(doc):
        return []
    if not doc.has_annotation("DEP") and not doc.has_annotation("SENT_START"):
        return [doc[:]]
    return [sentence for sentence in doc.sents if sentence.text.strip()]


def is_writer(token: Token) -> bool:
    return token.lower_ in WRITER_WORDS


def is_partner(token: Token) -> bool:
    """The partner, by pronoun or by the words people use for one ("my gf", "her husband")."""
    return not is_writer(token) and (token.lower_ in PARTNER_WORDS or token.lemma_.lower() in PARTNER_WORDS)


def main_clauses(sentence: Span) -> list[Token]:
    """The verbs of the sentence's main clauses: its root and what is joined to it by "and", "but", ","."""
    heads = [sentence.root]
    for token in sentence:
        if token.dep_ in ("conj", "parataxis") and token.head in heads:
            heads.append(token)
    return heads


def actor(sentence: Span) -> str:
    """Whose doing the sentence tells: the writer's, the partner's, or neither's.

    A main clause with the writer as its subject makes it the writer's ("she asks and I explain
    again", "when she asks I explain"), and so does a sentence that starts with a verb and has no
    subject, as people write ("kept telling her it was nothing"). What the partner does to or about
    the writer stays the partner's ("he asks where I was"). Main clauses whose subjects are all the
    partner make it the partner's.
    """
    subjects = [child for head in main_clauses(sentence) for child in head.children if child.dep_ in SUBJECTS]
    if any(is_writer(token) for token in subjects):
        return WRITER
    if not subjects and sentence[0].pos_ in ("VERB", "AUX"):
        return WRITER
    if subjects and all(is_partner(token) for token in subjects):
        return PARTNER
    return OTHER
