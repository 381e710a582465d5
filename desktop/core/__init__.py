"""The headless core: quotes, the quote store, price files, alert rules and engine. No Qt, no network."""
