#!/usr/bin/env python3
"""Writes the transport fuzz seeds (hand-made protobuf wire bytes; no third-party data)."""
import os, struct, zlib

here = os.path.dirname(os.path.abspath(__file__))

def varint(v):
    out = b''
    while v >= 0x80:
        out += bytes([(v & 0x7f) | 0x80]); v >>= 7
    return out + bytes([v])

def ld(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload

def alert(seq, title=b'rule'):
    return varint(2 << 3) + varint(seq) + ld(9, b'web01') + ld(3, ld(6, title))

def batch_frame(epoch, alerts):
    body = ld(1, epoch) + b''.join(ld(2, a) for a in alerts)
    return b'\x08\x01' + ld(3, body)

frames = {
    'batch_ok': batch_frame(b'E' * 16, [alert(1), alert(2), alert(3)]),
    'batch_max_seq': batch_frame(b'E' * 16, [alert(2**64 - 1)]),
    'batch_decreasing': batch_frame(b'E' * 16, [alert(5), alert(4)]),
    'batch_short_epoch': batch_frame(b'E' * 3, [alert(1)]),
    'hello': b'\x08\x01' + ld(2, ld(1, b'web01') + ld(3, b'0.1.0') + ld(4, b'E' * 16)),
    'heartbeat': b'\x08\x01' + ld(5, ld(1, b'0.1.0') + ld(4, varint(5 << 3) + varint(7))),
    'truncated': b'\x08\x01\x1a\xff\xff\xff\x0f',
    'two_bodies': b'\x08\x01' + ld(2, b'') + ld(3, b''),
    'group_wire_type': b'\x0b\x01\x0c',
}
d = os.path.join(here, 'seeds', 'transport_frame_fuzz')
os.makedirs(d, exist_ok=True)
for name, data in frames.items():
    open(os.path.join(d, name), 'wb').write(data)

def record(seq, payload):
    crc = zlib.crc32(struct.pack('<Q', seq) + payload)
    return struct.pack('<IIQ', len(payload), crc, seq) + payload

header = b'PKTSPOOL' + struct.pack('<II', 1, 40) + b'E' * 16 + struct.pack('<Q', 1)
good = header + record(1, alert(1)) + record(2, alert(2))
segs = {
    'two_records': good,
    'torn_tail': good[:-5],
    'bad_crc': header + record(1, alert(1))[:-1] + b'X',
    'wrong_seq': header + record(7, alert(7)),
    'huge_length': header + struct.pack('<IIQ', 0xffffffff, 0, 1),
    'header_only': header,
    'short': b'PKTS',
}
d = os.path.join(here, 'seeds', 'transport_spool_fuzz')
os.makedirs(d, exist_ok=True)
for name, data in segs.items():
    open(os.path.join(d, name), 'wb').write(data)
