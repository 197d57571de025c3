"""The Teams-facing glue on botbuilder: activity handler, routing, HTTP endpoint."""
