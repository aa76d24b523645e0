from ninja.security import HttpBearer

from portal.accounts.tokens import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the token's owner becomes request.auth."""

    def authenticate(self, request, token):
        return api_token_authenticate(token)
