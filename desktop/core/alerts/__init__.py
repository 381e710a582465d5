"""Alert rules, their files, and the engine that evaluates them on every tick. No Qt, no I/O."""
