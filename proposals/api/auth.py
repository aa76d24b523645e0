from ninja.security import HttpBearer

from portal.accounts.tokens import api_token_authenticate
from portal.core.roles import mark_second_factor


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token's owner becomes request.auth."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            # A token is one factor: under PORTAL_STAFF_MFA=required its owner exercises no staff role.
            mark_second_factor(user, verified=False)
        return user
