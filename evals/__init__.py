"""evals: answer-quality datasets and their runner."""
