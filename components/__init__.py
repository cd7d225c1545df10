"""Custom Rasa pipeline components for Trust Coach."""
