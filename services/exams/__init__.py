"""The question bank and exams: papers drawn per person, timed attempts, marking, contests
(docs/exams.md).
"""
