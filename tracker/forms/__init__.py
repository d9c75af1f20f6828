"""Patient forms, one module per page family; each turns what a person types into domain values."""
