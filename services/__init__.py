"""Use cases: the rules in `domain/` applied to what storage holds. No botbuilder here."""
