"""Staff roles: who has which role in which centre, and who may change that."""
