#!/usr/bin/env python3
"""Conformance runner: replays suricata-verify style tests through picket-agent and checks the alerts.

Each test folder (found recursively under the corpus) holds a pcap, a rules file, expected.json (alert
filters derived from suricata-verify's test.yaml) and optionally suricata_args / suricata.yaml. For every
test the runner starts `picket-agent --read-pcap PCAP --rules RULES --eve-log OUT` with only those inputs
(suricata_args and suricata.yaml settings mapped to Picket's keys), then applies every expected filter the
way suricata-verify does: event_type alert, the sid, every extra field, and the exact count. A test that
needs a setting Picket does not implement is reported `unsupported`, never `passed`.

Prints one line per test, then `N passed, M failed` (plus unsupported), and the pass share among the tests
that expect at least one alert.

  python3 tests/conformance/suricata_verify.py --agent build/asan/agent/cmd/picket-agent \
      --corpus ../shared/corpus/suricata-verify [--min-passed N] [--min-alert-passed N] [--only NAME] [--keep]
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import yaml  # python3-yaml
except ImportError:  # pragma: no cover
    yaml = None

TARGET_VERSION = (8, 0, 0)

# suricata_args / --set keys Picket implements (Suricata name -> Picket key, or None to pass as is).
SET_MAP = {
    "stream.midstream": "stream.midstream",
    "stream.async-oneside": "stream.async-oneside",
    "flow.hash-size": "flow.hash-size",
    "vlan.use-for-tracking": "vlan.use-for-tracking",
    "threshold-file": "threshold-file",
    "app-layer.protocols.http.libhtp.default-config.response-body-limit": "app.http.response-body-limit",
    "app-layer.protocols.http.libhtp.default-config.request-body-limit": "app.http.request-body-limit",
}
# Settings Picket always behaves as (value as written in suricata_args / suricata.yaml). Picket hands
# reassembled TCP data to the app layer and the rules as soon as it is in order, without waiting for the
# ACK, which is what Suricata does with stream.inline enabled.
# Likewise: HTTP parsing is always on; Picket has no exception policies, which is what "ignore" (and
# "auto", which means ignore in IDS mode) asks for.
_TRUE = {"true", "yes", "True", "1"}
SET_FIXED = {"stream.inline": _TRUE, "app-layer.protocols.http.enabled": _TRUE,
             "exception-policy": {"auto", "ignore"}, "stream.midstream-policy": {"auto", "ignore"}}
# Settings that do not change which alerts are raised.
SET_IGNORE = {"stats.decoder-events", "pcap-file.delete-when-done", "decoder.vxlan.enabled"}
# suricata.yaml top-level sections that only configure outputs/logging.
YAML_IGNORE = {"outputs", "logging", "default-log-dir", "include", "stats", "unix-command", "pcap-file",
               "default-rule-path", "rule-files", "classification-file", "reference-config-file", "profiling"}


def parse_version(v):
    parts = str(v).split(".")
    out = []
    for p in parts[:3]:
        digits = "".join(ch for ch in p if ch.isdigit())
        out.append(int(digits) if digits else 0)
    while len(out) < 3:
        out.append(0)
    return tuple(out)


def version_ok(req):
    """True when the (test or filter) requirement admits Suricata 8; None with a reason when unsupported."""
    if not req:
        return True, ""
    for k, v in req.items():
        if k == "min-version" and parse_version(v) > TARGET_VERSION:
            return False, "requires min-version %s" % v
        if k == "lt-version" and parse_version(v) <= TARGET_VERSION:
            return False, "requires lt-version %s" % v
        if k == "gt-version" and parse_version(v) >= TARGET_VERSION:
            return False, "requires gt-version %s" % v
        if k == "version" and parse_version(v)[0] != TARGET_VERSION[0]:
            return False, "requires version %s" % v
        if k not in ("min-version", "lt-version", "gt-version", "version"):
            return None, "requires %s" % k
    return True, ""


def flatten(prefix, node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            flatten(prefix + "." + str(k) if prefix else str(k), v, out)
    else:
        out[prefix] = node


def map_settings(test_dir, exp):
    """Returns (list of --set KEY=VALUE, unsupported reason or '')."""
    sets = []
    args = exp.get("suricata_args") or []
    toks = []
    for a in args:
        toks.extend(a.replace("${TEST_DIR}", test_dir).split())
    i = 0
    while i < len(toks):
        t = toks[i]
        if t == "-k" and i + 1 < len(toks):
            if toks[i + 1] not in ("none", "all", "auto"):
                return sets, "-k %s" % toks[i + 1]
            sets.append("decoder.checksum-checks=%s" % toks[i + 1])
            i += 2
            continue
        if t == "--set" and i + 1 < len(toks):
            key, _, val = toks[i + 1].partition("=")
            i += 2
            if key in SET_IGNORE:
                continue
            if key in SET_FIXED and val in SET_FIXED[key]:
                continue
            if key not in SET_MAP:
                return sets, "setting %s" % key
            if key == "threshold-file" and not os.path.isabs(val):
                val = os.path.join(test_dir, val)
            sets.append("%s=%s" % (SET_MAP[key], val))
            continue
        return sets, "argument %s" % t
    if exp.get("has_suricata_yaml"):
        path = os.path.join(test_dir, "suricata.yaml")
        if yaml is None:
            return sets, "suricata.yaml (python3-yaml missing)"
        with open(path) as f:
            text = f.read()
        # suricata.yaml starts with a %YAML directive that PyYAML accepts; keep only the document.
        doc = yaml.safe_load(text) or {}
        for top, val in doc.items():
            if top == "outputs":
                sets.extend(eve_output_settings(val))
                continue
            if top in YAML_IGNORE:
                continue
            if top == "vars" and isinstance(val, dict):
                for group in ("address-groups", "port-groups"):
                    for name, expr in (val.get(group) or {}).items():
                        sets.append("vars.%s.%s=%s" % (group, name, expr))
                continue
            flat = {}
            flatten(top, val, flat)
            for key, v in flat.items():
                if key in SET_IGNORE:
                    continue
                if key in SET_FIXED and str(v) in SET_FIXED[key]:
                    continue
                if key in SET_MAP:
                    if isinstance(v, bool):
                        v = "true" if v else "false"
                    sets.append("%s=%s" % (SET_MAP[key], v))
                    continue
                return sets, "suricata.yaml %s" % key
    return sets, ""


# outputs.eve-log options that change what an alert event carries (Suricata name -> Picket key).
EVE_ALERT_MAP = {"payload": "outputs.eve.alert.payload", "payload-printable": "outputs.eve.alert.payload-printable",
                 "packet": "outputs.eve.alert.packet", "metadata": "outputs.eve.alert.metadata"}


def yaml_bool(v):
    if isinstance(v, bool):
        return v
    return str(v).lower() in ("yes", "true", "on", "1")


def eve_output_settings(outputs):
    """--set values for the eve-log alert options of a suricata.yaml `outputs` list (other outputs only
    configure logging and are ignored)."""
    sets = []
    for item in outputs or []:
        if not isinstance(item, dict) or not isinstance(item.get("eve-log"), dict):
            continue
        eve = item["eve-log"]
        if "ethernet" in eve:
            sets.append("outputs.eve.ethernet=%s" % ("true" if yaml_bool(eve["ethernet"]) else "false"))
        for t in eve.get("types") or []:
            if not isinstance(t, dict) or not isinstance(t.get("alert"), dict):
                continue
            for k, v in t["alert"].items():
                if k in EVE_ALERT_MAP:
                    # metadata may be a mapping of sub-options: present means on.
                    on = True if isinstance(v, dict) else yaml_bool(v)
                    sets.append("%s=%s" % (EVE_ALERT_MAP[k], "true" if on else "false"))
    return sets


def get_field(ev, path):
    cur = ev
    for part in path.split("."):
        if part == "__len":
            # suricata-verify: the length of the value (string, list or object) reached so far.
            if isinstance(cur, (str, list, dict)):
                cur = len(cur)
                continue
            return KeyError
        idx = None
        if part.endswith("]") and "[" in part:
            part, _, rest = part.partition("[")
            idx = int(rest[:-1])
        if not isinstance(cur, dict) or part not in cur:
            return KeyError
        cur = cur[part]
        if idx is not None:
            if not isinstance(cur, list) or idx >= len(cur):
                return KeyError
            cur = cur[idx]
    return cur


def field_matches(ev, key, want):
    if key == "has-key":
        return get_field(ev, want) is not KeyError
    if key == "not-has-key":
        return get_field(ev, want) is KeyError
    have = get_field(ev, key)
    if have is KeyError:
        return False
    if isinstance(want, bool) or isinstance(have, bool):
        return bool(have) == bool(want) if isinstance(want, (bool, int)) and isinstance(have, (bool, int)) else have == want
    if isinstance(want, (int, float)) and isinstance(have, (int, float)):
        return have == want
    return str(have) == str(want)


def run_test(agent, test_dir, exp, keep, timeout):
    ok, why = version_ok(exp.get("requires") or {})
    if not ok:
        return "unsupported", why or "requires"
    sets, why = map_settings(test_dir, exp)
    if why:
        return "unsupported", why
    filters = []
    for f in exp.get("expected_alerts", []):
        fok, fwhy = version_ok(f.get("requires") or {})
        if fok is None:
            return "unsupported", fwhy
        if fok:
            filters.append(f)
    work = tempfile.mkdtemp(prefix="picket-sv-")
    try:
        eve = os.path.join(work, "eve.json")
        cmd = [agent, "--read-pcap", os.path.join(test_dir, exp["pcap"]),
               "--rules", os.path.join(test_dir, exp["rules_file"]), "--eve-log", eve, "--eve-types", "alert"]
        for s in sets:
            cmd += ["--set", s]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "failed", "picket-agent timed out"
        if p.returncode != 0:
            return "failed", "picket-agent exit %d: %s" % (p.returncode, (p.stderr or "").strip().splitlines()[-1:] )
        alerts = []
        if os.path.exists(eve):
            with open(eve) as f:
                for line in f:
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        ev = json.loads(line)
                    except ValueError:
                        return "failed", "bad EVE line"
                    if ev.get("event_type") == "alert":
                        alerts.append(ev)
        problems = []
        for f in filters:
            sid = f.get("sid")
            extra = f.get("extra_match") or {}
            n = 0
            for ev in alerts:
                if sid is not None and ev.get("alert", {}).get("signature_id") != sid:
                    continue
                if all(field_matches(ev, k, v) for k, v in extra.items()):
                    n += 1
            if n != f["count"]:
                problems.append("sid %s%s: expected %d got %d" % (
                    sid, " " + ",".join(sorted(extra)) if extra else "", f["count"], n))
        if problems:
            return "failed", "; ".join(problems)
        return "passed", ""
    finally:
        if keep:
            print("  kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--agent", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--min-passed", type=int, default=0, help="exit 1 when fewer tests pass (CI regression guard)")
    ap.add_argument("--min-alert-passed", type=int, default=0,
                    help="exit 1 when fewer of the tests that expect an alert pass (CI regression guard)")
    ap.add_argument("--json", help="write per-test results here")
    a = ap.parse_args()
    a.corpus = os.path.abspath(a.corpus)
    if not os.path.isdir(a.corpus):
        print("corpus not found: %s" % a.corpus)
        return 77 if os.environ.get("CI") != "true" else 1
    tests = []
    for root, _, files in os.walk(a.corpus):
        if "expected.json" in files:
            tests.append(root)
    tests.sort()
    results = {}
    counts = {"passed": 0, "failed": 0, "unsupported": 0}
    expecting = [0, 0]  # [passed, total] among tests that expect at least one alert
    for t in tests:
        name = os.path.basename(t)
        if a.only and name not in a.only:
            continue
        with open(os.path.join(t, "expected.json")) as f:
            exp = json.load(f)
        status, why = run_test(a.agent, t, exp, a.keep, a.timeout)
        counts[status] += 1
        results[name] = {"status": status, "reason": why}
        if any(f.get("count", 0) > 0 for f in exp.get("expected_alerts", [])):
            expecting[1] += 1
            expecting[0] += status == "passed"
        print("%-11s %s%s" % (status, name, ": " + why if why else ""), flush=True)
    total = counts["passed"] + counts["failed"] + counts["unsupported"]
    print("%d passed, %d failed, %d unsupported (of %d; %.1f%% passed)" % (
        counts["passed"], counts["failed"] + counts["unsupported"], counts["unsupported"], total,
        100.0 * counts["passed"] / max(total, 1)))
    print("tests expecting at least one alert: %d of %d passed (%.1f%%)" % (
        expecting[0], expecting[1], 100.0 * expecting[0] / max(expecting[1], 1)))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    ok = True
    if counts["passed"] < a.min_passed:
        print("FAIL: %d passed, below the floor of %d" % (counts["passed"], a.min_passed))
        ok = False
    if expecting[0] < a.min_alert_passed:
        print("FAIL: %d alert-expecting tests passed, below the floor of %d" % (expecting[0], a.min_alert_passed))
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
