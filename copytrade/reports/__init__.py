"""Human-readable reports (Rich tables) over the platform's recorded data."""
