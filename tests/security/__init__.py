"""Attacks on Trust Coach run against real servers, as `make run` and `make cluster` start them."""
