"""The chat widget driven in Chromium against real servers."""
