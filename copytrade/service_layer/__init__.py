"""Application services: units of work and the use cases that run inside them."""
