"""People and leavers: deactivating a user and reassigning their open work."""
