"""The copy pipeline: provider fills in, sized and risk-checked copies out, exactly once.

Ingest → fan-out → plan → execute → book, with the outbox relay and recovery. It names
ports (the venue, the unit of work, the bus, its ``Stops``), never a concrete adapter,
and never imports a use case (docs/engine.md "Layers")."""
