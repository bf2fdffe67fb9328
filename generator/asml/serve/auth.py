"""Authorizers, as API Gateway applies them before a function runs.

JWT: the token comes from the identity source (``Bearer`` stripped); with a JWKS configured
its signature, issuer, audience and expiry are verified (401 otherwise), and a route's scopes
need one match in ``scope``/``scp`` (403 otherwise). AWS_IAM: the request must be SigV4-signed;
locally the signature itself cannot be checked against IAM, only its presence.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from asml.errors import AsmlError
from asml.manifest.model import Authorizer
from asml.serve.events import Request, Response, gateway_error
from asml.serve.routes import Route

# API Gateway's JWT authorizers accept RSA signatures only.
_ALGORITHMS = ["RS256", "RS384", "RS512"]


class Verifier:
    """Checks requests against one service's authorizers; keys are loaded once."""

    def __init__(self, service_dirs: dict[str, Path]) -> None:
        self.service_dirs = service_dirs
        self._keys: dict[str, Any] = {}

    def warnings(self, routes: list[Route]) -> list[str]:
        found = set()
        for route in routes:
            authorizer = route.authorizer
            if authorizer is not None and authorizer.type == "JWT" and authorizer.jwks is None:
                found.add(
                    f"authorizer {route.service}.{route.authorizer_name} has no `jwks`: asml serve"
                    " reads its tokens without verifying them"
                )
        return sorted(found)

    def _signing_key(self, route: Route, token: str) -> Any:
        import jwt

        authorizer = route.authorizer
        assert authorizer is not None and authorizer.jwks is not None
        source = authorizer.jwks
        if source.startswith(("http://", "https://")):
            client = self._keys.get(source) or jwt.PyJWKClient(source)
            self._keys[source] = client
            return client.get_signing_key_from_jwt(token).key
        path = self.service_dirs[route.service] / source
        if str(path) not in self._keys:
            try:
                self._keys[str(path)] = jwt.PyJWKSet.from_json(path.read_text(encoding="utf-8"))
            except (OSError, ValueError, jwt.PyJWTError) as error:
                raise AsmlError(f"{path}: not a JWKS ({error})") from None
        key_id = jwt.get_unverified_header(token).get("kid")
        keys = self._keys[str(path)].keys
        if key_id is None and len(keys) > 1:  # which key signed it must not be guessed
            raise jwt.InvalidTokenError("the token names no kid and the JWKS has several keys")
        for key in keys:
            if key_id is None or key.key_id == key_id:
                return key.key
        raise jwt.InvalidTokenError(f"no key {key_id!r} in the JWKS")

    def check(self, route: Route, request: Request) -> Response | dict[str, Any] | None:
        """A refusal, the authorizer context for the event, or None for an open route."""
        authorizer = route.authorizer
        if authorizer is None:
            return None
        headers = {k.lower(): v for k, v in request.headers}
        if authorizer.type == "AWS_IAM":
            if not headers.get("authorization", "").startswith("AWS4-HMAC-SHA256 "):
                return gateway_error(403, "Forbidden")
            return {"iam": {"accessKey": "local", "accountId": "000000000000"}}
        return self._jwt(route, authorizer, headers)

    def _jwt(
        self, route: Route, authorizer: Authorizer, headers: dict[str, str]
    ) -> Response | dict[str, Any]:
        import jwt

        source = authorizer.identity_source.removeprefix("$request.header.").lower()
        token = headers.get(source, "").strip()
        if token.lower().startswith("bearer "):
            token = token[7:].strip()
        if not token:
            return gateway_error(401, "Unauthorized")
        try:
            if authorizer.jwks is None:
                claims = jwt.decode(token, options={"verify_signature": False})
            else:
                claims = jwt.decode(
                    token,
                    self._signing_key(route, token),
                    algorithms=_ALGORITHMS,
                    audience=authorizer.audience or None,
                    issuer=authorizer.issuer,
                    options={"require": ["exp"]},  # as API Gateway: no exp, no entry
                )
        except (jwt.PyJWTError, ValueError):
            return gateway_error(401, "Unauthorized")
        granted = str(claims.get("scope") or claims.get("scp") or "").split()
        if authorizer.scopes and not set(authorizer.scopes) & set(granted):
            return gateway_error(403, "Forbidden")
        shown = {k: v if isinstance(v, str) else json.dumps(v) for k, v in claims.items()}
        return {"jwt": {"claims": shown, "scopes": granted or None}}
