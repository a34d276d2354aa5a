"""The visitor's address when the app runs behind a TLS-terminating proxy."""

import ipaddress


def client_ip(request) -> str:
    """The address the proxy saw: the last entry of X-Forwarded-For, else REMOTE_ADDR.

    The proxy appends the address of whoever connected to it (or sets just that one); any
    entries to its left came from the client and may be forged, so only the last one counts
    for rate limits and login lockouts. A missing or malformed header falls back to the
    connection's own address rather than failing the request.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return request.META.get("REMOTE_ADDR") or "0.0.0.0"
