"""The Rasa server's input: the REST and socket.io channels, the checks every message passes, forgetting."""

from channels import speedup  # noqa: F401  (Rasa loads this package first: see channels/speedup.py)
from coach import logs

# Before Rasa handles any message: no log line of this process carries a person's words (coach/logs.py).
logs.install()
