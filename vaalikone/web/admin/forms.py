"""Administrator forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

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


class OfficialFileForm(FlaskForm):
    """The Ministry of Justice's candidate list or results: its .csv or the .zip it is downloaded as."""

    file = FileField(_l("Oikeusministeriön tiedosto (.csv tai .zip)"), validators=[FileRequired()])


class EmailListForm(FlaskForm):
    file = FileField(_l("CSV-tiedosto"), validators=[FileRequired()])
    party = SelectField(_l("Kenen lista"), choices=[], validate_choice=True)


class CandidateForm(FlaskForm):
    """The administrator's correction of one candidate's official details."""

    first_name = StringField(_l("Etunimi"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Sukunimi"), validators=[DataRequired(), Length(max=100)])
    number = IntegerField(
        _l("Ehdokasnumero"), validators=[Optional(), NumberRange(min=1, max=100_000)]
    )
    party = SelectField(_l("Puolue"), choices=[], validate_choice=True)
    profession = StringField(_l("Ammatti"), validators=[Optional(), Length(max=200)])


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
