"""The health sidecar: /health, /ready and /metrics, served from the engine's own process."""
