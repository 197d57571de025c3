"""Adaptive-card builders (pure: data in, card JSON out) and parsers of card submits."""
