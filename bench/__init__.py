"""Benchmark for `make bench`: speed, memory and retrieval quality, ours against a plain llama-index pipeline.

`bench.run` is the entry point; `bench.corpus` generates the scale corpus,
`bench.questions` the timed question set, `bench.baseline` the plain pipeline
and `bench.measure` the clocks, memory probes and machine description.
"""
