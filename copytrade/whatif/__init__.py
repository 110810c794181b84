"""What if I had copied? A provider's recorded history replayed through the real
pipeline on a scratch database, never the live books (docs/whatif.md)."""
