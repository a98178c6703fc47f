"""`ServiceModelForm`: the admin forms whose rows are written by an audited service while cleaned."""

from __future__ import annotations

from typing import Any

import pytest

from opengps.accounts.admin import ServiceModelForm, UserAddForm
from opengps.accounts.models import Unit
from opengps.core.errors import ServiceError

pytestmark = pytest.mark.django_db


class _Probe(ServiceModelForm[Unit]):
    """A unit form whose service answers with whatever the test sets in `answer`."""

    service_field_aliases = {"title": "short_name"}
    answer: Any = None

    class Meta:
        model = Unit
        fields = ["name", "short_name"]

    def through_service(self, data: dict[str, Any]) -> Unit:
        self.calls = [*getattr(self, "calls", []), dict(data)]
        if isinstance(self.answer, ServiceError):
            raise self.answer
        return self.answer  # type: ignore[no-any-return]


def _posted(answer: Any, name: str = "甲单位") -> _Probe:
    form = _Probe({"name": name, "short_name": "甲"})
    form.answer = answer
    form.is_valid()
    return form


def test_the_services_result_is_kept_as_saved_and_the_form_is_valid() -> None:
    # given a service that writes the row
    row = Unit(name="甲单位")
    # when the form is cleaned
    form = _posted(row)
    # then the service got the cleaned data once and its result is kept
    assert form.is_valid()
    assert form.saved is row
    assert form.calls == [{"name": "甲单位", "short_name": "甲"}]


def test_a_refusal_lands_beside_the_field_it_names() -> None:
    # when the service refuses naming a field of the form
    form = _posted(ServiceError("unit.name_taken", "名称已被使用", field="name"))
    # then the form is invalid with the message beside that field, nothing saved
    assert not form.is_valid()
    assert form.errors["name"] == ["名称已被使用"]
    assert not hasattr(form, "saved")


def test_a_refusal_naming_an_alias_lands_beside_the_forms_own_field() -> None:
    # when the service names its field differently from the form
    form = _posted(ServiceError("unit.title_bad", "简称不合规", field="title"))
    # then the message stands beside the form's field
    assert form.errors["short_name"] == ["简称不合规"]


@pytest.mark.parametrize("field", [None, "region"])
def test_a_refusal_naming_no_field_of_the_form_is_shown_on_top(field: str | None) -> None:
    # when the service names no field, or one the form does not show
    form = _posted(ServiceError("unit.refused", "不能创建", field=field))
    # then the message is a non-field error
    assert form.non_field_errors() == ["不能创建"]


def test_the_service_is_not_called_when_the_form_or_model_already_refuses() -> None:
    # when a required field is missing
    form = _posted(Unit(name="x"), name="")
    # then the field's own error stands and the service never ran
    assert "name" in form.errors
    assert not hasattr(form, "calls")
    assert not hasattr(form, "saved")


def test_the_user_forms_password_refusal_lands_on_the_first_password_field() -> None:
    # given the user form's alias of the service's field name
    form = UserAddForm()
    # when a refusal of the service names the password
    form.cleaned_data = {}
    form.add_service_error(ServiceError("account.password_weak", "密码太弱", field="password"))
    # then it stands beside the first password input
    assert form.errors["password1"] == ["密码太弱"]
