"""Shared building blocks below the capabilities: what every capability may use and none owns
(input rules, form helpers). A plain package: no models, no app, imports no capability."""
