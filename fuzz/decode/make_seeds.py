#!/usr/bin/python3
"""Seeds for fuzz_decode (decode_fuzz.cc): byte 0 = link type index, then frames as [len16 BE][bytes].

  /usr/bin/python3 fuzz/decode/make_seeds.py                       # generated packets -> fuzz/decode/seeds/fuzz_decode
  /usr/bin/python3 fuzz/decode/make_seeds.py --from-pcaps DIR OUT  # frames of pcap files -> OUT (for long runs only;
                                                          # third-party bytes are never committed)
Generated seeds are built here with scapy, so the committed corpus is our own bytes.
"""
import os
import struct
import sys

LINKTYPES = {1: 0, 113: 1, 276: 2, 12: 3, 0: 4, 228: 5, 229: 6, 9: 7, 104: 8}


def pack(linktype_index, frames):
    out = bytes([linktype_index])
    for f in frames:
        f = bytes(f)[:65535]
        out += struct.pack(">H", len(f)) + f
    return out


def generated():
    from scapy.all import (Ether, Dot1Q, Dot1AD, IP, IPv6, TCP, UDP, ICMP, GRE, ARP, Raw, fragment,
                           IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, ICMPv6EchoRequest,
                           DNS, DNSQR, DNSRR, VXLAN, CookedLinux, fragment6)
    seeds = {}
    c, s = "192.168.1.10", "10.0.0.80"

    def tcp_conv(payload_c, payload_s, sport=40000, dport=80, ip=IP, src=c, dst=s, l2=lambda p: Ether() / p):
        f = []
        f.append(l2(ip(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags="S", seq=100)))
        f.append(l2(ip(src=dst, dst=src) / TCP(sport=dport, dport=sport, flags="SA", seq=500, ack=101)))
        f.append(l2(ip(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags="A", seq=101, ack=501)))
        f.append(l2(ip(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags="PA", seq=101, ack=501) / payload_c))
        f.append(l2(ip(src=dst, dst=src) / TCP(sport=dport, dport=sport, flags="PA", seq=501,
                                                ack=101 + len(payload_c)) / payload_s))
        f.append(l2(ip(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags="FA", seq=101 + len(payload_c),
                                                ack=501 + len(payload_s))))
        return f

    req = b"GET /index.html?a=1&password=x HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: seed\r\n" \
          b"Cookie: a=b\r\n\r\n"
    resp = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    seeds["http"] = pack(0, tcp_conv(req, resp))
    post = b"POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcdGET /2 HTTP/1.1\r\nHost: b\r\n\r\n"
    seeds["http_pipelined"] = pack(0, tcp_conv(post, b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 404 NF\r\n\r\n"))
    seeds["http_v6"] = pack(0, tcp_conv(req, resp, ip=IPv6, src="2001:db8::1", dst="2001:db8::2"))
    seeds["http_vlan"] = pack(0, tcp_conv(req, resp, l2=lambda p: Ether() / Dot1Q(vlan=10) / p))
    seeds["http_qinq"] = pack(0, tcp_conv(req, resp, l2=lambda p: Ether() / Dot1AD(vlan=5) / Dot1Q(vlan=6) / p))
    seeds["http_sll"] = pack(1, [bytes(CookedLinux(proto=0x0800) / x[IP]) for x in tcp_conv(req, resp)])
    seeds["http_raw"] = pack(3, [bytes(x[IP]) for x in tcp_conv(req, resp)])
    # Out of order and overlapping segments.
    f = tcp_conv(req, resp)
    seg1 = Ether() / IP(src=c, dst=s) / TCP(sport=40000, dport=80, flags="PA", seq=101, ack=501) / req[:10]
    seg2 = Ether() / IP(src=c, dst=s) / TCP(sport=40000, dport=80, flags="PA", seq=111, ack=501) / req[10:]
    seg3 = Ether() / IP(src=c, dst=s) / TCP(sport=40000, dport=80, flags="PA", seq=105, ack=501) / b"XXXXXXXXXX"
    seeds["tcp_ooo_overlap"] = pack(0, f[:3] + [seg2, seg3, seg1] + f[4:])
    # TLS ClientHello.
    sni = b"seed.example"
    ext = struct.pack(">HHHBH", 0, len(sni) + 5, len(sni) + 3, 0, len(sni)) + sni
    ext += struct.pack(">HHHHH", 10, 6, 4, 23, 24) + struct.pack(">HHBB", 11, 2, 1, 0)
    body = struct.pack(">H", 0x0303) + bytes(32) + b"\x00" + struct.pack(">HHH", 4, 0xc02f, 0x009c) + b"\x01\x00"
    body += struct.pack(">H", len(ext)) + ext
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    rec = b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs
    shbody = struct.pack(">H", 0x0303) + bytes(32) + b"\x00" + struct.pack(">H", 0xc02f) + b"\x00" + struct.pack(">H", 0)
    shs = b"\x02" + struct.pack(">I", len(shbody))[1:] + shbody
    srec = b"\x16\x03\x03" + struct.pack(">H", len(shs)) + shs
    seeds["tls"] = pack(0, tcp_conv(rec, srec, dport=443))
    # DNS over UDP and TCP.
    q = DNS(id=7, rd=1, qd=DNSQR(qname="www.example.com"))
    a = DNS(id=7, qr=1, rd=1, ra=1, qd=DNSQR(qname="www.example.com"),
            an=DNSRR(rrname="www.example.com", rdata="10.1.2.3"))
    seeds["dns_udp"] = pack(0, [Ether() / IP(src=c, dst=s) / UDP(sport=5353, dport=53) / q,
                                Ether() / IP(src=s, dst=c) / UDP(sport=53, dport=5353) / a])
    qb, ab = bytes(q), bytes(a)
    seeds["dns_tcp"] = pack(0, tcp_conv(struct.pack(">H", len(qb)) + qb, struct.pack(">H", len(ab)) + ab, dport=53))
    # Fragments (v4 out of order, v6), ICMP, ICMPv6, ARP, extension headers.
    big = IP(src=c, dst=s, id=99) / UDP(sport=1000, dport=53) / DNS(id=8, qd=DNSQR(qname="frag." + "a" * 60 + ".example"))
    fr = fragment(big, fragsize=24)
    seeds["ipv4_frag"] = pack(0, [Ether() / x for x in reversed(fr)])
    v6 = IPv6(src="2001:db8::1", dst="2001:db8::2") / IPv6ExtHdrFragment(id=5) / UDP(sport=1, dport=53) / (b"z" * 200)
    seeds["ipv6_frag"] = pack(0, [Ether() / x for x in fragment6(v6, 96)])
    seeds["icmp"] = pack(0, [Ether() / IP(src=c, dst=s) / ICMP(type=8, id=1, seq=2) / b"ping",
                             Ether() / IP(src=s, dst=c) / ICMP(type=3, code=3) / IP(src=c, dst=s) / UDP()])
    seeds["icmpv6_ext"] = pack(0, [Ether() / IPv6(src="fe80::1", dst="fe80::2") / IPv6ExtHdrHopByHop() /
                                   IPv6ExtHdrDestOpt() / ICMPv6EchoRequest(data=b"x")])
    seeds["arp"] = pack(0, [Ether() / ARP(op=1, psrc=c, pdst=s)])
    # Tunnels: GRE, VXLAN, IP-in-IP.
    inner = IP(src="172.16.0.1", dst="172.16.0.2") / TCP(sport=1, dport=80, flags="PA") / req
    seeds["gre"] = pack(0, [Ether() / IP(src=c, dst=s) / GRE() / inner])
    seeds["vxlan"] = pack(0, [Ether() / IP(src=c, dst=s) / UDP(sport=1234, dport=4789) / VXLAN(vni=42) / Ether() / inner])
    # PPP (DLT_PPP, compressed protocol field), Cisco HDLC, PPP in GRE, SCTP.
    seeds["ppp"] = pack(7, [b"\xff\x03\x00\x21" + bytes(x[IP]) for x in tcp_conv(req, resp)])
    seeds["chdlc"] = pack(8, [b"\x0f\x00\x08\x00" + bytes(x[IP]) for x in tcp_conv(req, resp)])
    seeds["gre_ppp"] = pack(0, [Ether() / IP(src=c, dst=s, proto=47) / Raw(b"\x00\x00\x88\x0b\x21" + bytes(inner))])
    seeds["sctp"] = pack(0, [Ether() / IP(src=c, dst=s, proto=132) /
                             Raw(b"\x00\x07\x00\x07\x00\x00\x00\x01\x00\x00\x00\x00\x01\x00\x00\x04")])
    seeds["ipip"] = pack(0, [Ether() / IP(src=c, dst=s) / inner])
    seeds["ip_options"] = pack(0, [Ether() / IP(src=c, dst=s, options=b"\x94\x04\x00\x00\x01\x01\x01\x00") / UDP()])
    return seeds


def from_pcaps(src_dir, out_dir):
    from scapy.all import PcapReader
    os.makedirs(out_dir, exist_ok=True)
    n = 0
    for root, _, files in os.walk(src_dir):
        for name in sorted(files):
            if not name.endswith((".pcap", ".pcapng")):
                continue
            try:
                reader = PcapReader(os.path.join(root, name))
                lt = LINKTYPES.get(getattr(reader, "linktype", 1), 0)
                frames, size = [], 0
                for pkt in reader:
                    b = bytes(pkt)
                    frames.append(b)
                    size += len(b) + 2
                    if size > 60000 or len(frames) >= 200:
                        open(os.path.join(out_dir, f"{name}.{n}"), "wb").write(pack(lt, frames))
                        n += 1
                        frames, size = [], 0
                if frames:
                    open(os.path.join(out_dir, f"{name}.{n}"), "wb").write(pack(lt, frames))
                    n += 1
            except Exception as e:  # a capture scapy cannot read is skipped
                print(f"skip {name}: {e}", file=sys.stderr)
    print(f"wrote {n} seeds to {out_dir}")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--from-pcaps":
        from_pcaps(sys.argv[2], sys.argv[3])
        return
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds", "fuzz_decode")
    os.makedirs(out, exist_ok=True)
    seeds = generated()
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"wrote {len(seeds)} seeds to {out}")


if __name__ == "__main__":
    main()
