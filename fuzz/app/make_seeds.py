#!/usr/bin/env python3
"""Writes the app-layer fuzz seed corpora (fuzz/app/seeds/<target>/) from generated messages only.

Run from anywhere: python3 fuzz/app/make_seeds.py [http dns tls dhcp http2 pgsql]. Needs the `openssl` command for the certificate seed.
"""
import gzip
import os
import struct
import subprocess
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "seeds", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def http_seed(chunk, req, resp, midstream=False):
    return bytes([chunk - 1]) + struct.pack(">H", len(req) | (0x8000 if midstream else 0)) + req + resp


def chunked(data, size=7):
    out = b""
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


def http_seeds():
    get = b"GET /a/./b/../c%20d?x=%41 HTTP/1.1\r\nHost: Example.COM:8080\r\nUser-Agent: seed\r\nCookie: a=b\r\n\r\n"
    ok = b"HTTP/1.1 200 OK\r\nServer: s\r\nContent-Length: 5\r\n\r\nhello"
    write("app_http_fuzz", "get", http_seed(256, get, ok))
    write("app_http_fuzz", "get_bytewise", http_seed(1, get, ok))
    write("app_http_fuzz", "pipelined", http_seed(13, get * 3, ok * 3))
    body = b"<html>" + b"compressible " * 50 + b"</html>"
    gz = gzip.compress(body)
    resp = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" + chunked(gz)
    write("app_http_fuzz", "chunked_gzip", http_seed(5, get, resp))
    resp = b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: %d\r\n\r\n" % len(zlib.compress(body))
    write("app_http_fuzz", "deflate", http_seed(64, get, resp + zlib.compress(body)))
    raw = zlib.compressobj(wbits=-15)
    rd = raw.compress(body) + raw.flush()
    resp = b"HTTP/1.0 200 OK\r\nContent-Encoding: deflate\r\n\r\n" + rd
    write("app_http_fuzz", "raw_deflate_close", http_seed(64, get, resp))
    post = b"POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(b"field=value&x=y")
    cont = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
    write("app_http_fuzz", "post_chunked_100", http_seed(9, post, cont))
    head = b"HEAD / HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n"
    hresp = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n"
    write("app_http_fuzz", "head_304", http_seed(3, head, hresp))
    folded = b"GET http://user@Host.Example./x//y\\z HTTP/1.1\r\nX-Folded: a\r\n  b\r\nBad Line\r\n\n"
    write("app_http_fuzz", "odd_head", http_seed(2, folded, b"HTTP/1.1 abc\r\n\r\n"))
    write("app_http_fuzz", "connect", http_seed(40, b"CONNECT h:443 HTTP/1.1\r\n\r\n\x16\x03\x01",
                                               b"HTTP/1.1 200 OK\r\n\r\n\x16\x03\x03"))
    # Midstream pickup with the response first (the flow is taken as reversed), then the next request.
    write("app_http_fuzz", "midstream_reversed", http_seed(11, ok, get, midstream=True))
    # Heads the peer ends by closing, without the blank line.
    write("app_http_fuzz", "head_cut_by_close", http_seed(7, b"POST /x HTTP/1.0\r\nUser-Agent: a\r\n",
                                                          b"HTTP/1.0 200 OK\nServer:ng1nx\r\n"))


def dns_name(name):
    out = b""
    for label in name.split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_seeds():
    q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + dns_name("www.example.com") + struct.pack(">HH", 1, 1)
    write("app_dns_fuzz", "query", q)
    hdr = struct.pack(">HHHHHH", 0x1234, 0x8180, 1, 7, 0, 0)
    qs = dns_name("www.example.com") + struct.pack(">HH", 1, 1)
    ptr = b"\xc0\x0c"
    rr = b""
    rr += ptr + struct.pack(">HHIH", 5, 1, 300, 6) + b"\x03cdn" + b"\xc0\x10"
    rr += ptr + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([93, 184, 216, 34])
    rr += ptr + struct.pack(">HHIH", 28, 1, 60, 16) + bytes(range(16))
    rr += ptr + struct.pack(">HHIH", 15, 1, 60, 4) + b"\x00\x0a" + b"\xc0\x10"
    txt = b"\x05hello\x05world"
    rr += ptr + struct.pack(">HHIH", 16, 1, 60, len(txt)) + txt
    soa = b"\x02ns\xc0\x10" + b"\x04host\xc0\x10" + struct.pack(">IIIII", 1, 2, 3, 4, 5)
    rr += ptr + struct.pack(">HHIH", 6, 1, 60, len(soa)) + soa
    rr += ptr + struct.pack(">HHIH", 12, 1, 60, 2) + b"\xc0\x0c"
    resp = hdr + qs + rr
    write("app_dns_fuzz", "response", resp)
    loop = struct.pack(">HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x01a\xc0\x0c" + b"\0\x01\0\x01"
    write("app_dns_fuzz", "pointer_loop", loop)
    write("app_dns_fuzz", "tcp_two", struct.pack(">H", len(q)) + q + struct.pack(">H", len(resp)) + resp)


def tls_record(ctype, body, version=0x0301):
    return struct.pack(">BHH", ctype, version, len(body)) + body


def handshake(htype, body):
    return bytes([htype]) + struct.pack(">I", len(body))[1:] + body


def ext(t, data):
    return struct.pack(">HH", t, len(data)) + data


def client_hello():
    sni = b"\x00" + struct.pack(">H", 11) + b"example.org"
    exts = ext(0x0a0a, b"") + ext(0, struct.pack(">H", len(sni)) + sni)
    exts += ext(10, struct.pack(">HHHH", 6, 0x1a1a, 23, 24))
    exts += ext(11, b"\x01\x00")
    alpn = b"\x02h2\x08http/1.1"
    exts += ext(16, struct.pack(">H", len(alpn)) + alpn)
    exts += ext(43, b"\x04\x03\x04\x03\x03")
    ciphers = struct.pack(">HHHH", 0x2a2a, 0x1301, 0xc02f, 0x002f)
    body = struct.pack(">H", 0x0303) + bytes(32) + b"\x00" + struct.pack(">H", len(ciphers)) + ciphers + b"\x01\x00"
    body += struct.pack(">H", len(exts)) + exts
    return handshake(1, body)


def server_hello(tls13=False):
    exts = ext(0xff01, b"\x00") + (ext(43, b"\x03\x04") if tls13 else b"")
    body = struct.pack(">H", 0x0303) + bytes(32) + b"\x00" + struct.pack(">H", 0xc02f) + b"\x00"
    body += struct.pack(">H", len(exts)) + exts
    return handshake(2, body)


def der_cert():
    with tempfile.TemporaryDirectory() as d:
        key, crt = os.path.join(d, "k.pem"), os.path.join(d, "c.der")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-subj", "/C=US/O=Picket Seeds/CN=seed.example",
                        "-days", "1", "-outform", "DER", "-out", crt], check=True, capture_output=True)
        with open(crt, "rb") as f:
            return f.read()


def tls_seeds():
    ch = client_hello()
    write("app_tls_fuzz", "client_hello", b"\xff\x00" + tls_record(22, ch))
    # One handshake message across two records, fed 3 bytes at a time.
    write("app_tls_fuzz", "client_hello_split", b"\x02\x00" + tls_record(22, ch[:40]) + tls_record(22, ch[40:]))
    cert = der_cert()
    certs = struct.pack(">I", len(cert))[1:] + cert
    cmsg = handshake(11, struct.pack(">I", len(certs))[1:] + certs)
    flight = tls_record(22, server_hello() + cmsg + handshake(14, b""), 0x0303) + tls_record(20, b"\x01", 0x0303)
    write("app_tls_fuzz", "server_flight", b"\x1f\x03" + flight)
    write("app_tls_fuzz", "server_hello_13", b"\xff\x01" + tls_record(22, server_hello(True), 0x0303) +
          tls_record(23, bytes(20), 0x0303))
    write("app_tls_fuzz", "cert_message", b"\xff\x02" + struct.pack(">I", len(certs))[1:] + certs)


def dhcp_seeds():
    def msg(op, mtype, opts=b""):
        m = bytearray(240)
        m[0], m[1], m[2] = op, 1, 6
        m[4:8] = struct.pack(">I", 0xEF645744)
        m[16:20] = bytes([10, 16, 1, 4])
        m[28:34] = bytes([0, 0x11, 0x22, 0x33, 0x44, 0x55])
        m[236:240] = bytes([99, 130, 83, 99])
        return bytes(m) + bytes([53, 1, mtype]) + opts + b"\xff"
    write("app_dhcp_fuzz", "request", msg(1, 3, b"\x0c\x04host"))
    write("app_dhcp_fuzz", "ack", msg(2, 5, b"\x00\x00\x33\x04\x00\x00\x0e\x10"))
    write("app_dhcp_fuzz", "option_past_end", msg(1, 1)[:-1] + b"\x0c\xc8ab")
    q = struct.pack(">HHHHHH", 0xC341, 0, 1, 0, 0, 0) + dns_name("hs2011") + struct.pack(">HH", 1, 1)
    write("app_dhcp_fuzz", "llmnr_query", q)


def h2_frame(ftype, flags, stream, payload, claimed=None):
    n = len(payload) if claimed is None else claimed
    return struct.pack(">I", n)[1:] + bytes([ftype, flags]) + struct.pack(">I", stream & 0x7FFFFFFF) + payload


def hpack_lit(name, value, incremental=False):
    return bytes([0x40 if incremental else 0x00, len(name)]) + name + bytes([len(value)]) + value


def h2_seed(chunk, client, server, add_preface=True):
    return bytes([chunk - 1]) + struct.pack(">H", len(client) | (0x8000 if add_preface else 0)) + client + server


def http2_seeds():
    settings = h2_frame(4, 0, 0, struct.pack(">HI", 1, 4096) + struct.pack(">HI", 5, 16384))
    req = b"\x82\x87" + hpack_lit(b":path", b"/malware/payload.exe", True) + hpack_lit(b":authority", b"evil.com:8443", True)
    req += hpack_lit(b"user-agent", b"seed")
    client = settings + h2_frame(8, 0, 0, b"\x00\x01\x00\x00") + h2_frame(1, 0x5, 1, req)
    client += h2_frame(1, 0x5, 3, b"\x82\x87\xbf\xbe")  # :path and :authority from the dynamic table
    resp_hdr = b"\x88" + hpack_lit(b"content-type", b"text/html") + hpack_lit(b"content-encoding", b"gzip")
    body = gzip.compress(b"<html>" + b"payload " * 40 + b"</html>")
    server = settings + h2_frame(4, 1, 0, b"") + h2_frame(1, 0x4, 1, resp_hdr) + h2_frame(0, 0x1, 1, body)
    write("app_http2_fuzz", "get_gzip", h2_seed(256, client, server))
    write("app_http2_fuzz", "get_bytewise", h2_seed(1, client, server))
    # Padded HEADERS with priority, then CONTINUATION; a padded DATA frame on the request.
    block = b"\x83\x87" + hpack_lit(b":path", b"/up") + hpack_lit(b":authority", b"h")
    padded = h2_frame(1, 0x8 | 0x20, 5, b"\x02" + b"\x00\x00\x00\x00\x10" + block[:4] + b"\x00\x00")
    padded += h2_frame(9, 0x4, 5, block[4:]) + h2_frame(0, 0x8 | 0x1, 5, b"\x01field=1\x00")
    write("app_http2_fuzz", "continuation_padding", h2_seed(7, padded, settings))
    # Long DATA frame (70000 > SETTINGS_MAX_FRAME_SIZE), then a new stream.
    longdata = settings + h2_frame(1, 0x4, 1, b"\x88") + h2_frame(0, 0x1, 1, b"A" * 70000)
    write("app_http2_fuzz", "long_data", h2_seed(200, h2_frame(1, 0x5, 1, req) + h2_frame(1, 0x5, 3, req), longdata))
    # Control frames, push promise, reset and goaway.
    ctl = h2_frame(6, 0, 0, b"12345678") + h2_frame(2, 0, 1, b"\x00\x00\x00\x00\x20") + h2_frame(0xfa, 0, 0, b"x")
    ctl += h2_frame(3, 0, 1, b"\x00\x00\x00\x08") + h2_frame(7, 0, 0, b"\x00\x00\x00\x01\x00\x00\x00\x00")
    push = h2_frame(5, 0x4, 1, b"\x00\x00\x00\x02\x82\x87" + hpack_lit(b":path", b"/p.css") + hpack_lit(b":authority", b"h"))
    write("app_http2_fuzz", "control_push", h2_seed(16, h2_frame(1, 0x4, 1, req) + ctl, settings + push))
    # Server SETTINGS before the client preface; a dynamic table size update.
    upd = h2_frame(1, 0x5, 1, b"\x3f\xe1\x1f\x82\x86" + hpack_lit(b":path", b"/", True))
    write("app_http2_fuzz", "server_first_size_update", h2_seed(64, upd, settings))


def pgsql_seed(chunk, client, server):
    return bytes([chunk - 1]) + struct.pack(">H", len(client)) + client + server


def pg_msg(t, body):
    return t + struct.pack(">I", len(body) + 4) + body


def pgsql_seeds():
    ssl = struct.pack(">II", 8, 80877103)
    params = b"user\x00alice\x00database\x00db\x00\x00"
    startup = struct.pack(">II", len(params) + 8, 196608) + params
    query = pg_msg(b"Q", b"select * from new_table;\x00")
    client = ssl + startup + pg_msg(b"p", b"md5abc\x00") + query + pg_msg(b"Q", b"SELECT 1/0;\x00") + pg_msg(b"X", b"")
    rowdesc = struct.pack(">H", 1) + b"name\x00" + struct.pack(">IHIhih", 1, 1, 25, -1, -1, 0)
    rows = pg_msg(b"D", struct.pack(">HI", 1, 5) + b"Remus") + pg_msg(b"D", struct.pack(">Hi", 1, -1))
    err = b"SERROR\x00C22012\x00Mdivision by zero\x00\x00"
    server = b"N" + pg_msg(b"R", struct.pack(">I", 5) + b"salt") + pg_msg(b"R", struct.pack(">I", 0))
    server += pg_msg(b"S", b"server_version\x0013\x00") + pg_msg(b"K", struct.pack(">II", 1, 2)) + pg_msg(b"Z", b"I")
    server += pg_msg(b"T", rowdesc) + rows + pg_msg(b"C", b"SELECT 2\x00") + pg_msg(b"Z", b"I")
    server += pg_msg(b"E", err) + pg_msg(b"Z", b"E")
    write("app_pgsql_fuzz", "session", pgsql_seed(256, client, server))
    write("app_pgsql_fuzz", "session_bytewise", pgsql_seed(1, client, server))
    write("app_pgsql_fuzz", "tls_accepted", pgsql_seed(9, ssl + b"\x16\x03\x01\x00\x02hi", b"S\x16\x03\x03"))
    write("app_pgsql_fuzz", "huge_length", pgsql_seed(32, startup + b"Q\x7f\xff\xff\xff" + b"a" * 100, b"Z\x00\x00\x00\x02"))


SEEDS = {"http": http_seeds, "dns": dns_seeds, "tls": tls_seeds, "dhcp": dhcp_seeds, "http2": http2_seeds,
         "pgsql": pgsql_seeds}

if __name__ == "__main__":
    import sys
    # Optional names (python3 make_seeds.py http2 pgsql) regenerate only those corpora.
    for name in sys.argv[1:] or list(SEEDS):
        SEEDS[name]()
