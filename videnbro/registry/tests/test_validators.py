"""CVR numbers: 8 digits, modulus 11 with weights 2-7-6-5-4-3-2-1."""

import pytest
from django.core.exceptions import ValidationError

from videnbro.registry.validators import CVR_WEIGHTS, clean_cvr, is_valid_cvr, validate_cvr


def with_check_digit(first_seven: str) -> str | None:
    """The CVR number with these seven leading digits, or None when no check digit fits."""
    remainder = sum(int(d) * w for d, w in zip(first_seven, CVR_WEIGHTS, strict=False)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else first_seven + str(check)


def test_it_computes_known_check_digits():
    # Independent of the module: Novo Nordisk A/S is 24256790, Novo Nordisk Fonden 10582989.
    assert with_check_digit("2425679") == "24256790"
    assert with_check_digit("1058298") == "10582989"


@pytest.mark.parametrize(
    "cvr",
    [
        "24256790",  # Novo Nordisk A/S
        "10582989",  # Novo Nordisk Fonden
        "10007127",
        "17538896",  # Copenhagen Capacity (in the seed data)
        *filter(None, (with_check_digit(seven) for seven in ("3012345", "5555555", "9876543"))),
    ],
)
def test_it_accepts_valid_cvr_numbers(cvr):
    assert is_valid_cvr(cvr)
    assert clean_cvr(cvr) == cvr
    validate_cvr(cvr)


@pytest.mark.parametrize(
    "written",
    ["DK 24 25 67 90", "DK24256790", "dk 24256790", "24 25 67 90", "2425-6790", " 24256790 "],
)
def test_it_accepts_common_ways_of_writing_a_cvr_number(written):
    assert clean_cvr(written) == "24256790"


@pytest.mark.parametrize("cvr", ["24256791", "24256799", "12345678", "10007128"])
def test_it_rejects_a_wrong_check_digit_with_the_exact_message(cvr):
    assert not is_valid_cvr(cvr)
    with pytest.raises(ValidationError) as info:
        clean_cvr(cvr)
    assert info.value.messages == [f"{cvr} er ikke et gyldigt CVR-nummer (kontrolcifferet passer ikke)."]
    assert info.value.code == "cvr_checksum"


@pytest.mark.parametrize("written", ["1234567", "123456789", "", "2425679O", "ABCDEFGH", "24.25.67.90", "DK"])
def test_it_rejects_wrong_length_and_letters_with_the_exact_message(written):
    with pytest.raises(ValidationError) as info:
        clean_cvr(written)
    assert info.value.messages == [f"Et CVR-nummer består af 8 cifre (fik {written})."]
    assert info.value.code == "cvr_format"


def test_it_rejects_a_leading_zero_even_when_the_checksum_fits():
    cvr = with_check_digit("0123456")
    assert cvr == "01234560"  # weighted sum 77, divisible by 11
    assert not is_valid_cvr(cvr)
    with pytest.raises(ValidationError):
        clean_cvr(cvr)


def test_it_rejects_superscript_digits_with_a_validation_error():
    with pytest.raises(ValidationError):
        clean_cvr("²4256790")


def test_it_never_returns_non_ascii_digits():
    try:
        result = clean_cvr("２４２５６７９０")
    except ValidationError:
        return
    assert result == "24256790"
