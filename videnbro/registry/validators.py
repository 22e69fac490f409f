"""Validation of Danish identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def is_valid_cvr(value: str) -> bool:
    """CVR numbers are 8 digits, not starting with 0, whose weighted sum is divisible by 11."""
    if len(value) != 8 or not (value.isascii() and value.isdigit()) or value[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(value, CVR_WEIGHTS, strict=True)) % 11 == 0


def clean_cvr(value: str) -> str:
    """Accept 'DK 12 34 56 78' style input; return the 8 digits or raise ValidationError."""
    digits = "".join(value.split()).upper().removeprefix("DK").replace("-", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 8:
        raise ValidationError(
            _("Et CVR-nummer består af 8 cifre (fik %(value)s).") % {"value": value},
            code="cvr_format",
        )
    if not is_valid_cvr(digits):
        raise ValidationError(
            _("%(value)s er ikke et gyldigt CVR-nummer (kontrolcifferet passer ikke).") % {"value": digits},
            code="cvr_checksum",
        )
    return digits


def validate_cvr(value: str) -> None:
    clean_cvr(value)
