"""The disclosure office's view of a region-year: coverage, roll-up, findings, copying, scores, the
notice and the problem list."""
