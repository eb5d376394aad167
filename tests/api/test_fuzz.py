"""API fuzzing: every operation of ``/api/schema/`` is called with cases schemathesis generates from the
schema, as each role, against the demo data; no answer may be a server error, and every answer must be
what the schema says (a documented status code, its content type and its body schema); input the
schema forbids must be refused (4xx).

A heavy check, run once per CI run, in the PostgreSQL pass (``.ci/run`` sets ``CREDITREG_FUZZ=1``);
elsewhere it is skipped with that reason. To run it by hand::

    CREDITREG_FUZZ=1 .venv/bin/python -m pytest tests/api/test_fuzz.py

``CREDITREG_FUZZ_EXAMPLES`` sets the cases per operation and generation mode (default 10: positive
cases that the schema allows and negative ones that it does not), ``CREDITREG_FUZZ_SEED`` the seed
(fixed by default, so that a CI run is reproducible; change it to explore other cases).
"""

import os

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from objections.models import Objection
from records.models import CreditRecord
from repair.models import RepairApplication
from subjects.models import Subject

from .conftest import token_headers

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.django_db,
    pytest.mark.skipif(
        os.environ.get("CREDITREG_FUZZ") != "1",
        reason="API fuzzing is the heavy check of the PostgreSQL pass of .ci/run (set CREDITREG_FUZZ=1)",
    ),
]

EXAMPLES = int(os.environ.get("CREDITREG_FUZZ_EXAMPLES", "10"))
SEED = int(os.environ.get("CREDITREG_FUZZ_SEED", "20261129"))
# No server error; the answer as the schema says; and input the schema forbids is refused (4xx).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Accounts of load_demo (SPEC §7) per role; None is the public without a login.
ROLES = {
    "anonymous": None,
    "subject user": "demo_subject",
    "department clerk": "fgw_clerk",
    "department reviewer": "fgw_reviewer",
    "credit office": "xyb_staff",
}


@pytest.fixture
def demo_objects(demo):
    """Identifiers of objects that exist, for the path parameters (visible to the role or not)."""
    return {
        "id": {
            "/api/records/": list(CreditRecord.objects.order_by("pk").values_list("pk", flat=True)[:20]),
            "/api/objections/": list(Objection.objects.values_list("pk", flat=True)),
            "/api/repair/": list(RepairApplication.objects.values_list("pk", flat=True)),
        },
        "code": {
            "/api/": list(Subject.objects.order_by("pk").values_list("code", flat=True)[:20]),
        },
    }


def _known_values(operation, demo_objects) -> dict | None:
    """A strategy for the path parameters naming objects that exist (visible to the role or not)."""
    fixed = {}
    for parameter in operation.path_parameters:
        known = demo_objects.get(parameter.name, {})
        values = next((v for prefix, v in known.items() if operation.path.startswith(prefix)), None)
        if not values:
            return None
        fixed[parameter.name] = values
    return fixed or None


def _fuzz_operation(operation, *, headers, strategy, failures, seen, label, counter):
    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        counter[0] += 1
        # The public look-up is rate limited per address: start every case with a fresh budget.
        cache.clear()
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis FailureGroup, or an app error
            message = str(exc)
            key = (operation.label, message.split("Reproduce with")[0][:400])
            if key not in seen:
                seen.add(key)
                failures.append(f"{operation.label} ({label}):\n{message[:3000]}")

    try:
        run()
    except Unsatisfiable:
        # No invalid value exists for an operation without parameters or body (negative mode).
        pass


@pytest.mark.parametrize("role", list(ROLES))
def test_api_answers_every_generated_case_as_its_schema_says(role, wsgi_app, demo_objects):
    headers = token_headers(ROLES[role])
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    failures: list[str] = []
    seen: set = set()
    counter = [0]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, [o.label for o in operations]
    for operation in operations:
        strategies = [
            ("positive", operation.as_strategy(generation_mode=GenerationMode.POSITIVE)),
            ("negative", operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)),
        ]
        known = _known_values(operation, demo_objects)
        if known:
            strategies.append(
                (
                    "existing objects",
                    st.fixed_dictionaries({k: st.sampled_from(v) for k, v in known.items()}).flatmap(
                        lambda params, op=operation: op.as_strategy(
                            generation_mode=GenerationMode.POSITIVE, path_parameters=params
                        )
                    ),
                )
            )
        for label, strategy in strategies:
            _fuzz_operation(
                operation,
                headers=headers,
                strategy=strategy,
                failures=failures,
                seen=seen,
                label=label,
                counter=counter,
            )
    print(f"API fuzzing as {role}: {counter[0]} cases over {len(operations)} operations")
    assert not failures, f"{len(failures)} distinct failures as {role}:\n\n" + "\n\n".join(failures)
