"""Standardized branches (标准化支部): indicator systems, automatic evidence, scoring and reviews (issue 15)."""
