"""The participation domain's models, one module per concern (consultation, document, proposal, …)."""
