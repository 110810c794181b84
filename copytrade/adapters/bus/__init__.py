"""Message brokers behind the engine's bus port (docs/engine.md, "JetStream")."""
