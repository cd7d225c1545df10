"""The cue words of the five backfiring responses, as spaCy Matcher patterns on lemmas.

People often name a response in so many words ("I just ignore her calls", "I snapped"). The reading
(components/reading.py) gives such a word extra weight in the sentence it stands in, and uses it to
find a second response in the same message ("I reassure her all the time and sometimes I just snap").
"""

from __future__ import annotations

from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from coach.spacy_parse import is_partner

# Up to three words may stand between the parts of a cue ("give HIM ALL my passwords").
GAP = {"OP": "?"}


def _lemmas(*words: str) -> dict[str, Any]:
    return {"LEMMA": {"IN": list(words)}}


# Each cue is a spaCy Matcher pattern on lemmas, so "snapped", "snapping" and "snap" all match.
CUES: dict[str, list[list[dict[str, Any]]]] = {
    "reassuring": [
        [_lemmas("reassure", "reassurance")],
        [_lemmas("promise", "swear")],
        [_lemmas("tell", "remind", "explain"), GAP, GAP, {"LOWER": {"IN": ["i", "how"]}},
         GAP, _lemmas("love")],
        [_lemmas("prove"), GAP, {"LOWER": {"IN": ["i", "that", "myself", "nothing"]}}],
    ],
    "ignoring": [
        [_lemmas("ignore", "stonewall")],
        [{"LOWER": "silent"}, {"LOWER": "treatment"}],
        [_lemmas("walk", "storm"), {"LOWER": {"IN": ["away", "off", "out"]}}],
        [_lemmas("change"), {"LOWER": "the"}, {"LOWER": "subject"}],
        [_lemmas("shut", "clam"), {"LOWER": {"IN": ["down", "up"]}}],
        [_lemmas("go", "stay", "fall"), {"LOWER": {"IN": ["quiet", "silent"]}}],
        [_lemmas("refuse"), {"LOWER": "to"}, _lemmas("answer", "talk", "respond", "engage")],
        [{"LOWER": {"IN": ["not", "n't", "never", "dont", "don't"]}}, GAP,
         _lemmas("answer", "respond", "reply")],
    ],
    "angry": [
        [_lemmas("snap", "yell", "shout", "scream", "explode", "rage", "swear")],
        [_lemmas("angry", "mad", "furious", "defensive", "livid", "pissed")],
        [_lemmas("lose"), GAP, {"LOWER": {"IN": ["temper", "cool", "it"]}}],
        [_lemmas("blow", "lash", "flip"), {"LOWER": {"IN": ["up", "out"]}}],
        [_lemmas("call"), {"LOWER": {"IN": ["her", "him", "them"]}}, GAP,
         {"LOWER": {"IN": ["paranoid", "crazy", "insane", "psycho"]}}],
    ],
    "giving_in": [
        [_lemmas("give"), {"LOWER": "in"}],
        [_lemmas("give", "hand", "send", "share", "show"), GAP, GAP, GAP,
         {"LOWER": {"IN": ["password", "passwords", "passcode", "location", "phone", "login",
                           "logins", "accounts"]}}],
        [_lemmas("check"), {"LOWER": "in"}],
        [_lemmas("stop", "quit", "drop"), GAP, _lemmas("see", "go", "play", "hang")],
        [_lemmas("give"), {"LOWER": "up"}],
        [_lemmas("cut"), {"LOWER": "back"}],
        [_lemmas("do"), {"LOWER": "whatever"}, GAP, _lemmas("want", "ask", "say", "demand")],
    ],
    "withholding": [
        [_lemmas("leave", "keep"), GAP, GAP, {"LOWER": {"IN": ["out", "quiet", "secret"]}}],
        [_lemmas("keep"), GAP, GAP, {"LOWER": "to"}, {"LOWER": {"IN": ["myself", "ourselves"]}}],
        [_lemmas("hold"), {"LOWER": "back"}],
        [{"LOWER": {"IN": ["not", "n't", "never", "dont", "don't"]}}, GAP,
         _lemmas("mention", "tell", "say", "bring")],
        [_lemmas("omit", "withhold")],
    ],
}

class PatternCues:
    """Finds the five responses' cue words in a spaCy doc."""

    def __init__(self, vocab: Vocab) -> None:
        self.matcher = Matcher(vocab)
        for pattern, cues in CUES.items():
            self.matcher.add(pattern, cues)

    def find(self, doc: Doc) -> list[Span]:
        """The cue spans in the message, one per response, in the order they appear."""
        found: dict[str, Span] = {}
        for match_id, start, end in sorted(self.matcher(doc), key=lambda m: m[1]):
            pattern = doc.vocab.strings[match_id]
            span = doc[start:end]
            if pattern not in found and not _about_someone_else(span):
                found[pattern] = Span(doc, start, end, label=pattern)
        return list(found.values())


def _about_someone_else(span: Span) -> bool:
    """True when the cue's clause is the partner's doing, not the user's ("she snaps at me")."""
    verb = span.root if span.root.pos_ in ("VERB", "AUX", "ADJ") else span.root.head
    subjects = [child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")]
    if not subjects and verb.dep_ in ("conj", "xcomp", "acomp") and verb.head is not verb:
        subjects = [child for child in verb.head.children if child.dep_ in ("nsubj", "nsubjpass")]
    return any(is_partner(subject) for subject in subjects)
