"""SQLite persistence: one database file, versioned schema, one repository class per kind of record."""
