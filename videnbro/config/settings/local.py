"""Default settings for `make run` and the `videnbro` command on one machine.

Without SECRET_KEY a per-checkout key is generated once under var/ (never committed), so a fresh
clone works with no set-up while production must set its own.
"""

import os
import secrets

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR

VAR_DIR.mkdir(parents=True, exist_ok=True)
if not SECRET_KEY:
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        os.chmod(key_file, 0o600)
    SECRET_KEY = key_file.read_text().strip()

# Mail is written to files under var/mail unless EMAIL_BACKEND says otherwise.
if "EMAIL_BACKEND" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
