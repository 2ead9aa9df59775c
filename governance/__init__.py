"""Information governance (issue 10): leavers, subject access, retention and break-glass.

Each is its own small app; account requests and resets live with the accounts."""
