"""What ``copytrade serve`` runs: the assembly of the API and the web pages on one
runtime, the live market and the scheduled jobs."""
