#pragma once
// Application-layer events as Inspectors receive them: the app layer's own event (agent/app/app_event.h),
// with `const HttpTx*`, `const DnsMessage*` or `const TlsParser*` and body chunks. Use agent/app/buffers.h
// to fetch Suricata sticky buffers from them. Everything an event points to is valid only during the
// Inspector call that receives it; copy what you need to keep.
//
// Detection sees the real bytes; only what is logged or sent (EVE, payload excerpts) is redacted, by the
// output side.
#include "agent/app/app_event.h"
#include "agent/app/dns.h"
#include "agent/app/http.h"
#include "agent/app/tls.h"

namespace picket::pipeline {

using AppEvent = app::AppEvent;
using AppEventKind = app::AppEventKind;

}  // namespace picket::pipeline
