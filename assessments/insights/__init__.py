"""What HR sees of the results: score rows written with each result, the dashboard, and
the item statistics."""
