"""The only part of sora_widgets that speaks HTTP: calls, retry and poll policies, downloads."""

from .http import Answer, HttpxTransport, Transport, clean_api_key, parse_retry_after
from .poll import Observation, PollPolicy, PollSchedule, next_delay, predict_completion
from .retry import (
    RateGate,
    backoff_delay,
    create_may_retry,
    create_outcome_unknown,
    create_retrying,
    poll_may_retry,
    poll_retrying,
    retry_delay,
)

__all__ = [
    "Answer",
    "HttpxTransport",
    "Observation",
    "PollPolicy",
    "PollSchedule",
    "RateGate",
    "Transport",
    "backoff_delay",
    "clean_api_key",
    "create_may_retry",
    "create_outcome_unknown",
    "create_retrying",
    "next_delay",
    "parse_retry_after",
    "poll_may_retry",
    "poll_retrying",
    "predict_completion",
    "retry_delay",
]
