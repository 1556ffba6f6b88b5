"""What the API does, between HTTP and storage: ``rules`` says what a lead is, ``leads`` runs
each lead operation by those rules, ``idempotency`` makes a retried request run once."""
