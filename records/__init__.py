"""Credit records from every department: intake, four-eyes approval, lifecycle and publication."""
