"""Administrator forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DateTimeLocalField, EmailField, SelectField, StringField
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


class ReminderForm(FlaskForm):
    days = StringField(
        _l("Muistutuspäivät ennen määräaikaa"), validators=[Length(max=60)], id="reminder-days"
    )


class OrganisationForm(FlaskForm):
    organisation_id = StringField(
        _l("Järjestön tunnus"), validators=[DataRequired(), Length(max=60)]
    )
    name = StringField(_l("Uuden järjestön nimi"), validators=[Length(max=120)])
    based_on = SelectField(_l("Tavoitteiden pohja"), choices=[], validate_choice=False)
    email = EmailField(_l("Käyttäjän sähköposti"), validators=[DataRequired(), Length(max=254)])
    language = SelectField(
        _l("Kutsun kieli"),
        choices=[
            SelectChoice("fi", _l("suomi")),
            SelectChoice("sv", _l("ruotsi")),
            SelectChoice("en", _l("englanti")),
        ],
    )
