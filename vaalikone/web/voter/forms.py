"""The voter pages' one stored form: feedback on accessibility."""

from flask_wtf import FlaskForm
from wtforms import EmailField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from vaalikone.domain.feedback import MAX_CONTACT, MAX_MESSAGE
from vaalikone.i18n import lazy_gettext as _l


class FeedbackForm(FlaskForm):
    message = TextAreaField(
        _l("Palautteesi"),
        validators=[
            DataRequired(_l("Kirjoita palautteesi.")),
            Length(max=MAX_MESSAGE, message=_l("Palaute on liian pitkä.")),
        ],
    )
    contact = EmailField(
        _l("Sähköpostiosoite, jos haluat vastauksen (vapaaehtoinen)"),
        validators=[
            Optional(),
            # No e-mail is sent from here: a rough shape check catches typos without a dependency.
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Tarkista sähköpostiosoite.")),
            Length(max=MAX_CONTACT, message=_l("Sähköpostiosoite on liian pitkä.")),
        ],
    )
