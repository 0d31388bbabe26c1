"""When to poll next: a pure function of what has been seen so far and the time now.

Progress is evidence, not a clock. Services report it in many ways: noisy, in an S-curve, in
steps, stalling and catching up, 0 while queued, held just below 1 while the file is prepared,
or not at all. The vendor CLI polls every 5 s whatever it sees; this schedule spends its polls
where the evidence says the end may be, and never sleeps longer than that evidence supports:

1. **Bounded trust** (:func:`longest_sleep`). With no usable progress (missing, 0 while
   queued, fewer than ``trust_samples`` rising samples, or held just below 1) no sleep is longer
   than a bounded interval (``blind_interval``; ``queued_interval`` at progress 0). Once
   progress has been seen rising, a sleep is at most ``horizon`` times the span over which it
   was seen rising (at most ``max_interval``), less the time since it last rose: a rate is
   never extrapolated much further ahead than it was observed, and polls that saw nothing new
   (progress missing, or no higher) use that trust up; polls without progress do not while
   the service has shown that rhythm (no more of them in a row than it skipped before); even
   then :func:`next_delay` sleeps at most that trust less ``silent_use`` of the time since
   progress last rose (a rate seen early is not extrapolated over many silent polls). After
   a fall, trust also counts from the fall (``fall_trust``; only ever tighter).
2. **The trend** (:func:`forecast`): a straight line fitted to the latest samples, so that
   noise (estimated from the samples themselves) averages out; a fall further than the noise
   explains (a stage restarting: two samples below the top, or one far below the line through
   the samples before it, judged with the noise as seen then: ``fall_as_seen``) starts a new
   trend. A fall or a stall does not move the end: the trend before it still predicts it
   (``fall_before``, ``land_before``; see 4). It gives the
   likely end and the earliest plausible one (the fastest rate any recent stretch proves,
   raised by ``min_spread``; with ``recent_level``, also from the level of the line through the
   last few samples alone, where the straight stretch is longer and may lag them). The
   schedule never sleeps past the earliest plausible end plus ``notice``, lands one poll just
   after the likely end, and, if the task is still running then, polls densely and then in
   proportion to how overdue it is, up to ``blind_interval``.
   A first value at ``near_done`` far above the trend before it (``near_outran``: progress
   sped up between reports) is polled at that pace from its time, whatever the old trend's
   end.
3. **The end's interval** (``end_sd``): where a line fitted to the latest straight stretch
   reaches 1, ``end_sd`` standard errors either way, its spread taken from its residuals (at
   least the noise), so that a bending curve widens it. Reported progress stops just below 1
   (0.99), so values at or above ``near_done`` are taken as censored (progress plus noise
   reached at least that), not as the level. Within the interval a poll comes every
   ``end_spacing`` (for at most ``end_width``, or ``end_renew`` after the latest report, so a
   service that reports every few polls, or a curve's slow tail, keeps it dense), before it no
   sleep goes past its start plus ``notice``; where the rate is not surely positive but the
   level's band reaches 1, the end is plausible at any moment from the first sample that close
   to 1. Optionally (``end_before``) the interval of the trend before a slowdown widens it.
4. **Dark stretches**: where progress says nothing about the end, polls come at least every
   ``flat_interval`` (a plateau or a slowdown: a stall, a level, a hold, which may end at any
   moment and at any speed) or ``step_interval`` (progress has moved in jumps, and what is left
   is no more than one of them; a jump stands alone: faster than the intervals next to it
   (optionally, ``jump_heard``, not a rise across polls that saw no progress),
   and the level after it holds, where a rise spread over the polls after it (``curve_share``
   of the jump; optionally, ``curve_from``, counted from the latest rise of half a jump) is a
   curve's fast stretch). A stall may end in a catch-up back to the trend it
   interrupted: the schedule never sleeps past the earliest plausible end of that trend plus
   ``notice`` (while the stall is recent), and polls every ``step_interval`` if still stalled
   past it. Once the catch-up has risen, progress is no longer flat, but a stall seen at one of
   the last few samples after a straight trend (``catch_up_bound``) still bounds the sleep as
   while flat. The trend before a fall bounds the sleep too (a restarted stage must still end
   by then). Once progress rises again after a stall (or after a fall and its recovery hidden
   between two polls), one poll lands just after the likely end by the trend before it, and
   past it polls come as overdue for at most ``end_width``. So does the trend before one
   interval that rose less than half what it predicts (``slow_before``). Past the predicted
   end, a report that breaks a run of silent polls restarts the overdue pace (``report_renews``).
5. Never sooner than the server's ``Retry-After``, never past our own deadline.

Two guards against noticing an end later than a fixed 5 s loop would are off by default (they
cost requests): ``left_rise`` (what is left could be one rise like the largest seen between two
polls) and ``dark_above`` (progress high enough to be a hold) each cap the sleep at
``blind_interval``.

Only observed progress and time are used. ``python -m benchmarks.polling`` measures it on a
family of progress models (tuned on one set of seeds, reported on another) next to fixed 5 s
and 1 s loops; the figures and one picture per kind are in benchmarks/README.md.

Nothing here sleeps or reads a clock: the caller passes ``now``, so tests assert exact
schedules without waiting.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "Forecast",
    "Observation",
    "PollPolicy",
    "PollSchedule",
    "forecast",
    "longest_sleep",
    "next_delay",
    "predict_completion",
]


@dataclass(frozen=True)
class PollPolicy:
    """The knobs of the schedule, in seconds (rates and tolerances are fractions).

    The defaults were tuned on the tuning seeds of ``benchmarks/polling.py``'s family of progress
    models (``benchmarks/_family.py``); the benchmark reports them on held-out seeds.
    """

    # First polls come quickly: failures (moderation, bad image) are reported within seconds.
    fast_interval: float = 1.0
    fast_period: float = 1.0
    # In the dark (no progress at all), the pace is start_pace times the time waited so far,
    # from min_interval up to blind_interval. At progress 0 (queued) up to queued_interval:
    # rendering has not started, and the first sample after it starts bounds the next sleep.
    start_pace: float = 1.5
    blind_interval: float = 5.0
    queued_interval: float = 15.0
    # Bounded trust: fewer rising samples than this and no sleep exceeds blind_interval; with
    # them, a sleep is at most `horizon` times the span they cover, and never max_interval.
    trust_samples: int = 2
    horizon: float = 1.5
    max_interval: float = 30.0
    # Early in a wait a rate is young (a catch-up, a restart may yet change it): no sleep is
    # longer than this share of the time waited so far (but blind_interval is always allowed).
    young: float = 0.5
    # While the end is far, sleep this fraction of the time left until the earliest plausible
    # end plus the notice (each poll refines the prediction).
    approach: float = 1.0
    # Render speed changes during a job: the earliest plausible end assumes the rate may yet
    # rise by min_spread over the fastest rate a recent stretch proves.
    min_spread: float = 0.45
    # Three consecutive local rates that agree this closely mean progress is steady: the end is
    # then predicted tightly (when no further than the span it was seen steady over) and polled
    # once, land_after it, instead of densely.
    steady_tolerance: float = 0.005
    land_after: float = 0.35
    # Where progress is informative: polls never sleep past the earliest plausible end plus this.
    notice: float = 0.9
    # The shortest sleep (besides a deadline).
    min_interval: float = 1.15
    # Past the predicted end and still running: poll every min_interval at first, then `pace`
    # times the time overdue, up to blind_interval.
    pace: float = 0.3
    # Gateways hold progress just below 1 until the file is ready: at or above this, the end is
    # imminent whatever the rate says.
    near_done: float = 0.985
    # Progress that has moved in jumps, with no more than one jump left: poll this often.
    step_interval: float = 4.0
    # Noise (sd, at least min_noise) and the fastest proven rate: from the last noise_samples
    # samples.
    min_noise: float = 0.003
    noise_samples: int = 12
    # The trend is fitted to the last fit_samples samples; a fall of more than min_drop (and of
    # fall_sd times the noise) starts a new trend.
    fit_samples: int = 4
    min_drop: float = 0.05
    fall_sd: float = 3.0
    # One sample far_drop times that far below the line through the samples before it is a fall.
    far_drop: float = 1.5
    # Samples within plateau_range noise sd of each other are a plateau; it is flat (a stall, a
    # level, a hold) once the trend before it would have risen flat_rise sd in its time.
    plateau_range: float = 4.0
    flat_rise: float = 3.0
    # The earliest plausible end allows the fitted level and the proven rates to be `unsure`
    # standard errors off.
    unsure: float = 1.0
    # While the trend is flat, poll this often.
    flat_interval: float = 5.0
    # A rise between two polls well out of the noise and this many times faster than the mean
    # rate is a jump.
    jump_ratio: float = 1.5
    # ... and larger than jump_sd noise sd (a difference of two noisy samples has sd 1.41 sigma).
    jump_sd: float = 2.0
    # After the latest jump, a rise of this share of it (out of the noise), in increments under
    # half a jump each, means it was a curve's fast stretch, not a step (round 7: 0.5 -> 0.35;
    # figures in benchmarks/README.md).
    curve_share: float = 0.35
    # The trend's window grows back from the last fit_samples samples, up to max_window, while
    # each earlier sample lies within `consistent` prediction sd of the line through the later
    # ones: on a straight stretch all of it averages the noise out; a bend stops it.
    max_window: int = 30
    consistent: float = 2.5
    # A stall far from the end cannot end it before progress resumes, at most catch_up times
    # faster than the fastest rate proven so far, and covers what is left.
    catch_up: float = 4.0
    # The earliest plausible end allows the fitted level `level_sd` of its standard errors low.
    level_sd: float = 1.5
    # The trend before a stall predicts the end of a stall that catches up; its rate may be
    # this much faster.
    stall_spread: float = 0.15
    # The end's interval (:func:`_end_interval`): where a line fitted to the latest straight
    # stretch, end_sd standard errors either way (from its residuals, at least the noise), reaches
    # 1. From it on, polls come every end_spacing for at most end_width (its latest end, if
    # sooner); before it, no sleep goes past its start plus the notice.
    end_sd: float = 2.0
    end_spacing: float = 1.5
    end_width: float = 15.0
    # Also the interval of the trend before a slowdown (off: figures in benchmarks/README.md).
    end_before: bool = False
    # A catch-up under way. Once a stall's catch-up has risen, progress is no longer flat, and the
    # line fitted across the stall runs slow. With this, a stall seen at one of the
    # fit_samples - 1 samples before the latest (as judged then) bounds the sleep as while flat:
    # by the end if progress ran at catch_up times the fastest proven rate, and at least
    # flat_interval. Only a stall after a straight trend counts: the samples before it lie
    # within stall_straight noise sd of their line (residual sd), so a level of steps after a
    # jump is no stall to catch up from (figures in benchmarks/README.md).
    catch_up_bound: bool = True
    stall_straight: float = 2.0
    # A stage that restarts (progress falls back) must still reach 1 by the end: the trend before
    # the fall still predicts it. With fall_before, that trend bounds the sleep as the trend
    # before a stall does (`before`: its earliest plausible end plus the notice).
    fall_before: bool = True
    # A disruption (a fall, or a stall: a fall and its recovery hidden between two polls looks
    # like one) does not move the end. With land_before, once progress rises again one poll
    # lands land_after the likely end by the trend before it, and past it polls come as overdue
    # (for at most end_width).
    land_before: bool = True
    # After a fall, trust also counts from the fall: no sleep is longer than horizon times the
    # span progress has been seen rising since it (bounded trust can only get tighter).
    fall_trust: bool = True
    # A service that reports progress only every few polls (round 7). Silent polls are excused
    # from using up trust while they keep the service's rhythm, but a rate is still extrapolated
    # from the last report: the sleep is also bounded by trust less silent_use times the time
    # since progress last rose (0: silent polls cost nothing while excused).
    silent_use: float = 0.3
    # Each report renews the end's interval's dense polls for this long (up to the interval's
    # latest end), past its first end_width: an interval updated only every few polls, or a
    # curve's slow tail, outlasts end_width (0: off).
    end_renew: float = 10.0
    # A value at near_done far above the trend before it (as far as a far fall would be below
    # it, far_drop) means progress sped up unseen: held there, poll at the pace since that
    # value, not by the old trend's end.
    near_outran: bool = True
    # Round 8 guards against noticing an end later than the vendor's fixed 5 s loop would; both
    # off by default: they cost requests and move other kinds' p95 (figures in
    # benchmarks/README.md, "Round 8"). With left_rise, once what is left is no more than the
    # largest rise seen between two polls (plus jump_sd noise sd) that was at least left_ratio
    # times the mean rate, one more such rise (a step sampled sparsely, where steps read as a
    # line) may end the job within any sleep: no sleep is longer than blind_interval.
    left_rise: bool = False
    left_ratio: float = 1.0
    # Progress at or above dark_above may be a hold before the end (a file being prepared): no
    # sleep is longer than blind_interval there (1.0: off).
    dark_above: float = 1.0
    # Round 9 (issue 27). With jump_heard, a rise between two reports with polls between them that
    # saw no progress is no jump: it may have spread over the polls that could not see it (a
    # sparse service's fast stretch), and a jump is a rise between two polls. Off: on private
    # validation seeds it made the sparse kind's p95 later (2.29 -> 2.58 s; tuning 1.63 -> 1.67 s)
    # for 0.1 % fewer requests.
    jump_heard: bool = False
    # With slow_before, the trend before an interval that rose less than half what the line
    # through the fit_samples samples before it predicts (where that is twice flat_rise noise sd:
    # a stall between two polls, or a fall and its recovery hidden between them) bounds the sleep
    # and lands a poll as the trend before a plateau does (one of the last fit_samples intervals).
    slow_before: bool = True
    # With report_renews, past the predicted end a report that breaks a run of polls that saw no
    # progress restarts the overdue pace (a sparse service's silent polls say nothing new, and
    # the pace would grow through them to blind_interval while the end is near).
    report_renews: bool = True
    # With fall_as_seen, a fall once seen stays seen: a sample is judged far below the line
    # before it with the noise as estimated from the samples up to it (at least seen_samples of
    # them), if that is lower (a fall's own samples raise the estimate later and turned it back
    # into noise, and the trend across it into a slow one).
    fall_as_seen: bool = True
    seen_samples: int = 6
    # Round 10 (issue 27). With recent_level, the line through the last fit_samples samples
    # alone (at least three, its level allowed level_sd of its own standard errors high) also
    # gives an earliest plausible end, where the latest straight stretch is longer: a stretch
    # judged straight (with a noise estimate that a sawtooth of falls and recoveries inflates)
    # can reach back across a fall hidden between polls, or a speed-up, and lag the latest run.
    recent_level: bool = True
    # Round 10 (issue 27, requests). With curve_from, the curve test (curve_share) counts the rise
    # since the latest rise between two polls of at least curve_from of the largest jump, jump or
    # not, and takes the rise of the line through the samples since (0: since the latest jump,
    # end to end). Restarting it at every jump kept a curve's slow tail polled every
    # step_interval to its end: between dense polls a noisy pair passes for a small jump (2 noise
    # sd is 1.4 sd of a difference), and one rise of half a jump in the curve's fast stretch after
    # the jump (too close to its neighbours to be a jump) failed the test for good. An option, off
    # (0.0): 0.5 saves 0.003-0.005x requests on every seed set tried, but the over-polling it
    # removes also guarded noisy lines and holds whose forecast fails near the end (noisy linear
    # p95 +0.01/+0.05/+0.06 s, 0/2/2 more jobs over 5 s late on tuning, extra tuning and private
    # validation seeds; figures in the round-10 report).
    curve_from: float = 0.0


@dataclass(frozen=True)
class Observation:
    """One poll's result: when (caller's clock, seconds) and the reported progress (0..1 or None)."""

    at: float
    progress: float | None


@dataclass(frozen=True)
class Forecast:
    """When the task should end: the likely time (``inf`` with no rising trend) and the
    earliest plausible time; ``flat``: progress has stalled (a plateau, a slowdown, a fall), so
    the end may come at any moment; ``jump``: progress has moved in jumps and what is left is no
    more than one of them."""

    likely: float
    earliest: float
    flat: bool = False
    jump: bool = False  # the end could come in one jump like those seen
    # While flat: the soonest end if progress resumed at catch_up times the fastest proven rate.
    resume: float = -math.inf
    # The earliest end the trend before the latest stall predicts (a stall may catch up to it), or
    # (with fall_before) the trend before the latest fall (a restarted stage ends by then too).
    before: float = math.inf
    # With catch_up_bound: flat at one of the fit_samples - 1 samples before the latest.
    stalled_lately: bool = False
    # With land_before: the likely end by the trend before the latest stall or fall (inf without).
    before_likely: float = math.inf

    @property
    def stalled(self) -> bool:
        """Flat now, or (with ``catch_up_bound``) lately: the end may come at any moment."""
        return self.flat or self.stalled_lately


def _moving(observations: Sequence[Observation], near_done: float) -> list[tuple[float, float]]:
    # Samples that carry rate information: progress strictly between 0 and the held-near-1 zone,
    # one per new highest value (a repeated value is a stall or a cached answer; a lower one,
    # noise).
    out: list[tuple[float, float]] = []
    for o in observations:
        if o.progress is None or not 0.0 < o.progress < near_done:
            continue
        if out and (o.progress <= out[-1][1] or o.at <= out[-1][0]):
            continue
        out.append((o.at, o.progress))
    return out


def _latest(observations: Sequence[Observation]) -> float | None:
    return next((o.progress for o in reversed(observations) if o.progress is not None), None)


def _noise(samples: Sequence[tuple[float, float]], floor: float) -> float:
    # The reporting noise (sd), robustly: how far each sample sits from the straight line through
    # its two neighbours (a jump or a bend moves few of them; the median ignores those).
    dev = []
    for (t0, p0), (t1, p1), (t2, p2) in zip(samples, samples[1:], samples[2:], strict=False):
        w = (t1 - t0) / (t2 - t0)
        # For independent noise the deviation has sd sigma * sqrt(1 + w^2 + (1 - w)^2).
        dev.append(abs(p1 - (p0 + w * (p2 - p0))) / math.sqrt(1 + w * w + (1 - w) ** 2))
    if not dev:
        return floor
    dev.sort()
    return max(floor, dev[(len(dev) - 1) // 2] / 0.6745)


Samples = list[tuple[float, float]]  # (time, progress)


def _segment(samples: Samples, sigma: float, policy: PollPolicy) -> Samples:
    # One poll asks for the same segment several times (the forecast, the fall's trust, ...):
    # it is worked out once (the samples are a few hundred at most; hashing them is cheap).
    return list(_segment_of(tuple(samples), sigma, policy))


@functools.lru_cache(maxsize=16)
def _segment_of(
    samples: tuple[tuple[float, float], ...], sigma: float, policy: PollPolicy
) -> tuple[tuple[float, float], ...]:
    # Progress that falls back further than noise explains (a stage restarting) starts afresh:
    # the samples before the fall say nothing about the rate after it. A fall counts once two
    # samples in a row are below the highest level seen (the highest median of three samples,
    # so that one noisy sample neither sets it nor passes for a fall).
    drop = max(policy.min_drop, policy.fall_sd * sigma)
    least_far = policy.far_drop * policy.min_drop  # _far_drop is never less: skip it above this
    start, top = 0, -math.inf
    for i in range(len(samples)):
        line = _fit(samples[max(start, i - policy.fit_samples) : i])[1] if i >= start + 2 else -math.inf
        below = line - samples[i][1]
        if i >= 1 and max(samples[i - 1][1], samples[i][1]) < top - drop and i - 1 > start:
            start, top = i - 1, -math.inf
        elif below > least_far and below > _far_drop(samples, i, sigma, policy):
            # One sample far below the line through the samples before it (further than noise
            # and a dent in that line explain) is a fall too, seen at once: the top lags a fall
            # that comes soon after a rise, and the next sample may already be on the new run.
            start, top = i, -math.inf
        if i >= start + 2:
            top = max(top, sorted(p for _t, p in samples[i - 2 : i + 1])[1])
    return samples[start:]


def _far_drop(samples: Sequence[tuple[float, float]], i: int, sigma: float, policy: PollPolicy) -> float:
    # How far below the line sample i must be to be a fall on its own: far_drop times the fall
    # threshold, with (fall_as_seen) the noise as estimated up to sample i if that is lower.
    noise = sigma
    if policy.fall_as_seen and i + 1 >= policy.seen_samples:
        seen = samples[max(0, i + 1 - policy.noise_samples) : i + 1]
        noise = min(sigma, _noise(seen, policy.min_noise))
    return policy.far_drop * max(policy.min_drop, policy.fall_sd * noise)


def _fit(samples: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    # Least squares: (rate, fitted progress at the latest sample's time, sum of squared time
    # deviations: the rate's standard error is sigma / sqrt of it).
    # (Plain loops: this runs hundreds of times per poll, and generator sums cost twice as much.)
    n = len(samples)
    sum_t = sum_p = 0.0
    for t, p in samples:
        sum_t += t
        sum_p += p
    mt, mp = sum_t / n, sum_p / n
    stt = stp = 0.0
    for t, p in samples:
        stt += (t - mt) ** 2
        stp += (t - mt) * (p - mp)
    rate = stp / stt
    return rate, mp + rate * (samples[-1][0] - mt), stt


def _proven_rate(samples: Samples, sigma: float, policy: PollPolicy) -> float:
    # The fastest rate any run of 2 to fit_samples consecutive samples proves (its fitted rate
    # less `unsure` standard errors): a stall or a slow stretch does not hide how fast the job
    # has run, and a fast stretch (a catch-up) shows before the fitted trend follows it.
    best = 0.0
    for k in range(2, max(2, policy.fit_samples) + 1):
        for i in range(len(samples) - k + 1):
            rate, _level, stt = _fit(samples[i : i + k])
            best = max(best, rate - policy.unsure * sigma / math.sqrt(stt))
    return best


def _samples(observations: Sequence[Observation], policy: PollPolicy) -> Samples:
    # Progress above 0 and below the held-near-1 zone, one per moment.
    out: Samples = []
    for o in observations:
        if o.progress is None or not 0.0 < o.progress < policy.near_done:
            continue
        if not out or o.at > out[-1][0]:
            out.append((o.at, o.progress))
    return out


def _plateau(samples: Samples, sigma: float, policy: PollPolicy) -> int:
    # How many of the latest samples lie within plateau_range noise sd of each other: a level,
    # a stall or a hold (one sample is no plateau).
    lo = hi = samples[-1][1]
    n = 1
    for _t, p in reversed(samples[:-1]):
        lo, hi = min(lo, p), max(hi, p)
        if hi - lo > policy.plateau_range * sigma:
            break
        n += 1
    return n


def _stalled(segment: Samples, sigma: float, policy: PollPolicy) -> tuple[float, bool]:
    # (the rate of the trend before the latest plateau, or of the latest trend; whether progress
    # has stalled). Stalled: the latest samples form a plateau that rose less than half what the
    # trend before it predicts, or the latest poll saw less than half the rise the trend before
    # it predicts (a stall or a slow stretch between two polls; a catch-up of any speed may
    # follow), where that rise would have stood out of the noise.
    before, plateau = _before_plateau(segment, sigma, policy)
    if len(plateau) < 2 or len(before) < 2:
        before = segment[-policy.fit_samples :]
    rising = _fit(before)[0]
    flat = _is_stall(before, plateau, policy.flat_rise * sigma)
    if len(segment) >= 3:
        (t0, p0), (t1, p1) = segment[-2:]
        expected = _fit(segment[-policy.fit_samples - 1 : -1])[0] * (t1 - t0)
        flat = flat or (expected >= policy.flat_rise * sigma and p1 - p0 < expected / 2)
    return rising, flat


def _before_plateau(samples: Samples, sigma: float, policy: PollPolicy) -> tuple[Samples, Samples]:
    # (the trend's last fit_samples samples before the latest plateau, that plateau).
    flat_n = _plateau(samples, sigma, policy)
    return samples[: len(samples) - flat_n + 1][-policy.fit_samples :], samples[-flat_n:]


def _is_stall(before: Samples, plateau: Samples, least: float) -> bool:
    # A plateau (two samples or more) that rose less than half what the trend before it predicts,
    # where that rise would have been at least `least`.
    if len(plateau) < 2 or len(before) < 2:
        return False
    duration = plateau[-1][0] - plateau[0][0]
    expected = max(_fit(before)[0], 0.0) * duration
    return expected >= least and _fit(plateau)[0] * duration < expected / 2


def _level_sd(window: Samples, sigma: float, policy: PollPolicy) -> float:
    # How far off the level fitted to the window at its latest sample may be: level_sd standard
    # errors of the fitted line there.
    n = len(window)
    mean_t = sum(t for t, _p in window) / n
    stt = sum((t - mean_t) ** 2 for t, _p in window)
    return policy.level_sd * sigma * math.sqrt(1.0 / n + (window[-1][0] - mean_t) ** 2 / stt)


def forecast(observations: Sequence[Observation], policy: PollPolicy | None = None) -> Forecast | None:
    """Predict the end from the recent progress trend; None until two samples above 0 exist.

    The trend is a straight line fitted to the last ``fit_samples`` samples (since progress last
    fell back, if it did): noise averages out of the level and the rate. See :class:`Forecast`
    for ``flat`` and ``jump``.
    """
    policy = policy or PollPolicy()
    numeric = _samples(observations, policy)
    if len(numeric) < 2:
        return None
    sigma = _noise(numeric[-policy.noise_samples :], policy.min_noise)
    segment = _segment(numeric, sigma, policy)
    unheard = _after_silence(observations) if policy.jump_heard else frozenset()
    jump = _jump(_with_start(observations, numeric), sigma, policy, _top(segment), unheard)
    t = numeric[-1][0]
    resume = _resume(numeric, sigma, policy)
    fell_earliest, fell_likely = _fall_line(numeric, segment, sigma, policy)

    def no_end(before: float, before_likely: float) -> Forecast:
        # No end in sight, none ruled out: it may come at any moment.
        return Forecast(
            math.inf, t, flat=True, jump=jump, resume=resume, before=before, before_likely=before_likely
        )

    if len(segment) < 2:
        # One sample since a fall.
        return no_end(fell_earliest, fell_likely)
    # The rising trend is judged on the whole latest straight stretch: the last few samples of
    # dense polls near the end span seconds, and their slope is mostly noise.
    window = _window(segment, sigma, policy)
    rate, level, _stt = _fit(window)
    rising, flat = _stalled(segment, sigma, policy)
    before, before_likely = _stall_line(segment, sigma, policy)
    before, before_likely = min(before, fell_earliest), min(before_likely, fell_likely)
    lately = not flat and policy.catch_up_bound and _stalled_lately(numeric, segment, policy)
    if rate <= 0.0:
        return no_end(before, before_likely)
    likely = t + max(0.0, 1.0 - level) / rate
    proven = _proven_rate(segment[-policy.noise_samples :], sigma, policy)
    fastest = max(rate, rising, proven) * (1.0 + policy.min_spread)
    earliest = t + max(0.0, 1.0 - level - _level_sd(window, sigma, policy)) / fastest
    recent = segment[-policy.fit_samples :]
    if policy.recent_level and len(window) > len(recent) >= 3:
        high = _fit(recent)[1] + _level_sd(recent, sigma, policy)
        earliest = min(earliest, t + max(0.0, 1.0 - high) / fastest)
    rates = [(p1 - p0) / (t1 - t0) for (t0, p0), (t1, p1) in itertools.pairwise(window)]
    steady = len(rates) >= 3 and (max(rates) - min(rates)) <= policy.steady_tolerance * min(rates)
    if steady and likely - t <= t - window[0][0]:
        # Steady (the local rates agree closely; noise would scatter them): the end is where
        # the rate says, if no further away than the span it was seen steady over.
        earliest = likely
    return Forecast(
        likely=likely,
        earliest=min(likely, earliest),
        flat=flat,
        jump=jump,
        resume=resume,
        before=before,
        stalled_lately=lately,
        before_likely=before_likely,
    )


def _stalled_lately(numeric: Samples, segment: Samples, policy: PollPolicy) -> bool:
    # Flat at one of the fit_samples - 1 samples before the latest, judged as it was then: with
    # the noise estimated from the samples up to it (a catch-up's first sample raises the
    # estimate and may hide the stall it ends), and, as _stall_line asks, where the trend before
    # would have risen twice flat_rise noise sd; that trend straight (three samples or more
    # within stall_straight noise sd of their line: steps' jumps and levels are no trend).
    for back in range(1, policy.fit_samples):
        if len(segment) - back < 3:
            break
        sigma = _noise(numeric[: len(numeric) - back][-policy.noise_samples :], policy.min_noise)
        before = _stall_before(segment[: len(segment) - back], sigma, policy)
        if before is None:
            continue
        rate, level, _stt = _fit(before)
        if len(before) < 3 or _spread(before, [False] * len(before), rate, level, sigma) <= (
            policy.stall_straight * sigma
        ):
            return True
    return False


def _stall_before(segment: Samples, sigma: float, policy: PollPolicy) -> Samples | None:
    # The trend's samples before a stall at the segment's latest sample (as _stalled judges it,
    # with twice flat_rise), or None without one: a plateau that rose less than half what the
    # trend before it predicts (that trend: up to the plateau's first sample), or a latest
    # interval that rose less than half what the line through the samples before it predicts.
    least = 2.0 * policy.flat_rise * sigma
    before, plateau = _before_plateau(segment, sigma, policy)
    if _is_stall(before, plateau, least):
        return before
    if len(segment) >= 3:
        (t0, p0), (t1, p1) = segment[-2:]
        prior = segment[-policy.fit_samples - 1 : -1]
        expected = _fit(prior)[0] * (t1 - t0)
        if expected >= least and p1 - p0 < expected / 2:
            return prior
    return None


def _fall_line(numeric: Samples, segment: Samples, sigma: float, policy: PollPolicy) -> tuple[float, float]:
    # (earliest plausible, likely) end by the trend before the latest fall, if the samples before it show
    # one (at least three samples on their latest straight stretch): a stage that restarts must
    # still reach 1 by the end. inf, inf without.
    if not policy.fall_before:
        return math.inf, math.inf
    prior = numeric[: len(numeric) - len(segment)]
    if len(prior) < 3:
        return math.inf, math.inf
    window = _window(_segment(prior, sigma, policy), sigma, policy)
    if len(window) < 3:
        return math.inf, math.inf
    if _fit(window)[0] <= 0.0:
        return math.inf, math.inf
    return _trend_end(window, sigma, policy)


def _trend_end(trend: Samples, sigma: float, policy: PollPolicy) -> tuple[float, float]:
    # (earliest plausible, likely) end of a rising trend interrupted by a stall or a fall: where
    # its line reaches 1, and where it would if it ran stall_spread faster from a level lower by
    # its standard error.
    rate, level, _stt = _fit(trend)
    t = trend[-1][0]
    left = 1.0 - level - _level_sd(trend, sigma, policy)
    return t + max(0.0, left) / (rate * (1.0 + policy.stall_spread)), t + max(0.0, 1.0 - level) / rate


def _stall_line(segment: Samples, sigma: float, policy: PollPolicy) -> tuple[float, float]:
    # (earliest plausible, likely) end by the trend before a stall (a plateau of two samples or
    # more that rose less than half what that trend predicts, where it would have risen twice
    # flat_rise noise sd) that ended no more than fit_samples samples ago: a stall that ends in a
    # catch-up comes back to that trend. inf, inf without such a stall, or with fewer than three
    # samples of trend before it.
    for k in range(len(segment), max(3, len(segment) - policy.fit_samples) - 1, -1):
        before, plateau = _before_plateau(segment[:k], sigma, policy)
        if len(before) >= 3 and _is_stall(before, plateau, 2.0 * policy.flat_rise * sigma):
            return _trend_end(before, sigma, policy)
        if policy.slow_before and k >= 4:
            prior = segment[max(0, k - 1 - policy.fit_samples) : k - 1]
            if len(prior) >= 3 and _slowed(prior, segment[k - 1], 2.0 * policy.flat_rise * sigma):
                return _trend_end(prior, sigma, policy)
    return math.inf, math.inf


def _slowed(prior: Samples, sample: tuple[float, float], least: float) -> bool:
    # Whether the sample after these rose less than half what their line predicts, where that
    # rise would have been at least `least`.
    (t0, p0), (t1, p1) = prior[-1], sample
    expected = _fit(prior)[0] * (t1 - t0)
    return expected >= least and p1 - p0 < expected / 2


def _resume(numeric: Samples, sigma: float, policy: PollPolicy) -> float:
    # The soonest a stalled job can end: what is left above the highest level seen (less the
    # noise), covered at catch_up times the fastest rate any stretch has proven.
    proven = _proven_rate(numeric[-policy.noise_samples :], sigma, policy)
    if proven <= 0.0 or len(numeric) < 3:
        return numeric[-1][0]
    return numeric[-1][0] + max(0.0, 1.0 - _top(numeric) - 2.0 * sigma) / (policy.catch_up * proven)


def _window(segment: Samples, sigma: float, policy: PollPolicy) -> Samples:
    # The latest straight stretch: from the last fit_samples samples back, while the earlier
    # samples lie within `consistent` prediction sd of the line fitted to the later ones. Two
    # in a row off the line on the same side end it (a bend); one is noise.
    n = min(len(segment), policy.fit_samples)
    while n < min(len(segment), policy.max_window):
        first = _off_line(segment, n, n + 1, sigma)
        if abs(first) > policy.consistent:
            second = _off_line(segment, n, n + 2, sigma) if n + 2 <= len(segment) else first
            if abs(second) > policy.consistent and second * first > 0:
                break
        n += 1
    return segment[-n:]


def _off_line(segment: Samples, n: int, back: int, sigma: float) -> float:
    # How far the sample `back` places from the end lies off the line fitted to the last n
    # samples, in standard deviations of a prediction there (noise plus the line's own error).
    window = segment[-n:]
    rate, level, stt = _fit(window)
    mean_t = sum(t for t, _p in window) / n
    t0, p0 = segment[-back]
    spread = sigma * math.sqrt(1.0 + 1.0 / n + (t0 - mean_t) ** 2 / stt)
    return (p0 - level - rate * (t0 - window[-1][0])) / spread


def _with_start(observations: Sequence[Observation], segment: Samples) -> Samples:
    # The segment, led by the last poll that saw exactly 0 before it (a first level is a jump).
    zero = [o.at for o in observations if o.progress == 0.0 and o.at < segment[0][0]]
    return [(zero[-1], 0.0), *segment] if zero else segment


def _top(samples: Samples) -> float:
    # The highest level reached: the highest median of three consecutive samples (one noisy
    # sample neither sets it nor lowers it); the latest sample while fewer than three.
    if len(samples) < 3:
        return samples[-1][1]
    return max(sorted(p for _t, p in samples[i : i + 3])[1] for i in range(len(samples) - 2))


def _after_silence(observations: Sequence[Observation]) -> frozenset[float]:
    # The times of reports with a poll that saw no progress since the report before them.
    out, silent = set(), False
    for o in observations:
        if o.progress is None:
            silent = True
        else:
            if silent:
                out.add(o.at)
            silent = False
    return frozenset(out)


def _jump(
    samples: Samples, sigma: float, policy: PollPolicy, top: float, unheard: frozenset[float] = frozenset()
) -> bool:
    # Could one jump end it? Progress that has moved in jumps (a rise between two polls far
    # above the noise and `jump_ratio` times faster than the job's mean rate) may end with one
    # more: once what is left is no more than the largest such jump, the end may come at any
    # moment.
    (ta, pa), (tb, pb) = samples[0], samples[-1]
    mean = (pb - pa) / (tb - ta) if tb > ta else 0.0
    largest, last = 0.0, 0
    for i, ((t0, p0), (t1, p1)) in enumerate(itertools.pairwise(samples)):
        rise = p1 - p0
        fast = rise > policy.jump_sd * sigma and rise > policy.jump_ratio * mean * (t1 - t0)
        if fast and t1 not in unheard and _isolated(samples, i, policy):
            largest, last = max(largest, rise), i + 1
    if policy.curve_from > 0.0 and largest > 0.0:
        least = policy.curve_from * largest
        rises = [b - a for (_t, a), (_u, b) in itertools.pairwise(samples)]
        last = max(i + 1 for i, rise in enumerate(rises) if rise >= least)
    # Progress in jumps holds its level between them: a rise of curve_share of a jump or more
    # (out of the noise) after the latest jump (with curve_from: after the latest rise of that
    # share of the largest jump; the rise of the line through the samples since), in increments
    # no larger than half a jump each, was a fast stretch of a curve, not a step.
    after = samples[last:]
    if largest > 0.0 and len(after) >= 3:
        rises = [b - a for (_t, a), (_u, b) in itertools.pairwise(after)]
        rise = after[-1][1] - after[0][1]
        if policy.curve_from > 0.0:
            # The rise of the line through them: a noisy level's end samples are no curve.
            rise = _fit(after)[0] * (after[-1][0] - after[0][0])
        if max(rises) < largest / 2 and rise > max(largest * policy.curve_share, policy.fall_sd * sigma):
            return False
    # What is left is measured from the highest level reached: a noisy low sample on the last
    # level does not make the end look further away.
    return largest > 0.0 and 1.0 - max(pb, top) <= largest + policy.jump_sd * sigma


def _isolated(samples: Samples, i: int, policy: PollPolicy) -> bool:
    # A jump stands alone: its rate is jump_ratio times faster than the intervals next to it
    # (an S-curve's fast middle rises as fast on both sides), and the level after it holds (a
    # noisy high sample falls back at once).
    (t0, p0), (t1, p1) = samples[i], samples[i + 1]
    rate = (p1 - p0) / (t1 - t0)
    for a, b in ((i - 1, i), (i + 1, i + 2)):
        if a >= 0 and b < len(samples):
            (ta, pa), (tb, pb) = samples[a], samples[b]
            if rate <= policy.jump_ratio * (pb - pa) / (tb - ta):
                return False
    return i + 2 >= len(samples) or samples[i + 2][1] >= p1 - (p1 - p0) / 2


def predict_completion(observations: Sequence[Observation], policy: PollPolicy | None = None) -> float | None:
    """When progress will reach 1.0 on the recent trend (None until two samples above 0; inf if flat).

    Example:
        >>> predict_completion([Observation(10, 0.1), Observation(20, 0.2)])
        100.0
    """
    fc = forecast(observations, policy)
    return None if fc is None else fc.likely


def longest_sleep(policy: PollPolicy, observations: Sequence[Observation]) -> float:
    """The longest sleep the evidence supports; :func:`next_delay` never sleeps longer.

    - progress only ever 0 (queued): ``queued_interval``;
    - no progress, fewer than ``trust_samples`` rising samples, or progress held at or above
      ``near_done``: ``blind_interval``;
    - otherwise ``horizon`` times the span between the first and the latest rising sample (at
      most ``max_interval``), less the time from that latest rising sample to the latest poll,
      and at least ``blind_interval``. Polls without progress do not count as time since it
      rose while there are no more of them in a row than the most seen between two reports.
    """
    moving = _moving(observations, policy.near_done)
    latest = _latest(observations)
    if latest is not None and latest <= 0.0 and not moving:
        return max(policy.blind_interval, policy.queued_interval)
    if len(moving) < policy.trust_samples or (latest is not None and latest >= policy.near_done):
        return policy.blind_interval
    # Trust runs from the latest rising sample: polls since then that saw nothing new (a value
    # no higher, or no progress) have used it up, except the polls that saw no progress while
    # the service has been seen to report only every few polls (no more of them in a row than
    # the longest such run it has shown before): those say nothing either way.
    stale = _unreported_excused(observations) - moving[-1][0]
    return max(policy.blind_interval, _trust(policy, moving) - stale)


def _trust(policy: PollPolicy, rising: Samples) -> float:
    # How far ahead a rate seen rising over these samples is trusted: horizon times their span,
    # at most max_interval.
    return min(policy.max_interval, policy.horizon * (rising[-1][0] - rising[0][0]))


def _unreported_excused(observations: Sequence[Observation]) -> float:
    # The time of the latest poll that counts against trust: the latest poll, unless the run of
    # polls without progress at the end is no longer than the longest run between two reports
    # seen before (the report period learnt from the history); then the latest poll that
    # reported progress.
    runs, run, last_reported = [0], 0, None
    for o in observations:
        if o.progress is None:
            run += 1
            continue
        if last_reported is not None:
            runs.append(run)
        run, last_reported = 0, o.at
    if last_reported is None or run > max(runs):
        return observations[-1].at
    return last_reported


def next_delay(
    policy: PollPolicy,
    *,
    now: float,
    started: float,
    observations: Sequence[Observation] = (),
    hint: float | None = None,
    deadline: float | None = None,
) -> float:
    """Seconds to wait before the next poll.

    Args:
        policy: the knobs.
        now: the current time on the caller's clock.
        started: when waiting began, on the same clock.
        observations: progress samples so far.
        hint: the server's Retry-After, if any; we never poll sooner.
        deadline: our give-up time; we never sleep past it.
    """
    delay = min(
        longest_sleep(policy, observations),
        _fall_trust(policy, observations),
        _silent_bound(policy, observations),
        _wanted(policy, now, started, observations),
        _left_bound(policy, observations),
    )
    # Never sooner than the server asks, never past our own deadline.
    if hint is not None and hint > delay:
        delay = hint
    if deadline is not None:
        delay = min(delay, max(0.0, deadline - now))
    return delay


def _left_bound(policy: PollPolicy, observations: Sequence[Observation]) -> float:
    # What is left could be covered by one rise like the largest seen between two polls (from
    # 0, or since the last fall), or progress is high enough to be a hold: then the end may
    # come within any sleep, and none is longer than blind_interval.
    if not policy.left_rise and policy.dark_above >= policy.near_done:
        return math.inf  # both off: no sample reaches near_done (_samples stops below it)
    numeric = _samples(observations, policy)
    if not numeric:
        return math.inf
    top = max(p for _t, p in numeric)
    if top >= policy.dark_above:
        return policy.blind_interval
    if not policy.left_rise:
        return math.inf
    sigma = _noise(numeric[-policy.noise_samples :], policy.min_noise)
    segment = _with_start(observations, _segment(numeric, sigma, policy))
    if len(segment) < 2:
        return math.inf
    (ta, pa), (tb, pb) = segment[0], segment[-1]
    mean = (pb - pa) / (tb - ta) if tb > ta else 0.0
    # The largest rise between two polls that was at least left_ratio times the mean rate.
    least = policy.left_ratio * mean
    fast = [b - a for (t, a), (u, b) in itertools.pairwise(segment) if b - a > least * (u - t)]
    largest = max(fast, default=0.0)
    if largest <= 0.0:
        return math.inf
    if 1.0 - max(segment[-1][1], _top(segment)) <= largest + policy.jump_sd * sigma:
        return policy.blind_interval
    return math.inf


def _silent_bound(policy: PollPolicy, observations: Sequence[Observation]) -> float:
    # Polls without progress excused by the service's rhythm (see longest_sleep) still use up
    # silent_use of each second since progress last rose: the sleep is at most trust less
    # that (at least blind_interval), so a rate seen early is not extrapolated over many
    # silent polls while a curve speeds up.
    moving = _moving(observations, policy.near_done)
    if policy.silent_use <= 0.0 or len(moving) < policy.trust_samples:
        return math.inf
    unused = _trust(policy, moving) - policy.silent_use * (observations[-1].at - moving[-1][0])
    return max(policy.blind_interval, unused)


def _outran(observations: Sequence[Observation], near_since: float, policy: PollPolicy) -> bool:
    # Whether the first value at near_done (at near_since) lies far above the line through the
    # latest straight stretch before it: far_drop times the fall threshold (min_drop, fall_sd
    # noise sd), as a far fall below it would.
    numeric = _samples([o for o in observations if o.at < near_since], policy)
    if len(numeric) < 2:
        return False
    sigma = _noise(numeric[-policy.noise_samples :], policy.min_noise)
    window = _window(_segment(numeric, sigma, policy), sigma, policy)
    if len(window) < 2:
        return False
    rate, level, _stt = _fit(window)
    at = level + rate * (near_since - window[-1][0])
    return at < policy.near_done - policy.far_drop * max(policy.min_drop, policy.fall_sd * sigma)


def _last_report(observations: Sequence[Observation]) -> float:
    # When a poll last saw progress at all (-inf if none has).
    return next((o.at for o in reversed(observations) if o.progress is not None), -math.inf)


def _renewed(policy: PollPolicy, observations: Sequence[Observation], since: float) -> float:
    # When the wait past the predicted end counts from: `since`, or (with report_renews) the
    # latest report after polls that saw no progress, if later.
    if not policy.report_renews:
        return since
    return max([since, *_after_silence(observations)])


def _pace(policy: PollPolicy, elapsed: float) -> float:
    # Dense at first, then sparser in proportion to how long the wait has lasted.
    return min(policy.blind_interval, max(policy.min_interval, policy.pace * elapsed))


def _wanted(policy: PollPolicy, now: float, started: float, observations: Sequence[Observation]) -> float:
    if now - started < policy.fast_period:
        return policy.fast_interval
    latest = _latest(observations)
    moving = _moving(observations, policy.near_done)
    near_since = next(
        (o.at for o in observations if o.progress is not None and o.progress >= policy.near_done), None
    )
    if near_since is not None and latest is not None and latest >= policy.near_done:
        # Held just below 1: land on the end the rate before predicts; past it (or without a
        # rate), poll densely, then in proportion to the wait.
        fc = forecast(observations, policy)
        if fc is not None and now < fc.likely + policy.land_after:
            target = min(fc.likely + policy.land_after, fc.earliest + policy.notice)
            held = max(policy.min_interval, target - now)
        else:
            since = max(near_since, fc.likely if fc is not None else near_since)
            held = _pace(policy, now - _renewed(policy, observations, since))
        if policy.near_outran and fc is not None and _outran(observations, near_since, policy):
            # That value is far above the trend before it: progress sped up unseen, and the
            # trend's end is no guide.
            held = min(held, _pace(policy, now - near_since))
        return _land_before(policy, now, fc, _in_interval(policy, now, observations, held))
    if not moving:
        # No progress, or progress 0 (queued): nothing says when the end comes.
        # Queued only while the latest poll itself saw 0: after a 0, polls that saw nothing may
        # be a service that reports only now and then, and the job may be running.
        queued = observations and observations[-1].progress == 0.0
        cap = policy.queued_interval if queued else policy.blind_interval
        return min(cap, max(policy.min_interval, policy.start_pace * (now - started)))
    fc = forecast(observations, policy)
    if fc is None:
        return _first_sample_bound(policy, observations)
    # Optimistic: one poll just after the likely end. Safe: never sleep past the earliest
    # plausible end plus the notice we promise (a faster finish is still seen in time), nor
    # more than `approach` of the way to it (each poll refines the rates).
    target = min(
        fc.likely + policy.land_after,
        fc.earliest + policy.notice,
        now + policy.approach * (fc.earliest + policy.notice - now),
    )
    if math.isinf(fc.likely):
        delay = policy.flat_interval
    elif now < target:
        delay = max(policy.min_interval, target - now)
    else:
        # Past the likely end and still running: the prediction was wrong (a stall, a hold, a
        # slow tail). Poll densely at first, then in proportion to how overdue the task is.
        delay = _pace(policy, now - _renewed(policy, observations, max(min(fc.likely, now), moving[-1][0])))
    delay = min(delay, max(policy.blind_interval, policy.young * (now - started)))
    if fc.jump:
        delay = min(delay, policy.step_interval)
    if fc.stalled:
        # Stalled, on a level or fallen back (or, with catch_up_bound, lately): the end may come
        # at any moment once progress could resume and cover what is left.
        soonest = policy.flat_interval if fc.jump else max(policy.flat_interval, fc.resume - now)
        delay = min(delay, soonest)
    delay = _in_interval(policy, now, observations, delay)
    if fc.before < math.inf:
        # A stall may have caught up (or may yet catch up) with the trend before it: never sleep
        # past that trend's earliest plausible end plus the notice; while still stalled past it,
        # a catch-up may end it at any moment (like a last step).
        if now < fc.before + policy.notice:
            delay = min(delay, max(policy.min_interval, fc.before + policy.notice - now))
        elif fc.flat:
            delay = min(delay, policy.step_interval)
    return _land_before(policy, now, fc, delay)


def _fall_trust(policy: PollPolicy, observations: Sequence[Observation]) -> float:
    # After a fall (a stage restarting), trust also counts from the fall: no sleep is longer
    # than horizon times the span over which progress has been seen rising since, less the time
    # since it last rose (blind_interval with fewer than trust_samples rising samples).
    if not policy.fall_trust:
        return math.inf
    numeric = _samples(observations, policy)
    if len(numeric) < 3:
        return math.inf
    segment = _segment(numeric, _noise(numeric[-policy.noise_samples :], policy.min_noise), policy)
    if len(segment) == len(numeric):
        return math.inf
    rising = _moving([Observation(t, p) for t, p in segment], policy.near_done)
    if len(rising) < policy.trust_samples:
        return policy.blind_interval
    stale = _unreported_excused(observations) - rising[-1][0]
    return max(policy.blind_interval, _trust(policy, rising) - stale)


def _land_before(policy: PollPolicy, now: float, fc: Forecast | None, delay: float) -> float:
    # A disruption (a stall, a fall) does not move the end: once progress rises again, land just
    # after the trend before it says the end comes, and past that, poll as overdue for at most
    # end_width (a job that outlives it by more, a level of steps say, proved that trend wrong).
    # While flat, the flat bounds apply: a level, a hold or a stall says nothing new about the end.
    if not policy.land_before or fc is None or fc.flat or not now <= fc.before_likely + policy.end_width:
        return delay
    if now < fc.before_likely + policy.land_after:
        return min(delay, max(policy.min_interval, fc.before_likely + policy.land_after - now))
    return min(delay, _pace(policy, now - fc.before_likely))


def _in_interval(policy: PollPolicy, now: float, observations: Sequence[Observation], delay: float) -> float:
    # Within the end's interval, a poll every end_spacing (for at most end_width from its start,
    # or end_renew from the latest report); before it, no sleep past its start plus the notice.
    interval = _end_interval(observations, policy) if policy.end_sd > 0.0 else None
    if interval is not None:
        lo, hi = interval
        if now < lo - policy.notice:
            delay = min(delay, max(policy.min_interval, lo + policy.notice - now))
        elif now < min(hi, max(lo + policy.end_width, _last_report(observations) + policy.end_renew)):
            # Each report renews the dense polls for end_renew (a sparse service updates the
            # interval rarely; a curve's slow tail outlasts end_width).
            delay = min(delay, policy.end_spacing)
    return delay


def _end_interval(observations: Sequence[Observation], policy: PollPolicy) -> tuple[float, float] | None:
    # (earliest, latest) time the progress curve plausibly reaches 1, or None where the samples
    # say nothing about it. A line is fitted to the latest straight stretch (since the last fall,
    # as :func:`forecast` finds them on the values below near_done), with the values at or above
    # near_done in that stretch taken as censored (reported progress stops just below 1, so such
    # a value says only that progress plus noise reached it): each is replaced by its expectation
    # under the line, and the line fitted again. Its spread is the residuals' (at least the
    # noise), so a curve that bends widens the interval. Where the rate is not surely positive,
    # the end is plausible from the first sample within end_sd spreads of 1 on, if the level's
    # band reaches 1.
    every: Samples = []
    for o in observations:
        if o.progress is None or not 0.0 < o.progress < 1.0:
            continue
        if not every or o.at > every[-1][0]:
            every.append((o.at, o.progress))
    # The window is at most max_window samples: the last 2 * max_window say where it starts.
    every = every[-2 * policy.max_window :]
    below = [(t, p) for t, p in every if p < policy.near_done]
    if len(below) < policy.fit_samples:
        return None
    sigma = _noise(below[-policy.noise_samples :], policy.min_noise)
    segment = _segment(below, sigma, policy)
    if len(segment) < policy.fit_samples:
        return None
    start = _window(segment, sigma, policy)[0][0]
    found = _line_interval([(t, p) for t, p in every if t >= start][-policy.max_window :], sigma, policy)
    if policy.end_before:
        cut = _slowdown(segment, sigma, policy)
        if cut is not None:
            prior = segment[:cut]
            first = _window(prior, sigma, policy)[0][0]
            earlier = _line_interval([(t, p) for t, p in prior if t >= first], sigma, policy)
            if earlier is not None:
                found = earlier if found is None else (min(found[0], earlier[0]), max(found[1], earlier[1]))
    return found


def _slowdown(segment: Samples, sigma: float, policy: PollPolicy) -> int | None:
    # The latest of the last fit_samples intervals that rose less than half what the line
    # through the fit_samples samples before it predicts (where that rise stands out of the
    # noise): the index of the sample after it, if at least fit_samples samples precede it.
    for i in range(len(segment) - 1, max(policy.fit_samples, len(segment) - policy.fit_samples) - 1, -1):
        (t0, p0), (t1, p1) = segment[i - 1], segment[i]
        expected = _fit(segment[i - policy.fit_samples : i])[0] * (t1 - t0)
        if expected >= policy.flat_rise * sigma and p1 - p0 < expected / 2:
            return i
    return None


def _line_interval(window: Samples, sigma: float, policy: PollPolicy) -> tuple[float, float] | None:
    times = [t for t, _p in window]
    censored = [p >= policy.near_done for _t, p in window]
    values = [p for _t, p in window]
    n, t_last = len(window), times[-1]
    mean_t = sum(times) / n
    spread = sigma
    rate, level, stt = _fit(window)
    for _ in range(4 if any(censored) else 0):
        for i, (t, p) in enumerate(window):
            if censored[i]:
                mu = level + rate * (t - t_last)
                alpha = (p - mu) / spread
                tail = 0.5 * math.erfc(alpha / math.sqrt(2.0))
                density = math.exp(-0.5 * alpha * alpha) / math.sqrt(2.0 * math.pi)
                values[i] = mu + spread * density / tail if tail > 1e-9 else p
        spread = _spread(window, censored, rate, level, sigma)
        rate, level, stt = _fit(list(zip(times, values, strict=True)))
    if not any(censored):
        spread = _spread(window, censored, rate, level, sigma)
    # Where the band of end_sd standard errors of the fitted line reaches 1: with u = t - mean_t,
    # r = 1 - the mean level and k = (end_sd * spread)^2,
    # (rate^2 - k / stt) u^2 - 2 rate r u + r^2 - k / n = 0.
    k = (policy.end_sd * spread) ** 2
    a = rate * rate - k / stt
    r = 1.0 - (level + rate * (mean_t - t_last))
    if a <= 0.0 or rate <= 0.0:
        if level + policy.end_sd * spread * math.sqrt(1.0 / n + (t_last - mean_t) ** 2 / stt) >= 1.0:
            return next((t for t, p in window if p >= 1.0 - policy.end_sd * spread), t_last), math.inf
        return None
    root = math.sqrt(max(0.0, rate * rate * r * r - a * (r * r - k / n)))
    return mean_t + (rate * r - root) / a, mean_t + (rate * r + root) / a


def _spread(window: Samples, censored: list[bool], rate: float, level: float, sigma: float) -> float:
    # The residual sd of the uncensored samples about the line (at least the noise).
    t_last = window[-1][0]
    pairs = zip(window, censored, strict=True)
    resid = [(p - level - rate * (t - t_last)) ** 2 for (t, p), cut in pairs if not cut]
    return max(sigma, math.sqrt(sum(resid) / (len(resid) - 2))) if len(resid) > 2 else sigma


def _first_sample_bound(policy: PollPolicy, observations: Sequence[Observation]) -> float:
    # One progress sample p at t, after a poll at t0 that saw none: the task started within
    # (t0, t], so its rate so far is at least p / (t - t0) and it may end within
    # (1 - p) (t - t0) / p. A late first sample (say 0.7) must not be followed by a long sleep.
    moving = _moving(observations, policy.near_done)
    t, p = moving[0]
    before = [o.at for o in observations if o.at < t and not (o.progress or 0.0) > 0.0]
    if not before:
        return policy.blind_interval
    longest = (1.0 - p) * (t - before[-1]) / p
    return max(policy.min_interval, policy.approach * longest / (1.0 + policy.min_spread))


@dataclass
class PollSchedule:
    """:func:`next_delay` with its memory: feed it observations, ask it for delays.

    Example:
        >>> s = PollSchedule(started=0.0)
        >>> s.next_delay(now=0.0)
        1.0
    """

    started: float
    policy: PollPolicy = field(default_factory=PollPolicy)
    deadline: float | None = None
    observations: list[Observation] = field(default_factory=list)

    def observe(self, now: float, progress: float | None) -> None:
        """Record a poll's progress."""
        self.observations.append(Observation(now, progress))
        # Keep the first samples (the run's anchor) and a bounded tail.
        if len(self.observations) > 512:
            del self.observations[8:-256]

    def next_delay(self, now: float, hint: float | None = None) -> float:
        """The delay before the next poll."""
        return next_delay(
            self.policy,
            now=now,
            started=self.started,
            observations=self.observations,
            hint=hint,
            deadline=self.deadline,
        )
