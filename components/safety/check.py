"""SafetyCheck: matches the patterns, reads each match with its rule, keeps the most urgent finding."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from components.safety import control, danger, fear, self_harm
from components.safety.clause import told_as_over
from components.safety.findings import URGENCY, Finding, SafetyFlag
from components.safety.patterns import ANCHOR, PATTERN_FILES, PHRASE, STRUCTURE, PatternLine, read_patterns

# Every rule, by the label of its patterns. An anchor rule is handed the token its one-token pattern
# matched; a phrase rule the span; a structure rule the tokens of its dependency pattern, in order.
ANCHOR_CHECKS: dict[str, Callable[[Token], Finding | None]] = {
    **self_harm.ANCHOR_CHECKS, **danger.ANCHOR_CHECKS, **fear.ANCHOR_CHECKS, **control.ANCHOR_CHECKS,
}
PHRASE_CHECKS: dict[str, Callable[[Span], Finding | None]] = {
    **self_harm.PHRASE_CHECKS, **danger.PHRASE_CHECKS, **fear.PHRASE_CHECKS,
}
STRUCTURE_CHECKS: dict[str, Callable[..., Finding | None]] = {
    **self_harm.STRUCTURE_CHECKS, **danger.STRUCTURE_CHECKS,
}
SHAPES = ({label: ANCHOR for label in ANCHOR_CHECKS} | {label: PHRASE for label in PHRASE_CHECKS}
          | {label: STRUCTURE for label in STRUCTURE_CHECKS})


@cache
def rule_patterns() -> tuple[PatternLine, ...]:
    """Every pattern line of the pattern files, in file order; each rule must have at least one."""
    lines = tuple(line for path in PATTERN_FILES for line in read_patterns(path, SHAPES))
    unmatched = sorted(set(SHAPES) - {label for label, _ in lines})
    if unmatched:
        files = ", ".join(str(path) for path in PATTERN_FILES)
        raise ValueError(f"no pattern in {files} for the safety rules {unmatched}")
    return lines


class SafetyCheck:
    """Finds the most urgent safety flag in a parsed message. Build once per spaCy `Vocab`."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._anchors = Matcher(vocab)
        self._phrases = Matcher(vocab)
        self._structures = DependencyMatcher(vocab)
        matchers: dict[str, Any] = {ANCHOR: self._anchors, PHRASE: self._phrases, STRUCTURE: self._structures}
        # One line at a time, in file order: where two rules match the same token, the first added is
        # read first, and the most urgent finding at the earliest token wins.
        for label, pattern in rule_patterns():
            matchers[SHAPES[label]].add(label, [pattern])

    def check(self, doc: Doc) -> SafetyFlag | None:
        """The most urgent flag in `doc` (self_harm > danger > coercive_control), or None.

        `doc` must carry a dependency parse: every rule reads it, and without one the check would
        pass anything. Raises ValueError otherwise (see `parse` for docs made by Rasa's SpacyNLP).
        """
        found = self.find(doc)
        return found[0] if found else None

    def find(self, doc: Doc) -> tuple[SafetyFlag, Span] | None:
        """Like `check`, with the span of the evidence in `doc`."""
        findings = sorted(self._findings(doc),
                          key=lambda finding: (URGENCY.index(finding[0]), finding[1].start))
        if not findings:
            return None
        kind, span = findings[0]
        return SafetyFlag(kind=kind, evidence=span.text), span

    def _findings(self, doc: Doc) -> Iterator[Finding]:
        if not len(doc):
            return
        if not doc.has_annotation("DEP"):
            raise ValueError("SafetyCheck needs a dependency parse; parse the doc first.")
        strings = self.vocab.strings
        for match_id, start, _ in self._anchors(doc):
            yield from _kept(ANCHOR_CHECKS[strings[match_id]](doc[start]))
        for match_id, start, end in self._phrases(doc):
            yield from _kept(PHRASE_CHECKS[strings[match_id]](doc[start:end]))
        for match_id, token_ids in self._structures(doc):
            yield from _kept(STRUCTURE_CHECKS[strings[match_id]](*(doc[i] for i in token_ids)))
        before = None
        for sentence in doc.sents:
            yield from _kept(control.check_punished_refusal(sentence, before))
            before = sentence


def _kept(finding: Finding | None) -> Iterator[Finding]:
    """A rule's finding, unless it is told as a past that is over (clause.told_as_over)."""
    if finding is not None and not told_as_over(finding[1]):
        yield finding
