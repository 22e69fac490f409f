"""Production settings: secrets and hosts must come from the environment."""

from .base import *  # noqa: F403
from .base import env_bool, require_secret_key

require_secret_key()
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
