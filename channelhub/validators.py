"""The shared validators: phone numbers, dates relative to the tenant's today, provinces and
place names, amounts. Every form and the partner importer use these, so "12" for a phone,
"abc" for an amount, a founding date in 2031 and "火星省" get the same clear message
everywhere (docs/shared-mechanisms.md, "Validators").

- **Phones** are parsed with phonenumbers (through django-phonenumber-field, region CN):
  mainland mobiles (11 digits, 1[3-9]…) and landlines with their area code (0571-88886666,
  010 6552 8888), an extension after 转 / 分机 / ext / # / a last hyphen. Stored in one form,
  E.164 (``+8613800138000``; an extension as ``+8657188886666;ext=123``), shown to people in
  the national format (``138 0013 8000``) by ``format_phone`` and the ``|phone`` filter.
- **Dates** that cannot be in the future (founded, visited, inspected) or in the past
  (expected start, expected close) are judged against ``periods.today()``, the tenant's today.
- **Provinces** are the 34 provincial-level divisions; ``province_named`` also reads 浙江,
  Zhejiang and 广西 as their full names. Forms that know the tenant's territory tree check
  more (onboarding's campaign regions); the names here never depend on a tenant.
- **Amounts** (CNY): digits with optional thousands separators, ¥ / 元, 万 / 亿; more than
  zero unless zero is allowed; 14 digits, 2 decimals (the house money field).

``channelhub`` imports no app: forms pass what they know of the tenant (region names) in.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberDescriptor
from phonenumber_field.modelfields import PhoneNumberField as _LibraryPhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber

REGION = "CN"


def _nfkc(value) -> str:
    """Full-width digits, letters and punctuation as half-width (１３８ → 138, （ → ()."""
    return unicodedata.normalize("NFKC", str(value or "")).strip()


# --- phone numbers ---------------------------------------------------------------------------

PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.TOLL_FREE,  # 800
    phonenumbers.PhoneNumberType.SHARED_COST,  # 400, companies' service lines
}
# An extension written out: "0571-88886666 转 123", "… 分机 123", "… ext. 123", "… #123".
_EXTENSION = re.compile(r"\s*(?:转|轉|分机|分機|ext\.?|extension|x|#|,)\s*(\d{1,6})\s*$", re.IGNORECASE)
# An extension after a last hyphen, tried only when the whole is not a number: 0571-88886666-123.
_HYPHEN_EXTENSION = re.compile(r"^(.*\d)\s*-\s*(\d{1,5})$")
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


class Phone(PhoneNumber):
    """A phone number as the models hold it. ``str()`` is the stored form (E.164, an extension
    after ``;ext=``) for a valid number and what was typed for a value kept from before
    validation; ``display`` is the form for people."""

    def __str__(self):
        return e164(self) if self.is_valid() else (self.raw_input or "")

    def __hash__(self):
        return hash(str(self))

    @property
    def display(self) -> str:
        return format_phone(self)


def e164(number: phonenumbers.PhoneNumber) -> str:
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{text};ext={number.extension}" if number.extension else text


def _phone_problem(text: str) -> ValidationError:
    """The clearest message for a text that is not a phone number we take."""
    digits = re.sub(r"\D", "", text)
    national = digits
    for prefix in ("0086", "86"):
        if national.startswith(prefix) and len(national) - len(prefix) >= 10:
            national = national[len(prefix) :]
            break
    if _LETTERS.search(_EXTENSION.sub("", text)):
        return ValidationError(
            _("“%(value)s” is not a phone number: use digits only, e.g. 138 0013 8000 or 0571 8888 6666."),
            code="phone_letters",
            params={"value": text},
        )
    if national.startswith("1") and len(national) != 11:
        return ValidationError(
            _("A mobile number has 11 digits; “%(value)s” has %(count)s."),
            code="phone_mobile_length",
            params={"value": text, "count": len(national)},
        )
    if len(national) in (7, 8) and not national.startswith(("0", "1")):
        return ValidationError(
            _("Add the area code to this landline number, e.g. 0571 8888 6666."),
            code="phone_area_code",
            params={"value": text},
        )
    return ValidationError(
        _(
            "“%(value)s” is not a phone number. Enter a mobile number (11 digits, e.g. 138 0013 8000) "
            "or a landline with its area code (e.g. 0571 8888 6666)."
        ),
        code="phone_invalid",
        params={"value": text},
    )


def _parse(text: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def parse_phone(value) -> Phone:
    """The phone number a person typed, or ValidationError with a message that says what is wrong.
    Accepts mainland mobiles and landlines (with area code; 400/800 lines), an extension, and
    another country's number when written with its country code (+852 …)."""
    text = _nfkc(value)
    body, extension = text, None
    match = _EXTENSION.search(text)
    if match:
        body, extension = text[: match.start()].strip(), match.group(1)
    if not body or _LETTERS.search(body):
        raise _phone_problem(text)
    number = _parse(body)
    if number is None and extension is None:
        hyphen = _HYPHEN_EXTENSION.match(body)
        if hyphen:
            number = _parse(hyphen.group(1))
            if (
                number is not None
                and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE
            ):
                extension = hyphen.group(2)
            else:
                number = None
    if number is None or (number.country_code == 86 and phonenumbers.number_type(number) not in PHONE_TYPES):
        raise _phone_problem(text)
    phone = Phone()
    phone.merge_from(number)
    phone.extension = extension or number.extension or None
    phone.raw_input = text
    return phone


def normalise_phone(value) -> str:
    """The stored form (E.164) of a typed phone number; ValidationError when it is none."""
    return str(parse_phone(value))


def validate_phone(value) -> None:
    if value not in (None, ""):
        parse_phone(value)


def to_phone(value):
    """What a phone model field holds: a Phone, or ``""``/``None`` for no number. A value that is
    not a phone number (kept from before validation) stays as it was typed (``Phone.raw_input``)."""
    if value is None or value == "":
        return value
    if isinstance(value, Phone):
        return value
    if isinstance(value, phonenumbers.PhoneNumber):
        phone = Phone()
        phone.merge_from(value)
        return phone
    text = str(value)
    if text.startswith("+"):  # the stored form: quick, no guessing
        try:
            return Phone.from_string(text, region=REGION)
        except phonenumbers.NumberParseException:
            return Phone(raw_input=text)
    try:
        return parse_phone(text)
    except ValidationError:
        return Phone(raw_input=text)


def format_phone(value) -> str:
    """For people: ``138 0013 8000``, ``0571 8888 6666 转 123`` (national format) for Chinese
    numbers, ``+852 9123 4567`` for others; a value that is no phone number as it was typed."""
    if value is None or value == "":
        return ""
    phone = to_phone(value)
    if not isinstance(phone, PhoneNumber) or not phone.is_valid():
        return str(value)
    plain = phonenumbers.PhoneNumber()
    plain.merge_from(phone)
    plain.extension = None
    if phone.country_code == 86:
        text = phonenumbers.format_number(plain, phonenumbers.PhoneNumberFormat.NATIONAL)
    else:
        text = phonenumbers.format_number(plain, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if phone.extension:
        text = gettext("%(number)s ext. %(extension)s") % {"number": text, "extension": phone.extension}
    return text


def stored_phone(value) -> str | None:
    """The stored form of a typed phone number, or None when the text is not one (a data
    migration keeps such a value as it is; a search looks for it as text)."""
    try:
        return normalise_phone(value)
    except ValidationError:
        return None


def normalise_stored_phones(model, field: str, *, label: str) -> dict:
    """For data migrations (run while the column is still a plain CharField): every value of
    ``model.field`` in the stored form; values that are not phone numbers are kept as they
    are — never lost — and counted in the migration's output. Returns ``{pk: new value}``."""
    changed, kept = {}, []
    for pk, value in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
        new = stored_phone(value)
        if new is None:
            kept.append(pk)
        elif new != value:
            changed[pk] = new
    model.objects.bulk_update(
        [model(pk=pk, **{field: new}) for pk, new in changed.items()], [field], batch_size=500
    )
    if changed or kept:
        shown = ", ".join(str(pk) for pk in kept[:20]) + (" …" if len(kept) > 20 else "")
        line = f"\n  {label}: {len(changed)} phone number(s) stored as E.164"
        if kept:
            line += f"; {len(kept)} kept as typed, not a phone number (ids {shown})"
        migration_output(line)
    return changed


def migration_output(line: str) -> None:
    """A line in the output of ``migrate`` (data migrations say what they did and kept)."""
    import sys

    sys.stdout.write(line + "\n")


class PhoneInput(forms.TextInput):
    """``type="tel"``; a stored number is shown as people write it (138 0013 8000), what someone
    typed is shown as typed."""

    input_type = "tel"

    def format_value(self, value):
        if isinstance(value, PhoneNumber) or (isinstance(value, str) and value.startswith("+")):
            return format_phone(value) or None
        return super().format_value(value)


PHONE_HELP = _("A mobile number, or a landline with its area code (e.g. 0571-8888 6666).")


class PhoneFormField(forms.CharField):
    """A phone number in a form. Cleans to the stored form (E.164 text), which a phone model
    field and a plain CharField take alike."""

    widget = PhoneInput
    # A value on file from before validation existed, accepted as it is while it is not changed
    # (so an unrelated edit is not blocked by it); anything else typed is validated.
    keep: str | None = None

    def __init__(self, *, max_length=None, min_length=None, **kwargs):
        # The length of what is typed says nothing (spaces, 转 123); the stored form is short.
        if not kwargs.get("help_text"):
            kwargs["help_text"] = PHONE_HELP
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return self.empty_value
        if self.keep is not None and value == str(self.keep).strip():
            return str(self.keep)
        return normalise_phone(value)


class _PhoneDescriptor(PhoneNumberDescriptor):
    def __set__(self, instance, value):
        instance.__dict__[self.field.name] = to_phone(value)


class PhoneNumberField(_LibraryPhoneNumberField):
    """django-phonenumber-field's model field as the house uses it: region CN, E.164 in the
    database with the extension kept (``;ext=123``, which E.164 alone would drop), the shared
    form field (and its messages), and no model-level validator, so a value kept from before
    validation existed does not block saving something else. Forms validate."""

    attr_class = Phone
    descriptor_class = _PhoneDescriptor
    default_validators: list = []

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return to_phone(value)

    def from_db_value(self, value, expression, connection):
        return to_phone(value)

    def get_prep_value(self, value):
        value = models.Field.get_prep_value(self, value)
        phone = to_phone(value)
        if phone is None or phone == "":
            return phone
        return str(phone)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def formfield(self, **kwargs):
        defaults = {"form_class": PhoneFormField}
        defaults.update(kwargs)
        return models.CharField.formfield(self, **defaults)


# --- dates -----------------------------------------------------------------------------------


def today() -> date:
    """The active tenant's today (``periods.today()``); the server's outside a tenant (admin)."""
    from channelhub import periods
    from channelhub.tenancy import TenantNotActive

    try:
        return periods.today()
    except TenantNotActive:
        return timezone.localdate()


EARLIEST = date(1900, 1, 1)


@deconstructible
class NotInFuture:
    """A date on or before the tenant's today (founded, visited, inspected, issued)."""

    message = _("This date is in the future; it can be today (%(today)s) at the latest.")
    code = "date_in_future"

    def __init__(self, message=None, earliest: date = EARLIEST):
        if message is not None:
            self.message = message
        self.earliest = earliest

    def __call__(self, value):
        if value is None:
            return
        day = value.date() if hasattr(value, "date") and callable(value.date) else value
        now = today()
        if day > now:
            raise ValidationError(self.message, code=self.code, params={"today": now.isoformat()})
        if day < self.earliest:
            raise ValidationError(
                _("Check the year: %(date)s is before %(earliest)s."),
                code="date_too_early",
                params={"date": day.isoformat(), "earliest": self.earliest.isoformat()},
            )

    def __eq__(self, other):
        return isinstance(other, NotInFuture) and (self.message, self.earliest) == (
            other.message,
            other.earliest,
        )


@deconstructible
class NotInPast:
    """A date on or after the tenant's today (expected start, expected close, due dates)."""

    message = _("This date is in the past; it can be today (%(today)s) at the earliest.")
    code = "date_in_past"

    def __init__(self, message=None):
        if message is not None:
            self.message = message

    def __call__(self, value):
        if value is None:
            return
        now = today()
        if value < now:
            raise ValidationError(self.message, code=self.code, params={"today": now.isoformat()})

    def __eq__(self, other):
        return isinstance(other, NotInPast) and self.message == other.message


not_in_future = NotInFuture()
not_in_past = NotInPast()

DATE_INVALID = _("Enter a date as year-month-day, e.g. 2016-03-18.")


def date_field(field: forms.DateField, *validators) -> forms.DateField:
    """Give an existing form date field the shared checks and message (in place; returned)."""
    field.validators = [*field.validators, *validators]
    field.error_messages = {**field.error_messages, "invalid": DATE_INVALID}
    return field


# --- amounts (CNY) ---------------------------------------------------------------------------

MAX_DIGITS, DECIMAL_PLACES = 14, 2  # the house money field: DecimalField(14, 2)
_AMOUNT_NOISE = re.compile(r"[\s,_'’¥￥]|元|人民币|rmb|cny", re.IGNORECASE)
_UNITS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}


def parse_amount(
    value, *, allow_zero: bool = False, max_digits: int = MAX_DIGITS, decimal_places: int = DECIMAL_PLACES
) -> Decimal:
    """An amount of money as people type it: ``5000000``, ``5,000,000.00``, ``¥5 000 000``,
    ``500万``; ValidationError that says what is wrong otherwise. Never rounds: a third decimal
    is refused rather than dropped."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        amount = Decimal(value)
        text = str(value)
    else:
        text = _nfkc(value)
        raw = _AMOUNT_NOISE.sub("", text).replace("，", "")
        factor = Decimal(1)
        if raw and raw[-1] in _UNITS:
            raw, factor = raw[:-1], _UNITS[raw[-1]]
        try:
            amount = Decimal(raw) * factor
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", raw):
            raise ValidationError(
                _("“%(value)s” is not an amount: enter digits, e.g. 5000000, 5,000,000.00 or 500万."),
                code="amount_invalid",
                params={"value": text},
            )
    if amount < 0:
        raise ValidationError(_("The amount cannot be negative."), code="amount_negative")
    if amount == 0 and not allow_zero:
        raise ValidationError(_("The amount must be more than zero."), code="amount_zero")
    if -amount.normalize().as_tuple().exponent > decimal_places:
        raise ValidationError(
            _("At most %(places)s decimal places (fen)."),
            code="amount_decimals",
            params={"places": decimal_places},
        )
    limit = Decimal(10) ** (max_digits - decimal_places)
    if amount >= limit:
        raise ValidationError(
            _("The amount is too large: at most %(max)s."),
            code="amount_too_large",
            params={"max": f"{limit - Decimal(1) / 10**decimal_places:,.{decimal_places}f}"},
        )
    return amount.quantize(Decimal(1) / 10**decimal_places)


MAX_QUANTITY = 1_000_000  # more of one SKU in one line or report is a typing error


def parse_quantity(
    value, *, allow_zero: bool = False, multiple_of: int = 1, maximum: int = MAX_QUANTITY
) -> int:
    """A quantity as people type it (``12``, ``1,200``, ``１２``, Excel's ``12.0``): a whole
    number, not negative, zero only where allowed, a multiple of ``multiple_of`` (a pack),
    at most ``maximum``; ValidationError that says what is wrong otherwise."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int):
        number = value
        text = str(value)
    else:
        text = _nfkc(value)
        raw = text.replace(",", "").replace("，", "").replace(" ", "")
        if re.fullmatch(r"[-+]?\d+(\.0+)?", raw):
            number = int(Decimal(raw))
        elif re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+)", raw):
            raise ValidationError(
                _("“%(value)s” is not a whole number."), code="quantity_fraction", params={"value": text}
            )
        else:
            raise ValidationError(
                _("“%(value)s” is not a quantity: enter a whole number, e.g. 12."),
                code="quantity_invalid",
                params={"value": text},
            )
    if number < 0:
        raise ValidationError(_("The quantity cannot be negative."), code="quantity_negative")
    if number == 0 and not allow_zero:
        raise ValidationError(_("The quantity must be more than zero."), code="quantity_zero")
    if number > maximum:
        raise ValidationError(
            _("%(value)s is more than %(max)s: check the quantity."),
            code="quantity_too_large",
            params={"value": f"{number:,}", "max": f"{maximum:,}"},
        )
    if multiple_of > 1 and number % multiple_of and number < multiple_of:
        raise ValidationError(
            _("Order in multiples of %(pack)s (a pack), e.g. %(pack)s."),
            code="quantity_not_a_multiple",
            params={"pack": multiple_of},
        )
    if multiple_of > 1 and number % multiple_of:
        raise ValidationError(
            _("Order in multiples of %(pack)s (a pack): %(lower)s or %(upper)s."),
            code="quantity_not_a_multiple",
            params={
                "pack": multiple_of,
                "lower": number - number % multiple_of,
                "upper": number - number % multiple_of + multiple_of,
            },
        )
    return number


class AmountField(forms.Field):
    """An amount in a form (a text input, so ``5,000,000`` and ``500万`` can be typed and "abc" gets
    a message rather than an empty number box); cleans to a Decimal with two places."""

    widget = forms.TextInput

    def __init__(
        self,
        *,
        allow_zero: bool = False,
        max_digits: int = MAX_DIGITS,
        decimal_places: int = DECIMAL_PLACES,
        max_value=None,
        min_value=None,
        **kwargs,
    ):
        self.allow_zero, self.max_digits, self.decimal_places = allow_zero, max_digits, decimal_places
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        return parse_amount(
            value, allow_zero=self.allow_zero, max_digits=self.max_digits, decimal_places=self.decimal_places
        )

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.{self.decimal_places}f}"
        return value


def amount_field(field: forms.Field, *, allow_zero: bool = False) -> AmountField:
    """The shared amount field in place of a form's (model) decimal field, keeping its label,
    help text, required flag and initial value."""
    return AmountField(
        label=field.label,
        required=field.required,
        help_text=field.help_text,
        initial=field.initial,
        allow_zero=allow_zero,
        max_digits=getattr(field, "max_digits", None) or MAX_DIGITS,
        decimal_places=getattr(field, "decimal_places", None) or DECIMAL_PLACES,
    )


# --- provinces and place names ---------------------------------------------------------------

# The 34 provincial-level divisions (GB/T 2260), with the names people also write.
PROVINCES = [
    ("北京市", ("北京", "beijing")),
    ("天津市", ("天津", "tianjin")),
    ("河北省", ("河北", "hebei")),
    ("山西省", ("山西", "shanxi")),
    ("内蒙古自治区", ("内蒙古", "innermongolia", "neimongol", "neimenggu")),
    ("辽宁省", ("辽宁", "liaoning")),
    ("吉林省", ("吉林", "jilin")),
    ("黑龙江省", ("黑龙江", "heilongjiang")),
    ("上海市", ("上海", "shanghai")),
    ("江苏省", ("江苏", "jiangsu")),
    ("浙江省", ("浙江", "zhejiang")),
    ("安徽省", ("安徽", "anhui")),
    ("福建省", ("福建", "fujian")),
    ("江西省", ("江西", "jiangxi")),
    ("山东省", ("山东", "shandong")),
    ("河南省", ("河南", "henan")),
    ("湖北省", ("湖北", "hubei")),
    ("湖南省", ("湖南", "hunan")),
    ("广东省", ("广东", "guangdong")),
    ("广西壮族自治区", ("广西", "广西自治区", "guangxi")),
    ("海南省", ("海南", "hainan")),
    ("重庆市", ("重庆", "chongqing")),
    ("四川省", ("四川", "sichuan")),
    ("贵州省", ("贵州", "guizhou")),
    ("云南省", ("云南", "yunnan")),
    ("西藏自治区", ("西藏", "tibet", "xizang")),
    ("陕西省", ("陕西", "shaanxi")),
    ("甘肃省", ("甘肃", "gansu")),
    ("青海省", ("青海", "qinghai")),
    ("宁夏回族自治区", ("宁夏", "宁夏自治区", "ningxia")),
    ("新疆维吾尔自治区", ("新疆", "新疆自治区", "xinjiang")),
    ("台湾省", ("台湾", "taiwan")),
    ("香港特别行政区", ("香港", "hongkong")),
    ("澳门特别行政区", ("澳门", "macau", "macao")),
]
_PROVINCE_BY_NAME = {
    key: full
    for full, others in PROVINCES
    for key in (full, *others, *(f"{other}province" for other in others if other.isascii()))
}
# The suffixes a place name may be written with or without (浙江 / 浙江省, 杭州 / 杭州市).
PLACE_SUFFIXES = tuple("特别行政区 自治区 自治州 自治县 地区 省 市 区 县 州 盟 旗".split())
# A text that says it is a province: "…省", "…自治区", "…特别行政区".
_CLAIMED_PROVINCE = re.compile(r"^(\w{1,10}?(?:特别行政区|自治区|省))")
PLACE_SEPARATORS = re.compile(r"[\s/·・,，、;；|]+")
NATIONWIDE = {"全国", "全国各地", "全国范围", "不限", "不限地区", "nationwide", "allchina", "china", "中国"}


def _name_key(text: str) -> str:
    return re.sub(r"[\s\-_.]", "", _nfkc(text)).lower()


def province_named(text) -> str | None:
    """The full name of the province ``text`` names (浙江, 浙江省, Zhejiang → 浙江省), or None."""
    return _PROVINCE_BY_NAME.get(_name_key(text))


def place_key(name) -> str:
    """A place name without its 省/市/区/县… suffix, for comparing (杭州市 ≈ 杭州)."""
    name = "".join(_nfkc(name).split())
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def validate_province(value) -> None:
    if value and province_named(value) is None:
        raise ValidationError(
            _(
                "“%(value)s” is not a province of China. Enter a province, autonomous region or municipality, e.g. 浙江省 or 上海市."
            ),
            code="province_unknown",
            params={"value": value},
        )


def split_place(text) -> tuple[str | None, str]:
    """``(province, the rest)`` of a place written province first ("河南省郑州市" → ("河南省",
    "郑州市"), "浙江 杭州" → ("浙江省", "杭州")); ``(None, text)`` when it starts with no province."""
    text = _nfkc(text)
    parts = [part for part in PLACE_SEPARATORS.split(text) if part]
    if parts and province_named(parts[0]):
        return province_named(parts[0]), " ".join(parts[1:])
    squeezed = "".join(parts)
    for full, others in PROVINCES:
        for name in (full, *(o for o in others if not o.isascii())):
            if squeezed.startswith(name) and len(squeezed) > len(name):
                return full, squeezed[len(name) :]
    return None, text


def provinces_in(text) -> list[str]:
    """The real provinces a free text names ("浙江省、江苏省、上海市" → three), in order."""
    found = []
    for part in PLACE_SEPARATORS.split(_nfkc(text)):
        province = province_named(part) or split_place(part)[0]
        if province and province not in found:
            found.append(province)
    return found


def is_nationwide(text) -> bool:
    return any(_name_key(part) in NATIONWIDE for part in PLACE_SEPARATORS.split(_nfkc(text)) if part)


def validate_place(value) -> None:
    """A place written by a person ("郑州", "河南省郑州市", "浙江 杭州 西湖区"): it must contain a
    name, and a province it names must be a real one ("火星省" is refused)."""
    text = _nfkc(value)
    if not text:
        return
    if not _LETTERS.search(text):
        raise ValidationError(
            _("“%(value)s” is not a place name: write the province, city or district, e.g. 河南省郑州市."),
            code="place_invalid",
            params={"value": text},
        )
    first = PLACE_SEPARATORS.split(text)[0]
    claimed = _CLAIMED_PROVINCE.match(first)
    if claimed and split_place(text)[0] is None:
        raise ValidationError(
            _(
                "“%(value)s” is not a province of China. Enter a province, autonomous region or municipality, e.g. 浙江省 or 上海市."
            ),
            code="province_unknown",
            params={"value": claimed.group(1)},
        )
