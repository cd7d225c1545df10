"""The cue words of each backfiring response, the writer's own and not the partner's."""

from __future__ import annotations

import pytest

from components.pattern_cues import PatternCues


@pytest.fixture(scope="module")
def cues(nlp):
    return lambda text: [span.label_ for span in PatternCues(nlp.vocab).find(nlp(text.lower()))]


@pytest.mark.parametrize("text,expected", [
    ("I reassure her all the time and sometimes I just snap", ["reassuring", "angry"]),
    ("i don't answer anymore, i just go quiet. and honestly i yell sometimes", ["ignoring", "angry"]),
    ("i gave him my passwords and i check in every hour", ["giving_in"]),
    ("i don't tell her who was at lunch", ["withholding"]),
    ("i keep promising him nothing is going on", ["reassuring"]),
    ("i lost my temper last night", ["angry"]),
])
def test_the_responses_a_message_describes_are_found(cues, text, expected):
    assert cues(text) == expected


@pytest.mark.parametrize("text", [
    "she gets angry when i go out",
    "he shouts at me whenever i'm late",
    "my wife ignores me for days",
])
def test_what_the_partner_does_is_not_taken_for_the_users_response(cues, text):
    assert cues(text) == []
