"""Shared building blocks below the capabilities: what every capability may use and none owns
(input rules today). A plain package: no models, no app, imports no capability."""
