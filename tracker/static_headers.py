"""Security headers for static files (settings.WHITENOISE_ADD_HEADERS_FUNCTION).

WhiteNoise answers for static files before the CSP, frame and permissions middleware run,
so they get the same protections here. A stylesheet or script needs no permission to load
anything itself, hence a stricter policy than pages have. Imported by the settings, so it
imports nothing from Django.
"""

# Browser features the service never uses, switched off for pages and files alike.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

STATIC_CSP = (
    "default-src 'none'; img-src 'self' data:; font-src 'self'; style-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def add_static_headers(headers, path: str, url: str) -> None:
    headers["Content-Security-Policy"] = STATIC_CSP
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
