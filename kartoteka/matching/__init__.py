"""Cross-script person matching: candidate index (blocking), scorer, explanations, decisions."""
