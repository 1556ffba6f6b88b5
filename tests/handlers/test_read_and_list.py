"""GET /api/crm/lead/{id} and GET /api/crm/lead, in-process against moto."""

from support.events import api_event
from support.functions import invoke


def create(tenant, **fields):
    return invoke("create_lead", api_event("POST", "/api/crm/lead", tenant=tenant, body=fields))[1]


def test_get_answers_the_stored_lead(dynamodb, tenant):
    lead = create(tenant, email_id="a@b.co")
    status, body, _ = invoke(
        "get_lead", api_event("GET", f"/api/crm/lead/{lead['id']}", tenant=tenant)
    )
    assert status == 200 and body == lead


def test_get_of_a_missing_or_foreign_lead_is_404(dynamodb, tenant):
    from leads_domain.tenancy import Tenant

    lead = create(tenant)
    for who, lead_id in ((tenant, "lead_nope"), (Tenant(tenant.account, "live"), lead["id"])):
        status, body, _ = invoke(
            "get_lead", api_event("GET", f"/api/crm/lead/{lead_id}", tenant=who)
        )
        assert status == 404
        assert body["error"]["code"] == "resource_missing" and body["error"]["param"] == "id"


def test_list_is_newest_first_with_total_and_has_more(dynamodb, tenant):
    made = [create(tenant, city=str(n))["id"] for n in range(5)]

    status, body, _ = invoke(
        "list_leads",
        api_event("GET", "/api/crm/lead", tenant=tenant, query={"limit": "2", "offset": "1"}),
    )

    assert status == 200
    assert [lead["id"] for lead in body["data"]] == made[::-1][1:3]
    assert body["total"] == 5 and body["has_more"] is True


def test_list_rejects_bad_and_repeated_parameters(dynamodb, tenant):
    for query, param in (
        ({"limit": "500"}, "limit"),
        ({"offset": "x"}, "offset"),
        ({"limit": ["1", "2"]}, "limit"),
        ({"starting": "1"}, "starting"),
    ):
        status, body, _ = invoke(
            "list_leads", api_event("GET", "/api/crm/lead", tenant=tenant, query=query)
        )
        assert status == 400 and body["error"]["param"] == param, query


def test_cursor_paging_walks_every_lead_once(dynamodb, tenant):
    made = [create(tenant)["id"] for _ in range(7)]
    seen, query = [], {"limit": "3"}
    while True:
        body = invoke("list_leads", api_event("GET", "/api/crm/lead", tenant=tenant, query=query))[
            1
        ]
        seen += [lead["id"] for lead in body["data"]]
        if not body["has_more"]:
            break
        query = {"limit": "3", "starting_after": seen[-1]}
    assert seen == made[::-1]

    back = {"limit": "2", "ending_before": made[0]}
    body = invoke("list_leads", api_event("GET", "/api/crm/lead", tenant=tenant, query=back))[1]
    assert [lead["id"] for lead in body["data"]] == [made[2], made[1]] and body["has_more"]


def test_unknown_or_foreign_cursor_is_400_naming_it(dynamodb, tenant):
    from leads_domain.tenancy import Tenant

    foreign = create(Tenant(tenant.account, "live"))["id"]
    for name in ("starting_after", "ending_before"):
        for lead_id in ("lead_nope", foreign):
            query = {name: lead_id}
            event = api_event("GET", "/api/crm/lead", tenant=tenant, query=query)
            status, body, _ = invoke("list_leads", event)
            assert status == 400 and body["error"]["param"] == name
