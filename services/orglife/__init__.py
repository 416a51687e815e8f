"""Organizational life (三会一课 and more): meetings, their should-attend lists, leave, check-in,
minutes and compliance with the rule set (docs/orglife.md)."""
