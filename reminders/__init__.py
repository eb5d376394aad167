"""Credit reminders and integrity interviews (000 Art. 12, 001 Art. 14, 004 §6(2)): registered,
printed, and falling due."""
