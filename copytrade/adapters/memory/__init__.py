"""In-memory adapters: the copy pipeline's unit of work (``uow.py``) and a venue
(``venue.py``), with no database (docs/engine.md, "The unit of work port")."""
