"""Break-glass: emergency access to a child's record, audited and reported."""
