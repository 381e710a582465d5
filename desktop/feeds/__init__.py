"""Quote feeds: each runs on its own thread and pushes Quote batches to a sink. No Qt here."""
