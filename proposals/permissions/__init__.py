"""Who may do what in the participation domain, one module per area (proposals, moderation, consultations,
hearings, Commission answers, commitments). Views, API endpoints and services ask these predicates; the roles
they build on are in `portal.core.roles`, the rules about people in `portal.accounts.permissions`."""
