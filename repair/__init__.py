"""Credit repair applications (003 §5(3), 004 §6(6)): whoever determines, repairs."""
