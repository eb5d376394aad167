"""The yearly summary of grades, measures, reminders, objections and repairs (003 §6(1), 004 §7(4))."""
