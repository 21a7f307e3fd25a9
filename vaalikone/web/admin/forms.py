"""Administrator forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DateTimeLocalField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from vaalikone.i18n import lazy_gettext as _l


class ElectionForm(FlaskForm):
    kind = SelectField(
        _l("Vaalit"),
        choices=[SelectChoice("kunta", _l("Kuntavaalit")), SelectChoice("alue", _l("Aluevaalit"))],
    )
    date = DateField(_l("Vaalipäivä"), validators=[DataRequired()])
    answer_deadline = DateTimeLocalField(
        _l("Vastausten määräaika"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    name_fi = StringField(_l("Nimi suomeksi"), validators=[DataRequired(), Length(max=120)])
    name_sv = StringField(_l("Nimi ruotsiksi"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Nimi englanniksi"), validators=[DataRequired(), Length(max=120)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV-tiedosto"), validators=[FileRequired()])


class ButtonForm(FlaskForm):
    """A bare button still carries a CSRF token."""
