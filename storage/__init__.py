"""Storage: one document-store interface, SQLite and Cosmos DB behind it."""
