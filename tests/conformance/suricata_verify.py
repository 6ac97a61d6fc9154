#!/usr/bin/env python3
"""Conformance runner: replays suricata-verify style tests through picket-agent and checks the alerts.

Each test folder (found recursively under the corpus) holds a pcap, a rules file, expected.json (alert
filters derived from suricata-verify's test.yaml) and optionally suricata_args / suricata.yaml. For every
test the runner starts `picket-agent --read-pcap PCAP --rules RULES --eve-log OUT` with only those inputs
(suricata_args and suricata.yaml settings mapped to Picket's keys), then applies every expected filter the
way suricata-verify does: event_type alert, the sid, every extra field, and the exact count. A test that
needs a setting Picket does not implement is reported `unsupported`, never `passed`. A test's
`requires: min-version` / `version` is not a reason to skip it (Picket is not Suricata: such a test runs
and passes only when Picket behaves as it expects); `lt-version` / `gt-version`, features, settings and
scripts still are, and filter-level version gates still choose Suricata 8's expectations.

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
    "stream.inline": "stream.inline",
    "flow.hash-size": "flow.hash-size",
    "vlan.use-for-tracking": "vlan.use-for-tracking",
    "threshold-file": "threshold-file",
    "app-layer.protocols.http.libhtp.default-config.response-body-limit": "app.http.response-body-limit",
    "app-layer.protocols.http.libhtp.default-config.request-body-limit": "app.http.request-body-limit",
    "app-layer.protocols.dns.detection-ports.dp": "app.dns.detection-ports",
    "app-layer.protocols.tls.encryption-handling": "app.tls.encryption-handling",
    "app-layer.protocols.http2.enabled": "app.http2.enabled",
    "app-layer.protocols.pgsql.enabled": "app.pgsql.enabled",
    # Exception policies (IDS mode semantics; agent/flow/flow_table.h), rule action order and alert queue
    # size (agent/detect/config.h). Not detect.guess-applayer-tx: Picket does not attach a transaction to
    # alerts of rules without app-layer keywords.
    "stream.midstream-policy": "stream.midstream-policy",
    "exception-policy": "exception-policy",
    "action-order": "action-order",
    "packet-alert-max": "packet-alert-max",
}
# host-os-policy: per-host TCP overlap policies (agent/stream/os_policy.h); a list value is passed as a
# YAML flow sequence.
for _os in ("bsd", "bsd-right", "old-linux", "linux", "old-solaris", "solaris", "hpux10", "hpux11", "irix",
            "macos", "windows", "vista", "windows2k3", "first", "last"):
    SET_MAP["host-os-policy." + _os] = "host-os-policy." + _os
# Mapped settings of which Picket implements only some values.
SET_VALUES = {"app-layer.protocols.tls.encryption-handling": {"bypass", "full"}}
# Settings Picket always behaves as (value as written in suricata_args / suricata.yaml): HTTP parsing is
# always on.
_TRUE = {"true", "yes", "True", "1"}
SET_FIXED = {"app-layer.protocols.http.enabled": _TRUE}
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


def version_ok(req, test_level=False):
    """True when the (test or filter) requirement admits Suricata 8; None with a reason when unsupported.

    At test level a `min-version` / `version` gate is only a hint that the test exercises behaviour added
    in that Suricata release: Picket is not Suricata, so the test runs and passes only if Picket behaves
    as it expects. Filter-level gates still choose between alternative expectations (Suricata 8's)."""
    if not req:
        return True, ""
    for k, v in req.items():
        if test_level and k in ("min-version", "version"):
            continue
        if k == "min-version" and parse_version(v) > TARGET_VERSION:
            return False, "requires min-version %s" % v
        if k == "lt-version" and parse_version(v) <= TARGET_VERSION:
            return False, "requires lt-version %s" % v
        if k == "gt-version" and parse_version(v) >= TARGET_VERSION:
            return False, "requires gt-version %s" % v
        if k == "version" and parse_version(v)[0] != TARGET_VERSION[0]:
            return False, "requires version %s" % v
        if k == "script":
            for script in (v if isinstance(v, list) else [v]):
                held = script_holds(script)
                if held is None:
                    return None, "requires script"
                if not held:
                    return False, "requires script: %s" % script
            continue
        if k not in ("min-version", "lt-version", "gt-version", "version"):
            return None, "requires %s" % k
    return True, ""


# `requires: script:` lines probe the Suricata source tree the test runs against (feature checks). With
# --suricata-src DIR the runner runs them there (Suricata 8's tree: the target); without it, only the
# probes listed here are answered, with their result on Suricata 8.0's source (checked by hand: a line
# that is not listed makes the test `unsupported`, never `passed`).
SURICATA_SRC = None
TARGET_SCRIPTS = {
    # src/output-json-alert.c defines METADATA_DEFAULTS (flow, app-layer, rule metadata) in 8.0.
    "grep METADATA_DEFAULTS src/output-json-alert.c > /dev/null": True,
}


def script_holds(script):
    if SURICATA_SRC:
        return subprocess.run(script, shell=True, cwd=SURICATA_SRC, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    return TARGET_SCRIPTS.get(script.strip())


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
            if key in SET_VALUES and val not in SET_VALUES[key]:
                return sets, "setting %s=%s" % (key, val)
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
                    if isinstance(v, list):
                        v = "[" + ", ".join(json.dumps(str(x)) for x in v) + "]"
                    if key in SET_VALUES and str(v) not in SET_VALUES[key]:
                        return sets, "suricata.yaml %s=%s" % (key, v)
                    if isinstance(v, list):  # action-order: a YAML flow sequence
                        v = "[%s]" % ", ".join(str(x) for x in v)
                    sets.append("%s=%s" % (SET_MAP[key], v))
                    continue
                return sets, "suricata.yaml %s" % key
    return sets, ""


# outputs.eve-log options that change what an alert event carries (Suricata name -> Picket key).
EVE_ALERT_MAP = {"payload": "outputs.eve.alert.payload", "payload-printable": "outputs.eve.alert.payload-printable",
                 "packet": "outputs.eve.alert.packet", "metadata": "outputs.eve.alert.metadata",
                 "verdict": "outputs.eve.alert.verdict"}


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
                    # metadata may be a mapping of sub-options: present means on (flow, app-layer and
                    # rule metadata, Suricata's defaults), and rule.raw adds the rule's text.
                    on = True if isinstance(v, dict) else yaml_bool(v)
                    sets.append("%s=%s" % (EVE_ALERT_MAP[k], "true" if on else "false"))
                    if k == "metadata" and isinstance(v, dict):
                        rule = v.get("rule") if isinstance(v.get("rule"), dict) else {}
                        if "raw" in rule:
                            sets.append("outputs.eve.alert.rule-raw=%s" % ("true" if yaml_bool(rule["raw"]) else "false"))
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
    # A list of keys (`not-has-key: [flow, pgsql]`): each one must be present / absent.
    if key == "has-key":
        return all(get_field(ev, w) is not KeyError for w in (want if isinstance(want, list) else [want]))
    if key == "not-has-key":
        return all(get_field(ev, w) is KeyError for w in (want if isinstance(want, list) else [want]))
    have = get_field(ev, key)
    if have is KeyError:
        return False
    if isinstance(want, bool) or isinstance(have, bool):
        return bool(have) == bool(want) if isinstance(want, (bool, int)) and isinstance(have, (bool, int)) else have == want
    if isinstance(want, (int, float)) and isinstance(have, (int, float)):
        return have == want
    return str(have) == str(want)


def run_test(agent, test_dir, exp, keep, timeout):
    ok, why = version_ok(exp.get("requires") or {}, test_level=True)
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
    ap.add_argument("--suricata-src", help="a Suricata 8 source tree: run the tests' `requires: script` probes there")
    a = ap.parse_args()
    global SURICATA_SRC
    SURICATA_SRC = a.suricata_src
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
