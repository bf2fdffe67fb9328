"""asml's benchmarks: ``make bench`` runs them all and writes bench/RESULTS.md.

Every figure is measured beside what it is compared with, in the same run, so a noisy
machine moves both sides together. Timings are medians of repeated runs after a warm-up.
"""
