"""Settings package: ``base`` is the production settings read from the environment; ``test`` adjusts it
for the test suite. Production differs from the embedded default only by environment variables."""
