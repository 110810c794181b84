"""Following a provider, as one feature: follow, pause, resume, top up, withdraw, stop
(``actions``), the positions a new follower opens (``open_positions``), the account
owner's requests (``service``) and what they read back (``views``)."""
