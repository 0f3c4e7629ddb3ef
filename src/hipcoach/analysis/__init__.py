"""Side-lying analysis: camera view, per-exercise signals, sets, reps and form."""
