"""Study: courses and materials, study plans, hours from heartbeats, lectures attended and external
training (docs/study.md).
"""
