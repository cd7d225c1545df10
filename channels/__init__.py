"""Trust Coach's input channels: Rasa's REST and socket.io channels, with the coach's checks."""

from channels import speedup  # noqa: F401  (Rasa loads this package first: see channels/speedup.py)
