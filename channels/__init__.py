"""Rasa input channels of Trust Coach: the website chat widget's socket.io channel, and privacy."""
