"""`leads backfill` when DynamoDB fails: a lead is filed whole or not at all (its marks, index
attributes and every count in one transaction), a failure stops the run with the operator's
one-line answer, and running it again files what is left, each lead once."""

from typing import Any

import pytest

from leads_cli.backfill import backfill
from leads_cli.main import main
from leads_domain.errors import ServiceUnavailable
from leads_domain.tenancy import Tenant
from support.faults import FAULTS_BY_NAME, FaultInjector
from support.legacy import seed_legacy
from support.stored import assert_filed, lead_items


def _filed(injector: FaultInjector, tenant: Tenant) -> int:
    with injector.paused():
        assert_filed(injector.client, tenant)
        return sum("filed" in item for item in lead_items(injector.client, tenant).values())


@pytest.mark.parametrize("fault", ["unavailable 503", "read timeout", "transaction conflict"])
def test_a_failing_backfill_files_nothing_partly_and_a_rerun_finishes(
    injector: FaultInjector, tenant: Tenant, fault: str
) -> None:
    # Given old leads, and the transactions that file them failing after the first three
    with injector.paused():
        seed_legacy(injector.client, tenant)
    injector.fail("TransactWriteItems", FAULTS_BY_NAME[fault], after=3)

    # When the backfill runs, it stops with the service's error
    with pytest.raises(ServiceUnavailable):
        backfill(segments=1)

    # Then the leads filed before the failure are filed whole, the others not at all
    assert _filed(injector, tenant) == 3

    # And once DynamoDB is back, running it again files the rest, each once
    injector.heal()
    assert backfill(segments=1).filed == 9
    assert _filed(injector, tenant) == 12


def test_a_fault_the_retries_cure_files_every_lead_once(
    injector: FaultInjector, tenant: Tenant
) -> None:
    with injector.paused():
        seed_legacy(injector.client, tenant)
    injector.fail("TransactWriteItems", FAULTS_BY_NAME["unavailable 503"], times=1)
    injector.fail("Scan", FAULTS_BY_NAME["read timeout"], times=1)

    assert backfill(segments=2).filed == 12
    assert _filed(injector, tenant) == 12


def test_the_command_answers_a_failure_in_one_line(
    injector: FaultInjector, tenant: Tenant, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with injector.paused():
        seed_legacy(injector.client, tenant, 2)
    injector.fail("Scan", FAULTS_BY_NAME["unavailable 503"])
    # The command's own table options point at the tests' tables already.
    monkeypatch.setattr("leads_cli.where.connect", lambda args: None)

    code = main(["backfill", "--endpoint-url", "http://127.0.0.1:9"])

    err = capsys.readouterr().err
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err, err
    assert _filed(injector, tenant) == 0
