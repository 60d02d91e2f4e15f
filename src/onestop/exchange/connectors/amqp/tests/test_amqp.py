"""The AMQP connector against the RabbitMQ broker on 127.0.0.1:5672 (skipped without one)."""

from __future__ import annotations

import json
import socket
import uuid

import pika
import pytest

from onestop.cases.models import CaseState
from onestop.core import outbox
from onestop.core.models import OutboxMessage, OutboxStatus
from onestop.core.signing import public_keys_for, verify_document
from onestop.exchange import tasks
from onestop.exchange.models import ConnectorKind, Envelope
from onestop.exchange.testing import (
    DepartmentKey,
    accept_food_case,
    callback_for,
    configure,
    signed,
)

BROKER = "amqp://guest:guest@127.0.0.1:5672/%2F"


def _broker_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.amqp,
    pytest.mark.skipif(
        not _broker_reachable(),
        reason="AMQP tests need RabbitMQ on 127.0.0.1:5672 (guest/guest); none answered",
    ),
]


@pytest.fixture
def queues():
    names = (f"test.department.{uuid.uuid4().hex}", f"test.results.{uuid.uuid4().hex}")
    yield names
    connection = pika.BlockingConnection(pika.URLParameters(BROKER))
    channel = connection.channel()
    for name in names:
        channel.queue_delete(queue=name)
    connection.close()


def read_one(queue: str):
    connection = pika.BlockingConnection(pika.URLParameters(BROKER))
    try:
        method, properties, body = connection.channel().basic_get(queue, auto_ack=True)
    finally:
        connection.close()
    return method, properties, body


def publish(queue: str, body: bytes) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(BROKER))
    channel = connection.channel()
    channel.queue_declare(queue=queue, durable=True)
    channel.basic_publish("", queue, body)
    connection.close()


def test_envelope_published_and_result_consumed(demo, queues):
    department_queue, reply_queue = queues
    key = DepartmentKey()
    configure(
        demo.market,
        ConnectorKind.AMQP,
        key,
        amqp_url=BROKER,
        queue=department_queue,
        reply_queue=reply_queue,
    )
    case = accept_food_case(demo)
    outbox.drain(max_rounds=1)

    method, properties, body = read_one(department_queue)
    assert method is not None
    message = json.loads(body)
    envelope = Envelope.objects.get(case=case)
    assert properties.message_id == str(envelope.pk)
    assert properties.reply_to == reply_queue
    assert verify_document(
        message["envelope"], message["signature"], public_keys_for(demo.centre)
    )

    publish(reply_queue, signed(callback_for(envelope, "approved"), key))
    assert tasks.consume_amqp_results() == 1
    case.refresh_from_db()
    assert case.state == CaseState.RESULT_ISSUED


def test_rejected_result_is_consumed_and_case_unchanged(demo, queues):
    department_queue, reply_queue = queues
    configure(
        demo.market,
        ConnectorKind.AMQP,
        DepartmentKey(),
        amqp_url=BROKER,
        queue=department_queue,
        reply_queue=reply_queue,
    )
    case = accept_food_case(demo)
    outbox.drain(max_rounds=1)
    envelope = Envelope.objects.get(case=case)
    publish(reply_queue, signed(callback_for(envelope, "approved"), DepartmentKey()))
    assert tasks.consume_amqp_results() == 1
    assert tasks.consume_amqp_results() == 0
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED


def test_unreachable_broker_is_retried(demo, queues):
    configure(
        demo.market,
        ConnectorKind.AMQP,
        DepartmentKey(),
        amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        queue=queues[0],
        timeout_seconds=1.0,
    )
    case = accept_food_case(demo)
    outbox.drain(max_rounds=1)
    message = OutboxMessage.objects.get(
        topic="exchange.dispatch", payload__case_id=case.pk
    )
    assert message.status == OutboxStatus.PENDING
    assert "broker unreachable" in message.last_error


def test_simulator_replies_through_reply_queue(demo, queues):
    from onestop.core.signing import published_keys
    from onestop.exchange.harness import wait_until
    from onestop.exchange.simulator import DepartmentSimulator, SimulatorSettings

    department_queue, reply_queue = queues
    key = DepartmentKey()
    configure(
        demo.market,
        ConnectorKind.AMQP,
        key,
        amqp_url=BROKER,
        queue=department_queue,
        reply_queue=reply_queue,
    )
    case = accept_food_case(demo)
    outbox.drain(max_rounds=1)
    simulator = DepartmentSimulator(
        SimulatorSettings(
            port=0,
            ed25519_seed=key.seed,
            amqp_url=BROKER,
            amqp_queues=[department_queue],
            initial_keys=published_keys(),
        )
    ).start()
    try:
        wait_until(lambda: simulator.counters.callbacks_sent == 2, timeout=20)
    finally:
        simulator.stop()
    assert tasks.consume_amqp_results() == 2
    case.refresh_from_db()
    assert case.state == CaseState.RESULT_ISSUED
    assert simulator.counters.rejected == 0
