"""The annual party statistics tables (党内统计): versioned templates filled from the platform (issue 15)."""
