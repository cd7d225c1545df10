"""The parse helpers every reader of a message shares: the parse, its sentences, who acts, what is denied."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from coach.patterns import WordLists

# SpacyNLP loads its model with the parser disabled (rasa/nlu/utils/spacy_utils.py). The parser is
# still in that pipeline: running it, then the attribute ruler (which reads the parse to set POS),
# gives the annotation of a full spaCy run, without loading a second model.
PARSE_STEPS = ("parser", "attribute_ruler")

# Who a clause is about and which words deny it, by name ("writer_words", "partner_nouns", "negations").
# Lowercased text (SpacyNLP's default) turns "I" into "i" and names into common nouns, so people are
# recognised by their lowercase form and lemma, not only by POS or entity type.
PARSE_WORDS_FILE = Path(__file__).parent / "patterns" / "parse_words.jsonl"
words = WordLists(PARSE_WORDS_FILE)

SUBJECTS = ("nsubj", "nsubjpass")

WRITER, PARTNER, OTHER = "writer", "partner", "other"


def __getattr__(name: str) -> frozenset[str]:
    """The two lists' old names, read from the data file when first asked for."""
    old_names = {"WRITER_WORDS": "writer_words", "PARTNER_WORDS": "partner_words"}
    if name in old_names:
        return words(old_names[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def lower_lemma(token: Token) -> str:
    return token.lemma_.lower()


# --------------------------------------------------------------------------------------------------
# Who is who. The coaching readers count "we" as the writer ("we argue and i give in" is still the
# writer's own doing); the safety check asks about the writer alone ("i", "me", "myself") and treats
# anyone the writer names as someone who may be the partner.
# --------------------------------------------------------------------------------------------------


def is_writer(token: Token) -> bool:
    return token.lower_ in words("writer_words")


def is_partner(token: Token) -> bool:
    """The partner, by pronoun or by the words people use for one ("my gf", "her husband")."""
    partner_words = words("partner_words")
    return not is_writer(token) and (token.lower_ in partner_words or lower_lemma(token) in partner_words)


def is_me(token: Token) -> bool:
    """The writer alone: "i", "me", "myself" -- not "we"."""
    return token.lower_ in words("me")


def is_partner_or_named(token: Token) -> bool:
    """A partner, or anyone the writer names: "he", "my husband", "Mark".

    Broader than `is_partner`: the safety check would rather read a named person as the one who may
    be hurting the writer than miss them.
    """
    if is_me(token):
        return False
    if token.lower_ in words("partner_pronouns") or token.lower_ in words("partner_nouns"):
        return True
    if token.lower_ in words("contracted_pronouns") and token.dep_ in SUBJECTS:
        return True
    if lower_lemma(token) in words("partner_nouns"):
        return True
    return token.pos_ == "PROPN" or token.ent_type_ == "PERSON"


def is_other_person(token: Token) -> bool:
    """Someone other than the writer: a partner, someone named, or "my dad", "a friend"."""
    return is_partner_or_named(token) or lower_lemma(token) in words("other_people")


def _antecedent(token: Token) -> Token:
    """The noun a relative pronoun stands for: "the man WHO hit me" -> "man"."""
    if token.lower_ in words("relative_pronouns") and token.head.dep_ == "relcl":
        return token.head.head
    return token


def subject_of(verb: Token) -> Token | None:
    """Who does `verb`, following control verbs ("he tried to choke me") and "and" ("he grabbed me
    and pushed me"); for "told him to stop" the object of the controlling verb is the doer."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if subjects:
        # With two subjects ("if i don't she takes my phone") the one nearest the verb is its own.
        before = [c for c in subjects if c.i < verb.i]
        return _antecedent(before[-1] if before else subjects[0])
    head = verb.head
    if head == verb:
        return None
    if verb.dep_ == "xcomp":
        for child in head.children:
            if child.dep_ == "dobj" and (is_me(child) or is_other_person(child)):
                return child
        return subject_of(head)
    if verb.dep_ == "conj":
        return subject_of(head)
    return None


def agent_of(verb: Token) -> Token | None:
    """The doer of a passive verb: "I was pushed BY HIM"."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def experiencer_of(token: Token) -> Token | None:
    """The subject of the nearest verb above `token`: whose suicidal thoughts, whose fear."""
    node = token
    for _ in range(5):
        if node.pos_ in ("VERB", "AUX") and node.dep_ not in ("amod", "compound"):
            subject = subject_of(node)
            if subject is not None:
                return subject
            if node.dep_ in ("ROOT", "ccomp", "advcl"):
                return None
        if node.head == node:
            return None
        node = node.head
    return None


# --------------------------------------------------------------------------------------------------
# Negation. A rule that fires on "he has never hit me" or "I would never hurt myself" is worse than
# useless, so every rule asks whether its clause is denied.
# --------------------------------------------------------------------------------------------------


def is_negated(token: Token) -> bool:
    """Does `token` itself carry a negation: "not", "n't", "never", "no <noun>", "no longer"?"""
    subject = subject_of(token) if token.pos_ in ("VERB", "AUX") else None
    for child in token.children:
        # In "if i don't she takes my phone" the parser may hang the "n't" of the elided clause on
        # "takes"; a negation before the verb's own subject is not the verb's.
        if subject is not None and child.i < subject.i < token.i:
            continue
        if child.dep_ == "neg" or child.lower_ in words("negations"):
            return True
        if child.dep_ == "det" and child.lower_ == "no":
            return True
        # "I no longer want to live" is a denial of wanting; it is handled where it matters.
        if child.lower_ == "longer" and any(g.lower_ == "no" for g in child.children):
            return True
    return False


def is_denied(token: Token) -> bool:
    """Is the clause around `token` negated, here or by a verb of intent above it?

    Verbs of intending, thinking and expecting pass their negation down to what they govern ("I
    don't WANT to hurt myself", "I don't THINK he would hurt me"); "stop" does not ("I can't stop
    thinking about killing myself" is not a denial). So do nouns of intent ("I have NO intention of
    hurting myself").
    """
    carriers, intent_nouns = words("negation_carriers"), words("intent_nouns")
    node = token
    while True:
        if is_negated(node):
            return True
        head = node.head
        if head == node:
            return False
        climbs = (
            node.dep_ in ("acomp", "attr", "oprd")
            or (node.dep_ in ("xcomp", "ccomp") and lower_lemma(head) in carriers)
            or node.dep_ in ("pcomp", "pobj")
            or (node.dep_ == "prep" and (lower_lemma(head) in carriers or lower_lemma(head) in intent_nouns))
            or (node.dep_ == "dobj" and lower_lemma(node) in intent_nouns)
        )
        if not climbs:
            return False
        node = head


# --------------------------------------------------------------------------------------------------
# Whose doing a sentence tells (the coaching readers)
# --------------------------------------------------------------------------------------------------


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
