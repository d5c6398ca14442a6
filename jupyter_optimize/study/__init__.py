"""What to optimize, and on what: the target function, its live calls, the magic's line, its line profile."""
