"""The 党务公开 board: dated disclosures per institution and unit that the members of that scope read
(docs/openness.md).
"""
