"""Development tools (not part of the installed suite)."""
