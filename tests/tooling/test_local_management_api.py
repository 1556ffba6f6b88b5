"""The local run answers API Gateway's management calls as API Gateway does, driven by the
project's own client for them (leads_domain.data.api_gateway): API keys, their usage plans,
the authorizer cache."""

import uuid

import pytest

from leads_domain.data import api_gateway
from leads_domain.errors import ManagementFailed


def test_an_api_key_is_made_found_by_name_and_deleted(local_gateway):
    name = f"leads/test/{uuid.uuid4().hex}"
    key_id = api_gateway.create_api_key(name, "v" * 40, "a tenant")

    assert api_gateway.api_key(key_id) == (key_id, "v" * 40)
    assert api_gateway.api_key_named(name) == (key_id, "v" * 40)
    api_gateway.delete_api_key(key_id)
    assert api_gateway.api_key(key_id) is None
    assert api_gateway.api_key_named(name) is None
    api_gateway.delete_api_key(key_id)  # deleting what is gone is no failure


def test_a_key_is_in_one_usage_plan_of_the_stage_at_a_time(local_gateway):
    key_id = api_gateway.create_api_key(f"leads/test/{uuid.uuid4().hex}", "w" * 40, "")
    live, large = (local_gateway.plan_ids[p] for p in ("LiveModeUsagePlan", "LargeUsagePlan"))

    api_gateway.add_to_usage_plan(live, key_id)
    api_gateway.add_to_usage_plan(live, key_id)  # already there: no failure
    assert api_gateway.usage_plans_of(key_id) == {live}
    with pytest.raises(ManagementFailed, match="BadRequestException"):
        api_gateway.add_to_usage_plan(large, key_id)

    api_gateway.remove_from_usage_plan(live, key_id)
    api_gateway.add_to_usage_plan(large, key_id)
    assert api_gateway.usage_plans_of(key_id) == {large}


def test_a_value_shorter_than_api_gateway_takes_is_refused(local_gateway):
    with pytest.raises(ManagementFailed, match="create_api_key failed: BadRequestException"):
        api_gateway.create_api_key(f"leads/test/{uuid.uuid4().hex}", "short", "")


def test_the_authorizer_cache_of_another_stage_is_not_found(local_gateway):
    api_gateway.flush_authorizer_cache(local_gateway.rest_api_id, local_gateway.stage)
    with pytest.raises(ManagementFailed, match="NotFoundException"):
        api_gateway.flush_authorizer_cache(local_gateway.rest_api_id, "prod")
