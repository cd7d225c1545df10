"""Practice mode: which response a reply to the suspicious partner leans toward, and why.

The coach plays a partner who asks a suspicious question ("who are you texting?"); the user answers as
they would at home. `assess_reply` says whether that answer leans toward one of the five responses the
article says backfire (reassuring, ignoring, angry, giving_in, withholding) or is calm, quotes the
phrases that show it, and names the calm qualities it has, so the coach can say what worked.

How it decides, in order (decision.py):

1. A strong sign of anger, giving in or ignoring wins: it is what the partner hears, however kind the
   rest is ("I was with my sister, stop being paranoid" is angry). Capitals, "!!" and "obviously" are
   weak signs: two of them together count as one strong one. Sarcasm is built the same way: an
   agreement marker ("oh sure", "yeah because", "happy now?") plus a mock confession of what the
   partner fears ("my secret lover", "a million dollars") is anger; mocking the partner as police
   ("ok detective", "sorry officer", "a curfew") is anger on its own.
2. Standing on one's rights ("I'm an adult", "I'm allowed to spend my own money") with nothing warm
   beside it is angry; said with an acknowledgement or an offer it is a firm, calm boundary. So is
   pushback with no strong word, read from the parse (pushback.py): a sentence that tells the partner
   what they do ("you can relax now", "do you ever listen") or asks back ("where else would i be",
   "because i like them?", "i'm still here, aren't i"), beside an answer or not.
3. A bare refusal ("I'm not giving you my password", "I don't owe you a list of names") is ignoring;
   with warmth and an alternative it is a boundary, which is calm.
4. Promises with no concrete answer are reassuring; "I promise, I was with my mom" answers the question,
   and as much warmth as promising ("I can tell you're scared. There's nothing going on, but I won't
   hand over my password") hears the partner out.
5. Fillers are withholding: "someone" where a name was asked for, unless more names are given than
   fillers; "it was fine" when nothing concrete and nothing warm is given at all.
6. A weak sign alone, with no answer and nothing kind, is what the reply is: a jab ("oh sure",
   "seriously?") is angry, a grunt or a goodbye ("mm. see you later") is ignoring.
7. An answer that names nothing the question asked for (`asks_for`) and has nothing kind in its place
   is withholding.
8. Anything else is calm.

Where the rules end at 7 or 8 with nothing warm to go on, a learned reading has the last word when it
is sure (learned.py).

The package: signals.py (the responses, qualities and cues), knowledge.py (the model, the matchers and
the word lists, read from patterns/*.jsonl), cues.py (every cue in a reply), with parsed_cues.py (giving
in and declining, from the parse), pushback.py and clauses.py (the parse as the assessment reads it);
details.py (what a concrete answer names); learned.py; decision.py.
"""

from actions.assessment.decision import Assessment, asks_for, assess_reply
from actions.assessment.signals import PATTERNS, QUALITIES

__all__ = ["PATTERNS", "QUALITIES", "Assessment", "asks_for", "assess_reply"]
