"""The price table: Sora bundled, any model settable, unknown said plainly, budgets kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sora_widgets.errors import InvalidRequestError
from sora_widgets.models.prices import DEFAULT_PRICES, PriceTable, estimate_cost, format_estimate
from sora_widgets.models.request import VideoRequest
from sora_widgets.models.variants import Variant


def _catalog_request(model: str = "kirin_v2_6_t2v") -> VideoRequest:
    return VideoRequest(prompt="a fox", model=model, params={"prompt": "a fox"}, size="1280x720", seconds=5)


def test_sora_is_bundled_and_every_other_model_is_unknown_not_free() -> None:
    assert estimate_cost("sora_2_pro_i2v", "12") == Decimal("3.60")
    assert estimate_cost("kirin_v2_6_t2v", 5) is None
    assert format_estimate(None) == "unknown" and format_estimate(Decimal("0")) == "$0.00"


def test_a_budget_refuses_a_model_without_a_price_until_one_is_set() -> None:
    variant = Variant(index=0, request=_catalog_request("priced_later_t2v"))
    with pytest.raises(InvalidRequestError, match="no known price"):
        _ = variant.estimated_cost
    DEFAULT_PRICES.set("priced_later_t2v", per_video=Decimal("0.40"), per_second="0.02")
    try:
        assert variant.estimated_cost == Decimal("0.50")
    finally:
        DEFAULT_PRICES.forget("priced_later_t2v")


@pytest.mark.parametrize("bad", ["free", "-1", float("nan"), "1e999999999", True])
def test_a_price_must_be_an_amount(bad: object) -> None:
    with pytest.raises(InvalidRequestError):
        PriceTable().set("m", per_second=bad)
    with pytest.raises(InvalidRequestError):
        PriceTable().set("m")
