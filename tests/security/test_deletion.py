"""Deleting a conversation reaches the database the coach's records are really in.

The cluster runs exactly as the README's production section says: the coach's database (PostgreSQL)
is given to the action servers only, so a Rasa replica that deleted the records by itself would
delete from a database of its own and leave them in PostgreSQL. It asks the action servers instead
(channels/privacy.py, the action server's /forget).
"""

from __future__ import annotations

import asyncio

import pytest
from servers import Cluster, SocketChat, text_of

from coach.content import privacy

pytestmark = pytest.mark.model

CHOICES = ['/choose_step{"step": "tell_truth"}', '/choose_step{"step": "not_about_you"}']


def tracker_events(cluster: Cluster, sender: str) -> int:
    return cluster.query(cluster.tracker_db, "SELECT count(*) FROM events WHERE sender_id = :sender",
                         sender=sender)[0][0]


def test_a_widget_conversation_forgotten_through_a_replica_leaves_no_row_in_postgresql(cluster):
    async def converse() -> tuple[str, str, dict]:
        leaving, staying = SocketChat(cluster.public), SocketChat(cluster.public)
        leaving_id, staying_id = await leaving.connect(None), await staying.connect(None)
        for chat, session in ((leaving, leaving_id), (staying, staying_id)):
            for choice in CHOICES:
                await chat.say(session, choice)
        # What there is to delete: two chosen steps each, in PostgreSQL, and both conversations.
        assert cluster.coach_rows(leaving_id) == cluster.coach_rows(staying_id) == 2
        assert tracker_events(cluster, leaving_id) > 0
        answer = await leaving.forget(leaving_id)  # the widget's "Delete my conversation"
        await leaving.close()
        await staying.close()
        return leaving_id, staying_id, answer

    leaving_id, staying_id, answer = asyncio.run(converse())
    assert answer["forgotten"] is True
    assert cluster.coach_rows(leaving_id) == 0
    assert tracker_events(cluster, leaving_id) == 0
    assert cluster.coach_rows(staying_id) == 2 and tracker_events(cluster, staying_id) > 0


def test_a_rest_conversation_deleted_by_asking_the_coach_leaves_no_row_in_postgresql(cluster):
    user, someone_else = cluster.user(), cluster.user()
    for person in (user, someone_else):
        for choice in CHOICES:
            person.says(choice)
    assert cluster.coach_rows(user.sender) == 2

    user.says("delete my data")
    assert privacy()["done"] in text_of(user.says("/affirm"))

    assert cluster.coach_rows(user.sender) == 0
    assert tracker_events(cluster, user.sender) == 0
    assert cluster.coach_rows(someone_else.sender) == 2
