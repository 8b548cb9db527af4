"""Benchmarks: their own command (see README), never part of the test run."""
