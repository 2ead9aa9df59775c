"""Subject access: a child's records gathered for a subject-access request."""
