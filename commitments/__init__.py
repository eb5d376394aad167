"""Credit commitments and voluntary registration of subjects (004 §3(1), §5(3))."""
