// Tests agent/app/http_parser.cc, http_body.cc, http_message.cc: incremental parsing at every split,
// pipelining, bodies (length, chunked, close, gzip, deflate), no-body responses, malformed input.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "agent/app/http.h"
#include "tests/agent/app/test_util.h"

namespace picket::app {
namespace {

using test::bytes;
using test::RecordingSink;
constexpr Direction kReq = Direction::kToServer;
constexpr Direction kResp = Direction::kToClient;

std::string compress(std::string_view data, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(compressBound(data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string chunked(std::string_view data, size_t size) {
  std::string out;
  char buf[32];
  for (size_t i = 0; i < data.size(); i += size) {
    std::string_view part = data.substr(i, size);
    snprintf(buf, sizeof(buf), "%zx;ext=1\r\n", part.size());
    out += buf;
    out += part;
    out += "\r\n";
  }
  return out + "0\r\nTrailer: x\r\n\r\n";
}

std::string big_text() {
  std::string s;
  for (int i = 0; i < 400; ++i) s += "line " + std::to_string(i) + " of a compressible html body\n";
  return s;
}

const char kRequest[] =
    "GET /dir/./sub/../file%20name.php?a=%41&b=2 HTTP/1.1\r\n"
    "Host: WWW.Example.COM:8080\r\n"
    "User-Agent: Mozilla/5.0 (Picket)\r\n"
    "Accept: */*\r\n"
    "Referer: http://ref.example/\r\n"
    "Cookie: session=abc; theme=dark\r\n"
    "X-Empty:\r\n"
    "\r\n";

void check_request(const HttpTx& tx) {
  EXPECT_EQ(tx.http_method(), "GET");
  EXPECT_EQ(tx.http_uri_raw(), "/dir/./sub/../file%20name.php?a=%41&b=2");
  EXPECT_EQ(tx.http_uri(), "/dir/file name.php?a=A&b=2");
  EXPECT_EQ(tx.http_protocol(kReq), "HTTP/1.1");
  EXPECT_EQ(tx.http_host(), "www.example.com");
  EXPECT_EQ(tx.http_host_raw(), "WWW.Example.COM:8080");
  EXPECT_EQ(tx.http_user_agent(), "Mozilla/5.0 (Picket)");
  EXPECT_EQ(tx.http_accept(), "*/*");
  EXPECT_EQ(tx.http_referer(), "http://ref.example/");
  EXPECT_EQ(tx.http_cookie(kReq), "session=abc; theme=dark");
  EXPECT_EQ(tx.http_request_line(), "GET /dir/./sub/../file%20name.php?a=%41&b=2 HTTP/1.1");
  EXPECT_EQ(tx.http_header_names(kReq), "\r\nHost\r\nUser-Agent\r\nAccept\r\nReferer\r\nCookie\r\nX-Empty\r\n\r\n");
  EXPECT_EQ(tx.http_header(kReq),
            "Host: WWW.Example.COM:8080\r\nUser-Agent: Mozilla/5.0 (Picket)\r\nAccept: */*\r\n"
            "Referer: http://ref.example/\r\nCookie: session=abc; theme=dark\r\nX-Empty: \r\n");
  std::string_view all(kRequest);
  EXPECT_EQ(tx.http_start(kReq), all);
  EXPECT_EQ(tx.http_header_raw(kReq), all.substr(all.find('\n') + 1));
  ASSERT_EQ(tx.request.headers.size(), 6u);
  EXPECT_EQ(tx.request.headers[5].name, "X-Empty");
  EXPECT_EQ(tx.request.headers[5].value, "");
}

const char kResponse[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: picket-test/1.0\r\n"
    "Content-Type: text/plain\r\n"
    "Set-Cookie: id=7\r\n"
    "Content-Length: 12\r\n"
    "\r\n"
    "hello world!";

void check_response(const HttpTx& tx) {
  EXPECT_EQ(tx.http_stat_code(), "200");
  EXPECT_EQ(tx.status, 200);
  EXPECT_EQ(tx.http_stat_msg(), "OK");
  EXPECT_EQ(tx.http_response_line(), "HTTP/1.1 200 OK");
  EXPECT_EQ(tx.http_protocol(kResp), "HTTP/1.1");
  EXPECT_EQ(tx.http_server(), "picket-test/1.0");
  EXPECT_EQ(tx.http_content_type(kResp), "text/plain");
  EXPECT_EQ(tx.http_content_len(kResp), "12");
  EXPECT_EQ(tx.http_cookie(kResp), "id=7");
  EXPECT_EQ(tx.http_response_body(), "hello world!");
  EXPECT_EQ(tx.file_data(), "hello world!");
  EXPECT_TRUE(tx.response.complete);
}

TEST(AppHttp, RequestAndResponseAtEverySplit) {
  std::string req(kRequest), resp(kResponse);
  for (size_t split = 0; split <= req.size(); ++split) {
    AppLimits limits;
    AppCounters counters;
    HttpParser p(limits, counters);
    RecordingSink sink;
    const HttpTx* seen = nullptr;
    sink.extra = [&](const AppEvent& e) {
      if (e.kind == AppEventKind::kHttpResponseComplete) {
        seen = e.http;
        check_request(*e.http);
        check_response(*e.http);
      }
    };
    p.feed(kReq, bytes(std::string_view(req).substr(0, split)), &sink);
    p.feed(kReq, bytes(std::string_view(req).substr(split)), &sink);
    size_t rsplit = split % (resp.size() + 1);
    p.feed(kResp, bytes(std::string_view(resp).substr(0, rsplit)), &sink);
    p.feed(kResp, bytes(std::string_view(resp).substr(rsplit)), &sink);
    ASSERT_NE(seen, nullptr) << "split " << split;
    EXPECT_EQ(sink.count(AppEventKind::kHttpRequestHeaders), 1u);
    EXPECT_EQ(sink.count(AppEventKind::kHttpRequestComplete), 1u);
    EXPECT_EQ(sink.count(AppEventKind::kHttpResponseHeaders), 1u);
    EXPECT_EQ(sink.count(AppEventKind::kHttpResponseComplete), 1u);
    EXPECT_EQ(sink.response_body_chunks, "hello world!");
    EXPECT_EQ(counters.http_requests, 1u);
    EXPECT_EQ(counters.http_responses, 1u);
  }
}

TEST(AppHttp, OneByteAtATime) {
  AppLimits limits;
  AppCounters counters;
  HttpParser p(limits, counters);
  RecordingSink sink;
  std::string req(kRequest), resp(kResponse);
  for (char c : req) p.feed(kReq, bytes(std::string_view(&c, 1)), &sink);
  ASSERT_EQ(p.transactions().size(), 1u);
  check_request(p.transactions().front());
  for (char c : resp) p.feed(kResp, bytes(std::string_view(&c, 1)), &sink);
  check_response(p.transactions().front());
  EXPECT_EQ(sink.count(AppEventKind::kHttpResponseBody), 12u);  // one event per byte fed
}

TEST(AppHttp, PipelinedTransactionsMatchInOrder) {
  AppLimits limits;
  AppCounters counters;
  HttpParser p(limits, counters);
  RecordingSink sink;
  std::vector<std::pair<std::string, std::string>> done;
  sink.extra = [&](const AppEvent& e) {
    if (e.kind == AppEventKind::kHttpResponseComplete) {
      done.emplace_back(std::string(e.http->http_uri()), std::string(e.http->http_response_body()));
    }
  };
  std::string reqs = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n"
                     "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody"
                     "GET /three HTTP/1.1\r\nHost: a\r\n\r\n";
  std::string resps = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
                      "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\ntwo"
                      "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nthree";
  p.feed(kReq, bytes(reqs), &sink);
  EXPECT_EQ(p.transactions().size(), 3u);
  EXPECT_EQ(sink.request_body_chunks, "body");
  p.feed(kResp, bytes(resps), &sink);
  ASSERT_EQ(done.size(), 3u);
  EXPECT_EQ(done[0], (std::pair<std::string, std::string>{"/one", "one"}));
  EXPECT_EQ(done[1], (std::pair<std::string, std::string>{"/two", "two"}));
  EXPECT_EQ(done[2], (std::pair<std::string, std::string>{"/three", "three"}));
  EXPECT_EQ(p.transactions_started(), 3u);
  // Completed transactions are released on the next call.
  p.feed(kReq, {}, &sink);
  EXPECT_TRUE(p.transactions().empty());
}

TEST(AppHttp, ChunkedGzipResponseAtEveryChunkSize) {
  std::string body = big_text();
  std::string gz = compress(body, 15 + 16);
  std::string resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" +
                     chunked(gz, 100) + "HTTP/1.1 204 No Content\r\n\r\n";
  for (size_t step : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{1000}, resp.size()}) {
    AppLimits limits;
    AppCounters counters;
    HttpParser p(limits, counters);
    RecordingSink sink;
    std::vector<std::string> bodies;
    sink.extra = [&](const AppEvent& e) {
      if (e.kind == AppEventKind::kHttpResponseComplete) bodies.emplace_back(e.http->file_data());
    };
    p.feed(kReq, bytes("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"), &sink);
    for (size_t i = 0; i < resp.size(); i += step) {
      p.feed(kResp, bytes(std::string_view(resp).substr(i, step)), &sink);
    }
    ASSERT_EQ(bodies.size(), 2u) << "step " << step;
    EXPECT_EQ(bodies[0], body) << "step " << step;
    EXPECT_EQ(bodies[1], "");
    EXPECT_EQ(sink.response_body_chunks, body);
    EXPECT_EQ(counters.http_decompress_error, 0u);
    EXPECT_EQ(counters.http_bad_chunk, 0u);
  }
}

TEST(AppHttp, DeflateZlibAndRawAreBothDecoded) {
  std::string body = big_text();
  for (int bits : {15, -15}) {
    std::string z = compress(body, bits);
    std::string resp = "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: " +
                       std::to_string(z.size()) + "\r\n\r\n" + z;
    for (size_t step : {size_t{1}, size_t{5}, resp.size()}) {
      AppLimits limits;
      AppCounters counters;
      HttpParser p(limits, counters);
      p.feed(kReq, bytes("GET / HTTP/1.1\r\n\r\n"), nullptr);
      for (size_t i = 0; i < resp.size(); i += step) p.feed(kResp, bytes(std::string_view(resp).substr(i, step)), nullptr);
      ASSERT_EQ(p.transactions().size(), 1u);
      EXPECT_EQ(p.transactions().front().file_data(), body) << "bits " << bits << " step " << step;
      EXPECT_TRUE(p.transactions().front().response.complete);
    }
  }
}

TEST(AppHttp, ResponseBodyLimitTruncatesDecodedBody) {
  std::string body = big_text();
  std::string gz = compress(body, 15 + 16);
  AppLimits limits;
  limits.http_response_body_limit = 1000;
  AppCounters counters;
  HttpParser p(limits, counters);
  p.feed(kReq, bytes("GET / HTTP/1.1\r\n\r\n"), nullptr);
  std::string resp = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + std::to_string(gz.size()) +
                     "\r\n\r\n" + gz + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  p.feed(kReq, bytes("GET /next HTTP/1.1\r\n\r\n"), nullptr);
  p.feed(kResp, bytes(resp), nullptr);
  ASSERT_GE(p.transactions().size(), 2u);
  const HttpTx& tx = p.transactions().front();
  EXPECT_EQ(tx.file_data(), body.substr(0, 1000));
  EXPECT_TRUE(tx.response.body_truncated);
  EXPECT_TRUE(tx.response.complete);
  EXPECT_TRUE(p.transactions()[1].response.complete);  // framing was still followed
  EXPECT_EQ(counters.http_response_body_truncated, 1u);
}

TEST(AppHttp, RequestBodiesLengthAndChunked) {
  AppLimits limits;
  limits.http_request_body_limit = 10;
  AppCounters counters;
  HttpParser p(limits, counters);
  RecordingSink sink;
  std::string req = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nab=cd"
                    "PUT /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked("0123456789abcdef", 3);
  for (char c : req) p.feed(kReq, bytes(std::string_view(&c, 1)), &sink);
  ASSERT_EQ(p.transactions().size(), 2u);
  EXPECT_EQ(p.transactions()[0].http_request_body(), "ab=cd");
  EXPECT_EQ(p.transactions()[1].http_request_body(), "0123456789");
  EXPECT_TRUE(p.transactions()[1].request.body_truncated);
  EXPECT_EQ(p.transactions()[1].request.body_bytes, 16u);
  EXPECT_TRUE(p.transactions()[1].request.complete);
  EXPECT_EQ(sink.count(AppEventKind::kHttpRequestComplete), 2u);
}

TEST(AppHttp, NoBodyResponsesAndInterim) {
  AppLimits limits;
  AppCounters counters;
  HttpParser p(limits, counters);
  RecordingSink sink;
  std::vector<int> statuses;
  sink.extra = [&](const AppEvent& e) {
    if (e.kind == AppEventKind::kHttpResponseComplete) statuses.push_back(e.http->status);
  };
  p.feed(kReq, bytes("HEAD /h HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\nPOST /e HTTP/1.1\r\nExpect: 100-continue\r\n"
                     "Content-Length: 2\r\n\r\nokGET /n HTTP/1.1\r\n\r\n"),
         &sink);
  p.feed(kResp, bytes("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"   // HEAD: no body despite length
                      "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"
                      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
                      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
         &sink);
  EXPECT_EQ(statuses, (std::vector<int>{200, 304, 204, 200}));
  EXPECT_EQ(counters.http_responses, 4u);
}

TEST(AppHttp, CloseDelimitedBodyEndsAtOnClose) {
  AppLimits limits;
  AppCounters counters;
  HttpParser p(limits, counters);
  RecordingSink sink;
  p.feed(kReq, bytes("GET / HTTP/1.0\r\n\r\n"), &sink);
  p.feed(kResp, bytes("HTTP/1.0 200 OK\r\nConnection: close\r\n\r\npart one, "), &sink);
  p.feed(kResp, bytes("part two"), &sink);
  EXPECT_EQ(sink.count(AppEventKind::kHttpResponseComplete), 0u);
  p.on_close(kResp, &sink);
  EXPECT_EQ(sink.count(AppEventKind::kHttpResponseComplete), 1u);
  EXPECT_EQ(sink.response_body_chunks, "part one, part two");
}

TEST(AppHttp, AbsoluteUriHostWinsAndFoldedHeaders) {
  AppLimits limits;
  AppCounters counters;
  HttpParser p(limits, counters);
  p.feed(kReq, bytes("GET HTTP://Proxy.Example.org:3128/path/../x HTTP/1.1\r\nHost: other\r\n"
                     "X-Long: first\r\n  second\r\nNoColonLine\r\n\r\n"),
         nullptr);
  ASSERT_EQ(p.transactions().size(), 1u);
  const HttpTx& tx = p.transactions().front();
  EXPECT_EQ(tx.http_host(), "proxy.example.org");
  EXPECT_EQ(tx.http_uri(), "/x");
  EXPECT_EQ(tx.request.header("x-long"), "first\r\n  second");
  EXPECT_EQ(counters.http_folded_header, 1u);
  EXPECT_EQ(counters.http_bad_header_line, 1u);
}

TEST(AppHttp, MalformedInputStopsTheDirectionAndCounts) {
  AppLimits limits;
  limits.http_max_header_bytes = 256;
  AppCounters counters;
  {
    HttpParser p(limits, counters);
    p.feed(kReq, bytes(std::string("\x16\x03\x01 binary\r\n\r\n", 14)), nullptr);
    EXPECT_EQ(counters.http_bad_request_line, 1u);
    p.feed(kReq, bytes("GET / HTTP/1.1\r\n\r\n"), nullptr);
    EXPECT_EQ(counters.http_data_after_error, 1u);
  }
  {
    HttpParser p(limits, counters);
    std::string big = "GET / HTTP/1.1\r\nX: " + std::string(1000, 'a');
    p.feed(kReq, bytes(big), nullptr);
    EXPECT_EQ(counters.http_header_too_long, 1u);
  }
  {
    HttpParser p(limits, counters);
    p.feed(kReq, bytes("GET / HTTP/1.1\r\n\r\n"), nullptr);
    p.feed(kResp, bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), nullptr);
    EXPECT_EQ(counters.http_bad_chunk, 1u);
  }
  {
    HttpParser p(limits, counters);
    p.feed(kReq, bytes("GET / HTTP/1.1\r\n\r\n"), nullptr);
    p.feed(kResp, bytes("SSH-2.0-OpenSSH\r\n\r\n"), nullptr);
    EXPECT_EQ(counters.http_bad_status_line, 1u);
  }
  {
    HttpParser p(limits, counters);
    p.feed(kReq, bytes("GET / HTTP/1.1\r\n\r\n"), nullptr);
    p.feed(kResp, bytes("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\nnot gzip!!"), nullptr);
    EXPECT_EQ(counters.http_decompress_error, 1u);
    EXPECT_TRUE(p.transactions().front().response.complete);
  }
  {
    HttpParser p(limits, counters);
    p.feed(kResp, bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), nullptr);
    EXPECT_EQ(counters.http_response_without_request, 1u);
  }
}

TEST(AppHttp, BareMethodLineAndBareLf) {
  AppLimits limits;
  AppCounters counters;
  HttpParser p(limits, counters);
  p.feed(kReq, bytes("OPTIONS\nHost: www.google.com\n\nOPTIONS HTTP/1.1\r\n\r\n"), nullptr);
  ASSERT_EQ(p.transactions().size(), 2u);
  EXPECT_EQ(p.transactions()[0].http_method(), "OPTIONS");
  EXPECT_EQ(p.transactions()[0].http_uri_raw(), "");
  EXPECT_EQ(p.transactions()[0].http_host(), "www.google.com");
  EXPECT_EQ(p.transactions()[1].http_uri_raw(), "HTTP/1.1");  // as tshark reads it
  EXPECT_EQ(counters.http_bare_lf, 2u);
}

TEST(AppHttp, PendingQueueIsBounded) {
  AppLimits limits;
  limits.http_max_pending_tx = 4;
  AppCounters counters;
  HttpParser p(limits, counters);
  for (int i = 0; i < 20; ++i) p.feed(kReq, bytes("GET /x HTTP/1.1\r\n\r\n"), nullptr);
  EXPECT_LE(p.transactions().size(), 4u);
  EXPECT_EQ(counters.http_too_many_pending, 16u);
  EXPECT_EQ(p.transactions_started(), 20u);
}

TEST(AppHttp, UpgradeStopsParsingQuietly) {
  AppLimits limits;
  AppCounters counters;
  HttpParser p(limits, counters);
  p.feed(kReq, bytes("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"), nullptr);
  p.feed(kResp, bytes("HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x05hello"), nullptr);
  p.feed(kReq, bytes("\x81\x85masked"), nullptr);
  EXPECT_EQ(counters.http_data_after_error, 0u);
  EXPECT_EQ(counters.http_bad_request_line, 0u);
}

// A head the peer ends by closing the connection (FIN) without the blank line is still a head: its start
// line and its complete header lines are parsed and inspected (libhtp does the same), at every split.
TEST(AppHttp, HeadCutByCloseIsParsed) {
  const std::string req = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string resp = "HTTP/1.0 200 OK\nServer:ng1nx\r\n";  // bare LF, no blank line, then FIN
  for (size_t split = 0; split <= resp.size(); ++split) {
    AppLimits limits;
    AppCounters counters;
    HttpParser p(limits, counters);
    RecordingSink sink;
    std::string server, status;
    sink.extra = [&](const AppEvent& e) {
      if (e.kind == AppEventKind::kHttpResponseHeaders) {
        server = std::string(e.http->response.header("Server"));
        status = std::string(e.http->http_stat_code());
      }
    };
    p.feed(kReq, bytes(req), &sink);
    p.feed(kResp, bytes(std::string_view(resp).substr(0, split)), &sink);
    p.feed(kResp, bytes(std::string_view(resp).substr(split)), &sink);
    EXPECT_EQ(sink.count(AppEventKind::kHttpResponseHeaders), 0u) << split;
    p.on_close(kResp, &sink);
    ASSERT_EQ(sink.count(AppEventKind::kHttpResponseHeaders), 1u) << split;
    EXPECT_EQ(sink.count(AppEventKind::kHttpResponseComplete), 1u) << split;
    EXPECT_EQ(server, "ng1nx");
    EXPECT_EQ(status, "200");
    EXPECT_EQ(counters.http_head_cut_by_close, 1u);
  }
}

// A request whose headers never end (the client stops after a header line; the flow then ends): the
// request line and the headers seen are inspected when the stream closes.
TEST(AppHttp, RequestHeadCutByCloseKeepsUriAndHeaders) {
  AppLimits limits;
  AppCounters counters;
  HttpParser p(limits, counters);
  RecordingSink sink;
  std::string uri, ua, host;
  sink.extra = [&](const AppEvent& e) {
    if (e.kind == AppEventKind::kHttpRequestHeaders) {
      uri = std::string(e.http->http_uri());
      ua = std::string(e.http->http_user_agent());
      host = std::string(e.http->http_host());
    }
  };
  p.feed(kReq, bytes("POST /normalized%20uri HTTP/1.0\r\nUser-Agent: Mozilla/1.0\r\nHost: ex"), &sink);
  EXPECT_EQ(sink.count(AppEventKind::kHttpRequestHeaders), 0u);
  p.on_close(kReq, &sink);
  ASSERT_EQ(sink.count(AppEventKind::kHttpRequestHeaders), 1u);
  EXPECT_EQ(uri, "/normalized uri");
  EXPECT_EQ(ua, "Mozilla/1.0");
  EXPECT_EQ(host, "ex");  // the cut line is kept as it is
  EXPECT_EQ(sink.count(AppEventKind::kHttpRequestComplete), 1u);
  // Closing again, or a close with nothing (or only CR/LF) pending, emits nothing.
  p.on_close(kReq, &sink);
  HttpParser q(limits, counters);
  q.feed(kReq, bytes("\r\n"), &sink);
  q.on_close(kReq, &sink);
  EXPECT_EQ(sink.count(AppEventKind::kHttpRequestHeaders), 1u);
  EXPECT_EQ(counters.http_head_cut_by_close, 1u);
}

}  // namespace
}  // namespace picket::app
