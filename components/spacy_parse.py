"""Adds the dependency parse that Rasa's SpacyNLP leaves out, for components that read sentence structure."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

# SpacyNLP loads its model with the parser disabled (rasa/nlu/utils/spacy_utils.py). The parser is
# still in that pipeline: running it, then the attribute ruler (which reads the parse to set POS),
# gives the annotation of a full spaCy run, without loading a second model.
PARSE_STEPS = ("parser", "attribute_ruler")


def parse(doc: Doc, language: Language) -> Doc:
    """Parses the doc in place with `language`'s own (disabled) parser, once."""
    if len(doc) and not doc.has_annotation("DEP"):
        for name in PARSE_STEPS:
            if name in language.component_names:
                language.get_pipe(name)(doc)
    return doc
