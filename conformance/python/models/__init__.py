"""Conformance models. Each module exposes ``CASES``: a list of pipeline.CaseSpec."""
