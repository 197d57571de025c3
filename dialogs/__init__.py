"""Conversations on botbuilder-dialogs; the home-office agreement comes here (issue 5)."""
