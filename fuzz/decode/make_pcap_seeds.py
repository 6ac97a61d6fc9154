#!/usr/bin/python3
"""Seeds for pcap_file_fuzz (pcap_file_fuzz.cc): small classic pcap files written here byte by byte
(little- and big-endian, micro- and nanosecond magic, a truncated record, an oversized caplen).

  /usr/bin/python3 fuzz/decode/make_pcap_seeds.py      # -> fuzz/decode/seeds/pcap_file_fuzz
"""
import os
import struct

FRAME = bytes.fromhex("ffffffffffff0011223344550800") + bytes.fromhex(
    "4500001c000100004011f8d8c0a8010a0a000050") + bytes.fromhex("9c4000350008ffff")


def pcap(endian, magic, records, snaplen=65535, linktype=1):
    out = struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)
    for sec, frac, data, caplen, wirelen in records:
        out += struct.pack(endian + "IIII", sec, frac, caplen, wirelen) + data
    return out


def main():
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds", "pcap_file_fuzz")
    os.makedirs(out_dir, exist_ok=True)
    two = [(1700000000, 123456, FRAME, len(FRAME), len(FRAME)), (1700000001, 1, FRAME[:20], 20, len(FRAME))]
    seeds = {
        "le_usec.pcap": pcap("<", 0xa1b2c3d4, two),
        "be_usec.pcap": pcap(">", 0xa1b2c3d4, two),
        "le_nsec.pcap": pcap("<", 0xa1b23c4d, [(1700000000, 999999999, FRAME, len(FRAME), len(FRAME))]),
        "truncated.pcap": pcap("<", 0xa1b2c3d4, two)[:-7],
        "huge_caplen.pcap": pcap("<", 0xa1b2c3d4, [(1, 0, b"", 0x7fffffff, 60)]),
        "raw_ip.pcap": pcap("<", 0xa1b2c3d4, [(1, 0, FRAME[14:], len(FRAME) - 14, len(FRAME) - 14)], linktype=101),
    }
    for name, data in seeds.items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(seeds)} seeds to {out_dir}")


if __name__ == "__main__":
    main()
