"""Benchmarks against baselines and the scale-out proof (see README, "Benchmarks")."""
