#!/usr/bin/env python3
"""An authrace driver in Python 3 (standard library only) implementing the `locked` design.

Written from docs/wire-spec.md (auth.json, the token POST, classification, staleness, the lock, the calls) and
docs/driver-protocol.md (the JSON-line framing, held mode, reset). authrace runs it as
    authrace conform --impl 'cmd:python3 examples/python/authrace_driver.py' --variant locked
and test/examples/python-driver.test.ts does the same in CI.

Threads: the main thread reads stdin; each call (auth, refresh, unauthorized) runs in a thread of its own, so
`cached` and control lines are answered while a call is held. A `reset` abandons the held calls: their threads
unwind without printing and without releasing anything (a lock they held stays on disk, as after a crash).
One file on purpose (longer than the project's usual files): a stranger's driver, readable top to bottom.
"""
import argparse
import base64
import calendar
import errno
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

VARIANT = "locked"
CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
TOKEN_URL_DEFAULT = "https://auth.openai.com/oauth/token"
API_PATH = "/backend-api/me"
AUTH_CLAIM = "https://api.openai.com/auth"
AUTH_MODES = ("apikey", "chatgpt", "chatgptAuthTokens")
AUTH_JSON_BYTES_MAX = 1024 * 1024
REQUEST_LINE_BYTES_MAX = 4096
COMMANDS_IN_FLIGHT_MAX = 64
REFRESH_TIMEOUT_S = 30
RESPONSE_BYTES_MAX = 256 * 1024
LAST_REFRESH_MAX_AGE_MS = 8 * 24 * 60 * 60 * 1000
LOCK_RETRY_MIN_S, LOCK_RETRY_MAX_S = 0.010, 0.100
# Not auth.json.lock: Codex 0.171 opens a file of that name in its save (wire-spec section 6).
MKDIR_LOCK_NAME = "auth.json.mkdir-lock"
RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
REASONS = {"refresh_token_expired": "expired", "refresh_token_reused": "exhausted",
           "refresh_token_invalidated": "revoked"}


class Abandoned(Exception):
    """A held call dropped by `reset`: its thread unwinds silently, releasing nothing."""


class CallFailed(Exception):
    def __init__(self, kind, message, reason=None):
        super().__init__(message)
        self.error = {"kind": kind, "message": message}
        if reason is not None:
            self.error["reason"] = reason


# ---- auth.json (wire-spec section 2) ------------------------------------------------------------------------

def jwt_claims(token):
    parts = token.split(".")
    if len(parts) != 3 or parts[1] == "" or parts[2] == "":
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def valid_id_token(token):
    claims = jwt_claims(token)
    if claims is None or not isinstance(claims.get("email"), (str, type(None))):
        return False
    auth = claims.get(AUTH_CLAIM, {})
    if auth is None:
        auth = {}
    if not isinstance(auth, dict):
        return False
    keys = ("chatgpt_account_id", "chatgpt_user_id", "chatgpt_plan_type")
    return all(isinstance(auth.get(key), (str, type(None))) for key in keys)


def epoch_ms(text):
    """RFC 3339 text to epoch milliseconds, or None."""
    match = RFC3339.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
    fraction, zone = match.group(7), match.group(8)
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    millis = int((fraction[1:] + "000")[:3]) if fraction else 0
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return seconds * 1000 + millis


def parse_snapshot(text):
    """The snapshot as a dict, or None when the file is unreadable by the rules of section 2."""
    try:
        root = json.loads(text)
    except ValueError:
        return None
    if not isinstance(root, dict):
        return None
    mode, api_key, tokens, last = (root.get(key) for key in ("auth_mode", "OPENAI_API_KEY", "tokens",
                                                              "last_refresh"))
    if mode is not None and mode not in AUTH_MODES:
        return None
    if not isinstance(api_key, (str, type(None))) or not isinstance(tokens, dict):
        return None
    fields = [tokens.get(key) for key in ("id_token", "access_token", "refresh_token")]
    if not all(isinstance(value, str) for value in fields) or not valid_id_token(fields[0]):
        return None
    account = tokens.get("account_id")
    if not isinstance(account, (str, type(None))):
        return None
    if last is not None and (not isinstance(last, str) or epoch_ms(last) is None):
        return None
    return {"auth_mode": mode, "api_key": api_key, "id_token": fields[0], "access_token": fields[1],
            "refresh_token": fields[2], "account_id": account, "last_refresh": last}


def format_snapshot(snapshot):
    root = {}
    if snapshot["auth_mode"] is not None:
        root["auth_mode"] = snapshot["auth_mode"]
    root["OPENAI_API_KEY"] = snapshot["api_key"]
    root["tokens"] = {"id_token": snapshot["id_token"], "access_token": snapshot["access_token"],
                      "refresh_token": snapshot["refresh_token"], "account_id": snapshot["account_id"]}
    if snapshot["last_refresh"] is not None:
        root["last_refresh"] = snapshot["last_refresh"]
    return json.dumps(root, indent=2)


def rfc3339_now(now_ms):
    seconds, millis = divmod(now_ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % millis


def is_stale(snapshot, now_ms):
    """Section 5, the rule of locked: the access token's `exp` (inclusive), else last_refresh + 8 days (exclusive)."""
    claims = jwt_claims(snapshot["access_token"])
    exp = claims.get("exp") if claims is not None else None
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        return exp * 1000 <= now_ms
    if snapshot["last_refresh"] is None:
        return False
    return epoch_ms(snapshot["last_refresh"]) + LAST_REFRESH_MAX_AGE_MS < now_ms


# ---- the driver's I/O, each port call announced first in held mode --------------------------------------------

class Driver:
    def __init__(self, args):
        self.args = args
        self.held = args.held
        self.out_lock = threading.Lock()
        self.state_lock = threading.Lock()
        self.generation = 0
        self.seq = 0
        self.waiting = {}  # seq -> [threading.Event, abandoned flag]
        self.clock_ms = 0
        self.manager = None
        self.name = args.name or "%s-%d" % (VARIANT, os.getpid())

    def write(self, message):
        with self.out_lock:
            sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
            sys.stdout.flush()

    def now_ms(self):
        return self.clock_ms if self.held else int(time.time() * 1000)

    def hold(self, generation, kind, **fields):
        """Announces a port call and waits for its release (held mode); raises Abandoned after a reset."""
        if not self.held:
            return
        with self.state_lock:
            if generation != self.generation:
                raise Abandoned()
            self.seq += 1
            entry = [threading.Event(), False]
            self.waiting[self.seq] = entry
            event = dict(seq=self.seq, kind=kind, **fields)
        self.write({"held": event})
        entry[0].wait()
        if entry[1]:
            raise Abandoned()

    def control(self, message):
        """Applies a held-mode control line; returns a refusal message or None."""
        cmd = message.get("cmd")
        with self.state_lock:
            if cmd == "clock":
                now = message.get("nowMs")
                if not isinstance(now, int) or isinstance(now, bool) or now < 0:
                    return "clock: nowMs must be a non-negative integer (epoch milliseconds)"
                self.clock_ms = now
                return None
            if cmd == "release":
                entry = self.waiting.pop(message.get("seq"), None)
                if entry is None:
                    return "release: seq %s is not held" % message.get("seq")
                entry[0].set()
                return None
            home = message.get("home")
            if not isinstance(home, str) or home == "":
                return "reset: home must be a non-empty path (the new CODEX_HOME)"
            self.generation += 1
            for entry in self.waiting.values():
                entry[1] = True
                entry[0].set()
            self.waiting.clear()
            self.seq, self.clock_ms, self.manager = 0, 0, None
            generation = self.generation
        threading.Thread(target=self.load, args=(os.path.abspath(home), generation), daemon=True).start()
        return None

    def load(self, home, generation):
        try:
            manager = Manager(self, home, generation)
        except Abandoned:
            return
        with self.state_lock:
            if generation != self.generation:
                return
            self.manager = manager
        ready = {"ready": True, "name": self.name, "variant": VARIANT, "pid": os.getpid()}
        if self.held:
            ready.update(held=True, reset=True)
        self.write(ready)


def mkdir_lock_path(auth_file):
    """auth.json.mkdir-lock in the directory of auth.json's real file (section 6): symlinks resolved, so homes
    sharing one auth.json through a symlink share one lock; realpath also follows a dangling link."""
    return os.path.join(os.path.dirname(os.path.realpath(auth_file)), MKDIR_LOCK_NAME)


class FileLock:
    """proper-lockfile's mkdir lock at auth.json.mkdir-lock (section 6); freshness is mtime against the wall clock."""

    def __init__(self, auth_file, stale_ms, retries):
        self.auth_file, self.stale_ms, self.retries = auth_file, stale_ms, retries
        self.path = mkdir_lock_path(auth_file)
        self.refresher = None

    def acquire(self):
        self.path = mkdir_lock_path(self.auth_file)
        for attempt in range(self.retries + 1):
            if attempt > 0:
                capped = min(LOCK_RETRY_MAX_S, LOCK_RETRY_MIN_S * 2 ** (attempt - 1))
                time.sleep(capped / 2 + random.random() * capped / 2)
            if self.attempt():
                self.keep_fresh()
                return
        raise CallFailed("transient", "cross-process lock not taken: busy after %d retries" % self.retries)

    def attempt(self):
        for reclaim in (True, False):
            try:
                os.mkdir(self.path)
                os.utime(self.path)
                return True
            except OSError as error:
                if error.errno != errno.EEXIST:
                    raise CallFailed("transient", "cross-process lock not taken: %s" % error.strerror)
            if not reclaim:
                return False
            try:
                mtime_ms = os.stat(self.path).st_mtime * 1000
            except FileNotFoundError:
                continue
            if mtime_ms >= time.time() * 1000 - self.stale_ms:
                return False
            try:
                os.rmdir(self.path)
            except FileNotFoundError:
                pass
        return False

    def keep_fresh(self):
        def touch():
            try:
                os.utime(self.path)
            except OSError:
                return
            self.keep_fresh()
        self.refresher = threading.Timer(self.stale_ms / 2000, touch)
        self.refresher.daemon = True
        self.refresher.start()

    def stop_refreshing(self):
        if self.refresher is not None:
            self.refresher.cancel()
            self.refresher = None

    def release(self):
        self.stop_refreshing()
        try:
            os.rmdir(self.path)
        except OSError:
            pass  # gone already: the lock was lost while held; the call's outcome does not change


class Manager:
    """One auth manager of the locked design on one CODEX_HOME (section 7)."""

    def __init__(self, driver, home, generation):
        self.driver, self.home, self.generation = driver, home, generation
        self.file = os.path.join(home, "auth.json")
        self.lock = FileLock(self.file, driver.args.lock_stale_ms, driver.args.lock_retries)
        self.mutex = threading.Lock()
        self.cache, self.poison = None, None
        self.replace_cache(self.read_disk())

    def hold(self, kind, **fields):
        self.driver.hold(self.generation, kind, **fields)

    def replace_cache(self, snapshot):
        if self.cache is not None and snapshot is not None and self.cache == snapshot:
            return
        self.cache, self.poison = snapshot, None

    def read_disk(self):
        self.hold("readDisk")
        try:
            if os.path.getsize(self.file) > AUTH_JSON_BYTES_MAX:
                return None
            with open(self.file, encoding="utf-8") as handle:
                return parse_snapshot(handle.read())
        except (OSError, UnicodeDecodeError):
            return None

    def write_disk(self, snapshot):
        self.hold("writeDisk", mode="atomic")
        self.write_atomic(format_snapshot(snapshot))

    def write_atomic(self, text):
        handle, temp = tempfile.mkstemp(prefix=".auth.json.", dir=self.home)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, 0o600)
            os.replace(temp, self.file)
        except OSError as error:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise CallFailed("persist", "the refreshed tokens were not saved: %s" % error.strerror)

    def post(self, refresh_token):
        """Section 3 and 4: one POST; the answer as ("ok", tokens) or ("permanent"|"transient", summary)."""
        self.hold("sendRefresh", refreshToken=refresh_token)
        answer = self.exchange(refresh_token)
        summary = {key: value for key, value in answer.items() if key != "tokens"}
        self.hold("receiveResponse", response=summary)
        return answer

    def exchange(self, refresh_token):
        url = os.environ.get("CODEX_REFRESH_TOKEN_URL_OVERRIDE") or TOKEN_URL_DEFAULT
        body = json.dumps({"client_id": CLIENT_ID, "grant_type": "refresh_token",
                           "refresh_token": refresh_token}).encode("utf-8")
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=REFRESH_TIMEOUT_S) as response:
                return classify(response.status, response.read(RESPONSE_BYTES_MAX + 1))
        except urllib.error.HTTPError as error:
            return classify(error.code, error.read(RESPONSE_BYTES_MAX + 1))
        except TimeoutError:
            return {"kind": "transient", "status": None, "cause": "timeout"}
        except (urllib.error.URLError, OSError, ValueError):
            return {"kind": "transient", "status": None, "cause": "network"}

    def request_api(self):
        """wire-spec.md, "API request": GET with the cached access token; True on 200, False on 401."""
        access_token = self.cache["access_token"]
        self.hold("sendRequest", accessToken=access_token)
        url = os.environ.get("AUTHRACE_API_URL") or urllib.parse.urljoin(
            os.environ.get("CODEX_REFRESH_TOKEN_URL_OVERRIDE") or TOKEN_URL_DEFAULT, API_PATH)
        request = urllib.request.Request(url, method="GET", headers={
            "Authorization": "Bearer " + access_token, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=REFRESH_TIMEOUT_S) as response:
                response.read(RESPONSE_BYTES_MAX)
                return True
        except urllib.error.HTTPError as error:
            if error.code == 401:
                return False
            raise CallFailed("transient", "API answered HTTP %d" % error.code)
        except (urllib.error.URLError, OSError, ValueError):
            raise CallFailed("transient", "API unreachable")

    # ---- the calls ---------------------------------------------------------------------------------------

    def unauthorized(self):
        """An API request and 401 recovery: Reload (guarded), the request again, then RefreshToken (refresh)."""
        if self.cache is None:
            raise CallFailed("logged-out", "not logged in: no cached auth to send")
        if self.request_api():
            return None
        disk = self.read_disk()
        expected = self.cache["account_id"]
        if expected is None or disk is None or disk["account_id"] != expected:
            raise CallFailed("skipped", "logged out or signed in to another account")
        if disk != self.cache:
            self.replace_cache(disk)
        if self.request_api():
            return None
        self.refresh()
        return None

    def refresh(self):
        with self.mutex:
            self.hold("acquireLock")
            self.lock.acquire()
            failure = None
            try:
                try:
                    self.refresh_under_lock()
                except CallFailed as error:
                    failure = error
                self.release_lock()
            except Abandoned:
                self.lock.stop_refreshing()  # dropped as in a crash: the lock directory stays, unrefreshed
                raise
            if failure is not None:
                raise failure

    def release_lock(self):
        self.hold("releaseLock")
        self.lock.release()

    def refresh_under_lock(self):
        disk = self.read_disk()
        expected = self.cache["account_id"] if self.cache is not None else None
        if expected is None or disk is None or disk["account_id"] != expected:
            raise CallFailed("skipped", "logged out or signed in to another account")
        changed = self.cache != disk
        self.replace_cache(disk)
        if changed and not is_stale(disk, self.driver.now_ms()):
            return
        if not changed and self.poison is not None:
            raise CallFailed("permanent", "not sent: this snapshot's refresh already failed permanently",
                             self.poison)
        answer = self.post(disk["refresh_token"])
        if answer["kind"] == "permanent":
            self.poison = answer["reason"]
            raise CallFailed("permanent", "refresh failed: HTTP 401 %s" % answer["code"], answer["reason"])
        if answer["kind"] == "transient":
            raise CallFailed("transient", "refresh failed: transient %s" % answer["cause"])
        saved = dict(disk, **answer["tokens"], last_refresh=rfc3339_now(self.driver.now_ms()))
        self.write_disk(saved)
        self.replace_cache(saved)

    def auth(self):
        if self.cache is None:
            raise CallFailed("logged-out", "not logged in: no usable auth.json was loaded")
        if self.cache["last_refresh"] is None:
            raise CallFailed("logged-out", "auth.json has no last_refresh: its token is not handed out")
        if not is_stale(self.cache, self.driver.now_ms()):
            return None
        try:
            self.refresh()
        except CallFailed as failure:
            if self.cache is None:
                raise
            return failure.error
        return None


def classify(status, raw):
    if len(raw) > RESPONSE_BYTES_MAX:
        return {"kind": "transient", "status": status, "cause": "decode"}
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        body = None
    if 200 <= status < 300:
        if not isinstance(body, dict):
            return {"kind": "transient", "status": status, "cause": "decode"}
        tokens = {}
        for key in ("id_token", "access_token", "refresh_token"):
            value = body.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or (key == "id_token" and not valid_id_token(value)):
                return {"kind": "transient", "status": status, "cause": "decode"}
            tokens[key] = value
        return {"kind": "ok", "status": status, "tokens": tokens}
    if status == 401:
        code = None
        if isinstance(body, dict):
            error = body.get("error")
            for candidate in (error.get("code") if isinstance(error, dict) else None, error, body.get("code")):
                if isinstance(candidate, str):
                    code = candidate.lower()
                    break
        return {"kind": "permanent", "status": 401, "code": code, "reason": REASONS.get(code, "other")}
    return {"kind": "transient", "status": status, "cause": "status"}


# ---- the JSON-line loop (driver-protocol.md) -------------------------------------------------------------------

def auth_of(driver, manager):
    if manager.cache is None:
        return None
    snapshot = manager.cache
    auth = {"accessToken": snapshot["access_token"], "refreshToken": snapshot["refresh_token"],
            "accountId": snapshot["account_id"], "poisoned": manager.poison is not None}
    if driver.held:
        auth["lastRefresh"] = snapshot["last_refresh"]
    return auth


def run_call(driver, manager, request, in_flight):
    try:
        calls = {"auth": manager.auth, "refresh": manager.refresh, "unauthorized": manager.unauthorized}
        refresh_error = calls[request["cmd"]]()
        reply = {"id": request["id"], "ok": True, "auth": auth_of(driver, manager), "trace": []}
        if reply["auth"] is None:
            reply = {"id": request["id"], "ok": False, "auth": None, "trace": [],
                     "error": {"kind": "logged-out", "message": "not logged in"}}
        elif refresh_error is not None:
            reply["refreshError"] = refresh_error
    except CallFailed as failure:
        reply = {"id": request["id"], "ok": False, "error": failure.error, "auth": auth_of(driver, manager),
                 "trace": []}
    except Abandoned:
        in_flight.discard(threading.current_thread())
        return
    if manager.generation == driver.generation:
        driver.write(reply)
    in_flight.discard(threading.current_thread())


def bad_request(driver, request_id, message):
    driver.write({"id": request_id, "ok": False, "error": {"kind": "bad-request", "message": message},
                  "auth": None, "trace": []})


def serve(driver):
    in_flight = set()
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", "replace").strip()
        if line == "":
            continue
        if len(line.encode("utf-8")) > REQUEST_LINE_BYTES_MAX:
            bad_request(driver, None, "request over %d bytes (REQUEST_LINE_BYTES_MAX)" % REQUEST_LINE_BYTES_MAX)
            continue
        try:
            message = json.loads(line)
        except ValueError:
            bad_request(driver, None, "request is not JSON")
            continue
        if not isinstance(message, dict):
            bad_request(driver, None, "request is not a JSON object")
            continue
        if driver.held and message.get("cmd") in ("release", "clock", "reset"):
            refusal = driver.control(message)
            if refusal is not None:
                bad_request(driver, None, refusal)
            elif message["cmd"] == "reset":
                in_flight.clear()
            continue
        request_id, cmd = message.get("id"), message.get("cmd")
        if not isinstance(request_id, int) or isinstance(request_id, bool):
            bad_request(driver, None, "request id must be an integer")
        elif cmd not in ("auth", "refresh", "unauthorized", "cached", "exit"):
            bad_request(driver, request_id, "cmd must be one of auth, refresh, unauthorized, cached, exit")
        elif cmd == "exit":
            if not driver.held:
                for thread in list(in_flight):
                    thread.join()
            driver.write({"id": request_id, "ok": True, "auth": None, "trace": []})
            return
        elif driver.manager is None:
            bad_request(driver, request_id, "the manager is still loading (wait for the ready line)")
        elif cmd == "cached":
            driver.write({"id": request_id, "ok": True, "auth": auth_of(driver, driver.manager), "trace": []})
        elif len(in_flight) >= COMMANDS_IN_FLIGHT_MAX:
            bad_request(driver, request_id, "%d commands in flight (COMMANDS_IN_FLIGHT_MAX)" % len(in_flight))
        else:
            thread = threading.Thread(target=run_call, daemon=True,
                                      args=(driver, driver.manager, message, in_flight))
            in_flight.add(thread)
            thread.start()
    if not driver.held:
        for thread in list(in_flight):
            thread.join()


def integer_in(low, high):
    def parse(text):
        if not re.fullmatch(r"\d+", text) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError("'%s' is not an integer in [%d, %d]" % (text, low, high))
        return int(text)
    return parse


def arguments(argv):
    parser = argparse.ArgumentParser(description="authrace driver (locked design) in Python")
    parser.add_argument("--home", default=os.environ.get("CODEX_HOME"))
    parser.add_argument("--name")
    parser.add_argument("--held", action="store_true")
    parser.add_argument("--lock-stale-ms", type=integer_in(2000, 86400000), default=10000)
    parser.add_argument("--lock-retries", type=integer_in(0, 200), default=200)
    args = parser.parse_args(argv)  # a bad option: usage on stderr, exit 2
    if not args.home:
        parser.error("no --home and no CODEX_HOME")
    args.home = os.path.abspath(args.home)
    return args


def main(argv, driver_class=Driver):
    driver = driver_class(arguments(argv))
    if driver.held:
        threading.Thread(target=driver.load, args=(driver.args.home, 0), daemon=True).start()
    else:
        driver.load(driver.args.home, 0)
    serve(driver)
    sys.stdout.flush()
    os._exit(0)  # held calls may still wait on their events: end without joining them


if __name__ == "__main__":
    main(sys.argv[1:])
