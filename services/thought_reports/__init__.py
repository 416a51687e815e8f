"""Ideological reports (思想汇报): written by applicants to probationary members, read and reviewed by
contact persons and the branch (docs/thought_reports.md).
"""
