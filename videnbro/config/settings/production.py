"""Production settings: secrets and hosts must come from the environment."""

from .base import *  # noqa: F403
from .base import env_bool, require_secret_key

require_secret_key()

# --- HTTPS (issue 12, finding 10; docs/deploy.md) -------------------------------------------
# On by default in production so `videnbro check --deploy` is clean; each can be turned off
# through the environment (e.g. SECURE_SSL_REDIRECT=0 when the proxy already redirects, or
# SECURE_HSTS_PRELOAD=0 before the domain is submitted to the preload list – the deploy
# check then warns, as it should). SECURE_PROXY_SSL_HEADER (base.py) must be set when TLS ends
# at a reverse proxy, or the redirect loops.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 31_536_000)  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# --- end of HTTPS ----------------------------------------------------------------------------
