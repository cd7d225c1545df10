"""Replies read right in any Rasa client: as plain text, and as Markdown (rasa-webchat renders bot text
as Markdown, which joins single lines and glues a line after a list onto its last item)."""

from __future__ import annotations

from html import escape

import pytest
from markdown_it import MarkdownIt

from actions.safety import safety_replies, warning_replies
from actions.therapy import listing
from coach.crisis import crisis_summary

render = MarkdownIt("commonmark").render


def last_item_and_after(html: str) -> tuple[str, str]:
    items = html.split("<li>")
    last, _, after = items[-1].partition("</ul>")
    return last, after


@pytest.mark.parametrize("kind", ["self_harm", "danger"])
def test_the_emergency_line_stands_apart_from_the_list_of_numbers(kind):
    html = render(safety_replies(kind)[0].text)
    last, after = last_item_and_after(html)
    assert "911" not in last and "<p>If you are in immediate danger, call 911" in after
    assert html.count("<li>") >= 2  # the numbers are a list


def test_the_short_list_of_crisis_numbers_is_a_list_after_its_two_sentences():
    html = render(crisis_summary())
    paragraphs = html.split("<ul>")[0]
    assert paragraphs.count("<p>") == 2 and "988" in html.split("<ul>")[1]


def test_no_reply_line_is_glued_to_another_in_markdown():
    replies = [safety_replies("danger")[0], safety_replies("self_harm")[0],
               warning_replies("he reads my phone")[0]]
    for text in [crisis_summary(), *(reply.text for reply in replies)]:
        html = render(text)
        for line in filter(None, text.split("\n")):
            # Every line is its own paragraph or list item once rendered.
            shown = escape(line.removeprefix("- "), quote=False)
            assert f"<p>{shown}</p>" in html or f"<li>{shown}</li>" in html, line


def test_the_therapy_listing_is_a_heading_then_a_list(tmp_path):
    from types import SimpleNamespace

    matches = SimpleNamespace(exact_country=True, resources=[
        SimpleNamespace(name="Psychology Today", reach="psychologytoday.com", good_for="find a therapist"),
        SimpleNamespace(name="AAMFT", reach="aamft.org", good_for="family therapists"),
    ])
    html = render(listing(matches))
    assert html.startswith("<p>") and html.count("<li>") == 2
