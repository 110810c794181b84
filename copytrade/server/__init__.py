"""What ``copytrade serve`` runs besides the HTTP edge: the platform and its schedules."""
