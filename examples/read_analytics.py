#!/usr/bin/env python3
"""Reads the pseudonymous analytics stream (cdr.analytics) — or, with --topic cdr.kpi, the anonymous
KPI cells — and prints one JSON object a line.

    {"key": "<pseudonymous record id>", "record": {...the AnalyticsRecord's fields...}}
    {"key": "<pseudonymous record id>", "deleted": true}     # a tombstone: forget what you kept of it
    {"key": "PT15M|<start ms>|<source>|<leg role>|<country>|<ndc>", "record": {...the KpiCell's fields...}}

Keep-alives (tombstones under keys starting with "cdr-pipeline#keep-alive#", which the pipeline
appends so that quiet partitions keep compacting) are no record's deletion and are skipped.
Reads only what the pipeline committed (isolation.level=read_committed).

Needs Python 3, Apache Avro and confluent-kafka: on Debian 12
`apt-get install python3-avro python3-confluent-kafka`, elsewhere `pip install avro confluent-kafka`.
"""
import argparse
import datetime
import glob
import io
import json
import os
import re
import struct
import sys
import time

import avro.io
import avro.schema
from confluent_kafka import Consumer

KEEP_ALIVE_PREFIX = b"cdr-pipeline#keep-alive#"
HERE = os.path.dirname(os.path.abspath(__file__))
RELEASED = os.path.join(HERE, "..", "schemas", "src", "main", "resources", "io", "cdrpipeline", "schema", "released")


def _crc64_table():
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (0xC15D213AA4D7A795 & -(fp & 1))
        table.append(fp)
    return table


_TABLE = _crc64_table()


def fingerprint(schema):
    """CRC-64-AVRO of the parsing canonical form: the id Avro's single-object encoding carries."""
    # python3-avro 1.11 leaves {"type":"long"} where a primitive had attributes (a logical type, Java's
    # avro.java.string); the canonical form has the bare name.
    form = re.sub(r'\{"type":"(null|boolean|int|long|float|double|bytes|string)"\}', r'"\1"', schema.canonical_form)
    fp = 0xC15D213AA4D7A795
    for b in form.encode("utf-8"):
        fp = (fp >> 8) ^ _TABLE[(fp ^ b) & 0xFF]
    return fp


def load(directory):
    """Every released version of the contract (v1.avsc, v2.avsc, ...) by fingerprint; the reader is the newest."""
    paths = sorted(glob.glob(os.path.join(directory, "v*.avsc")), key=lambda p: int(os.path.basename(p)[1:-5]))
    if not paths:
        raise SystemExit("no released schemas (v1.avsc, ...) in " + directory)
    schemas = [avro.schema.parse(open(p, encoding="utf-8").read()) for p in paths]
    return {fingerprint(s): s for s in schemas}, schemas[-1]


def decode(value, writers, reader):
    """A record of cdr.analytics as a dict; None for a tombstone."""
    if value is None:
        return None
    if value[:2] != b"\xc3\x01":
        raise ValueError("not Avro single-object encoding")
    writer = writers.get(struct.unpack("<Q", value[2:10])[0])
    if writer is None:
        raise ValueError("written with a schema newer than these files: update the .avsc files")
    return avro.io.DatumReader(writer, reader).read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))


def _json(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def main():
    ap = argparse.ArgumentParser(description="Print cdr.analytics as JSON lines (records and deletions).")
    ap.add_argument("--bootstrap-server", required=True, help="host:port of the Kafka cluster")
    ap.add_argument("--topic", default="cdr.analytics")
    ap.add_argument("--group", default="analytics-reader", help="consumer group (analysts may use analytics-*)")
    ap.add_argument("--from-beginning", action="store_true", help="a new group starts at the oldest record")
    ap.add_argument("--max-idle", type=float, default=0, help="stop after this many seconds without a record (0: never)")
    ap.add_argument("--contract", help="AnalyticsRecord or KpiCell (default: KpiCell for a topic named *kpi*)")
    ap.add_argument("--schemas", help="directory of the contract's released .avsc files (default: the repository's)")
    ap.add_argument("-X", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                    help="a librdkafka setting, e.g. -X security.protocol=SASL_SSL (repeatable)")
    args = ap.parse_args()

    contract = args.contract or ("KpiCell" if "kpi" in args.topic else "AnalyticsRecord")
    writers, reader = load(args.schemas or os.path.join(RELEASED, contract))
    settings = {"bootstrap.servers": args.bootstrap_server, "group.id": args.group,
                "isolation.level": "read_committed",
                "auto.offset.reset": "earliest" if args.from_beginning else "latest"}
    for kv in args.settings:
        key, _, value = kv.partition("=")
        settings[key] = value
    consumer = Consumer(settings)
    consumer.subscribe([args.topic])
    last = time.monotonic()
    try:
        while args.max_idle <= 0 or time.monotonic() - last < args.max_idle:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                print("kafka: %s" % msg.error(), file=sys.stderr)
                continue
            key = msg.key() or b""
            if key.startswith(KEEP_ALIVE_PREFIX):
                continue
            last = time.monotonic()
            record = decode(msg.value(), writers, reader)
            line = {"key": key.decode("utf-8")}
            if record is None:
                line["deleted"] = True
            else:
                line["record"] = record
            print(json.dumps(line, default=_json), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
