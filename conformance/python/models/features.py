"""TODO"""
CASES = []
