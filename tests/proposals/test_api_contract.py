"""What docs/API.md promises an integrator, checked against the OpenAPI document the API serves."""

import pytest

pytestmark = pytest.mark.django_db

# Fields of the answers that carry a code (the same in every language).
CODE_FIELDS = {
    "status",
    "language",
    "submitter_type",
    "measure",
    "format",
    "kind",
    "from_status",
    "to_status",
}


def test_every_code_an_answer_carries_is_listed_as_an_enum(client):
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    def is_enum(field: dict) -> bool:
        refs = [field.get("$ref"), *(option.get("$ref") for option in field.get("anyOf", []))]
        return any(ref and "enum" in components[ref.rsplit("/", 1)[1]] for ref in refs)

    plain = [
        f"{name}.{field}"
        for name, component in components.items()
        if name.endswith("Out")
        for field, schema in component.get("properties", {}).items()
        if field in CODE_FIELDS and not is_enum(schema)
    ]
    assert plain == []
