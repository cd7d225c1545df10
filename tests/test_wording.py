"""Replies read right in any Rasa client: as plain text, and as Markdown (rasa-webchat renders bot text
as Markdown, which joins single lines and glues a line after a list onto its last item; Rasa itself
splits a text at blank lines into separate bubbles)."""

from __future__ import annotations

import re
from html import escape
from types import SimpleNamespace

import pytest
from markdown_it import MarkdownIt

from actions.safety import safety_replies, warning_replies
from actions.therapy import listing
from coach.crisis import crisis_summary

render = MarkdownIt("commonmark").render


def items(html: str) -> list[str]:
    return re.findall(r"<li>(.*?)</li>", html, re.S)


def replies() -> list[str]:
    matches = SimpleNamespace(exact_country=True, resources=[
        SimpleNamespace(name="Psychology Today", reach="psychologytoday.com", good_for="find a therapist"),
        SimpleNamespace(name="AAMFT", reach="aamft.org", good_for="family therapists"),
    ])
    return [crisis_summary(), safety_replies("danger")[0].text, safety_replies("self_harm")[0].text,
            warning_replies("he reads my phone")[0].text, listing(matches)]


@pytest.mark.parametrize("kind", ["self_harm", "danger"])
def test_the_emergency_line_stands_apart_from_the_list_of_numbers_in_the_same_bubble(kind):
    text = safety_replies(kind)[0].text
    html = render(text)
    assert len(items(html)) >= 3  # the numbers, and help outside the US, are a list
    assert not any("911" in item for item in items(html))
    assert re.search(r"<p>[^<]*If you are in immediate danger, call 911", html)
    assert "\n\n" not in text  # one bubble: Rasa would split it at a blank line


@pytest.mark.parametrize("text", replies())
def test_every_list_item_is_only_itself_once_rendered(text):
    bullets = [escape(line[2:], quote=False) for line in text.split("\n") if line.startswith("- ")]
    assert items(render(text)) == bullets  # nothing glued onto the last one
    assert "\n\n" not in text
