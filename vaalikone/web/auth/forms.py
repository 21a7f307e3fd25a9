"""Log-in form."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from vaalikone.i18n import lazy_gettext as _l


class LoginForm(FlaskForm):
    email = EmailField(_l("Sähköposti"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Salasana"), validators=[DataRequired(), Length(max=200)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Uusi salasana"),
        validators=[
            DataRequired(),
            Length(min=10, max=200, message=_l("Salasanan pituus on 10–200 merkkiä.")),
        ],
    )
    confirm = PasswordField(
        _l("Salasana uudelleen"),
        validators=[DataRequired(), EqualTo("password", message=_l("Salasanat eivät täsmää."))],
    )
