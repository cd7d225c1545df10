"""Trust Coach action server: the coaching logic behind the Rasa assistant."""
