"""One HTTP client for both APIs: retries on 429 and 5xx (and on connection errors and timeouts), honouring
``Retry-After``, with a bounded number of attempts and a bounded total wait, through tenacity.

Why these rules: both ACLED and UCDP rate-limit (UCDP documents a daily request quota; ACLED answers 429 when
asked too fast), and a 5xx from either is usually a passing overload. A 4xx other than 429 is the caller's
business (401: renew the token; 400: a wrong query) and is returned, never retried.

The waits are injectable (``RetryPolicy.sleep``) so tests run in milliseconds; the total wait counts what was
slept, not wall time, so an injected sleep keeps the same bound.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type

USER_AGENT = "mali-civilian-harm (python httpx)"


class FetchError(Exception):
    """The API could not be reached or kept failing after the retries: exit 1, nothing replaced."""


class CredentialsError(Exception):
    """Missing or refused credentials: exit 2. The message names the variable to set and never a secret."""


class _Retryable(Exception):
    def __init__(self, response: httpx.Response):
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.retry_after = retry_after_seconds(response.headers.get("Retry-After"))


@dataclass
class RetryPolicy:
    #: Attempts per request, the first included.
    attempts: int = 6
    #: Seconds slept across the retries of one request, at most; a Retry-After beyond it ends the retries.
    max_total_wait: float = 300.0
    #: Exponential backoff without Retry-After: base, 2 x base, 4 x base ... capped at ``cap``.
    base: float = 2.0
    cap: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    #: Seconds for connecting and for each read.
    timeout: float = 60.0


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: delay-seconds or an HTTP date (RFC 9110, 10.2.3); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def _describe(error: BaseException) -> str:
    if isinstance(error, _Retryable):
        return f"the server answered HTTP {error.response.status_code}"
    if isinstance(error, httpx.TimeoutException):
        return "the request timed out"
    return f"no connection ({type(error).__name__}: {error})"


class Http:
    """``request()`` returns the response for any status below 500 but 429, after retrying the others."""

    def __init__(self, policy: RetryPolicy | None = None, client: httpx.Client | None = None):
        self.policy = policy or RetryPolicy()
        self.client = client or httpx.Client(
            timeout=self.policy.timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _next_wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            return error.retry_after
        return min(self.policy.cap, self.policy.base * 2 ** (state.attempt_number - 1))

    def _stop(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self.policy.attempts:
            return True
        return state.idle_for + self._next_wait(state) > self.policy.max_total_wait

    def request(self, method: str, url: str, *, what: str, **kwargs) -> httpx.Response:
        """``what`` names the request in messages ("ACLED events, page 3")."""

        def attempt() -> httpx.Response:
            response = self.client.request(method, url, **kwargs)
            if response.status_code == 429 or response.status_code >= 500:
                raise _Retryable(response)
            return response

        retrying = Retrying(
            retry=retry_if_exception_type((_Retryable, httpx.TransportError)),
            stop=self._stop,
            wait=self._next_wait,
            sleep=self.policy.sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except (_Retryable, httpx.TransportError) as error:
            state = retrying.statistics
            raise FetchError(
                f"{what}: {_describe(error)}; gave up after {state.get('attempt_number', 1)} attempt(s) and "
                f"{state.get('idle_for', 0.0):.0f} s of waiting. Nothing was replaced."
            ) from None


@contextmanager
def given_or_own(http: Http | None) -> Iterator[Http]:
    """``http`` as given (whoever made it closes it), or a client of our own, closed when the block ends."""
    if http is not None:
        yield http
        return
    with Http() as own:
        yield own


def base_url(environ: Mapping[str, str], variable: str, default: str) -> str:
    """The API's address: the one ``variable`` names in the environment (a test server, a mirror), else ``default``."""
    return (environ.get(variable) or default).rstrip("/")
