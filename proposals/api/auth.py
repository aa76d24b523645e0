from ninja.security import HttpBearer

from portal.accounts.tokens import api_token_authenticate
from portal.core.roles import mark_api_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token's owner becomes request.auth."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            # A token is one factor, and may sit in a script or a CI variable: whatever PORTAL_STAFF_MFA
            # says, its owner exercises no staff role through it.
            mark_api_token(user)
        return user
