from __future__ import annotations

import datetime

from django import forms
from django.template import Context, Template
from django.utils import translation


class QuestionForm(forms.Form):
    answer = forms.CharField(label="هل أنتِ بأمان الآن؟")


def render(template: str, **context: object) -> str:
    return Template("{% load l10n %}" + template).render(Context(context))


def test_dates_are_day_first_with_iraqi_month_names() -> None:
    day = datetime.date(2022, 6, 5)
    with translation.override("ar"):
        assert render("{{ day|date:'DATE_FORMAT' }}", day=day) == "5 حزيران 2022"
        assert render("{{ day|date:'SHORT_DATE_FORMAT' }}", day=day) == "05/06/2022"
    with translation.override("ckb"):
        assert render("{{ day|date:'DATE_FORMAT' }}", day=day) == "5 حوزەیران 2022"
    with translation.override("en"):
        assert render("{{ day|date:'SHORT_DATE_FORMAT' }}", day=day) == "05/06/2022"


def test_decimals_use_a_point() -> None:
    with translation.override("ar"):
        assert render("{{ value }}", value=4.5) == "4.5"


def test_an_arabic_question_gets_no_colon_after_its_question_mark() -> None:
    with translation.override("ar"):
        label = str(QuestionForm()["answer"].label_tag())
    assert "؟:" not in label
    assert "؟</label>" in label
