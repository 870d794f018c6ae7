"""Example quota policy plugin: a daily metered allowance per tier (``"metered-daily"``)."""

from __future__ import annotations

from codekit.exceptions import QuotaConfigError
from codekit.plugins import Registrar, hookimpl
from codekit.quota import Allowance, Principal, Resource, Window

__all__ = ["LIMITS", "MeteredDaily", "codekit_register"]

LIMITS: dict[str, int | None] = {"guest": 3, "member": 25, "clinic": None}
MESSAGES = {
    "guest": "Become a member for 25 pages a day.",
    "member": "Clinic accounts read without limits.",
}


class MeteredDaily:
    """Pages per UTC day by tier; re-reading a page the same day is free."""

    name = "metered-daily"

    def allowance(self, principal: Principal, resource: Resource) -> Allowance:
        if principal.tier not in LIMITS:
            raise QuotaConfigError(
                f"metered-daily has no tier {principal.tier!r}; tiers: {', '.join(LIMITS)}"
            )
        return Allowance(
            limit=LIMITS[principal.tier],
            window=Window.day(),
            free_repeat=True,
            upgrade=MESSAGES.get(principal.tier, ""),
        )


@hookimpl
def codekit_register(registrar: Registrar) -> None:
    registrar.add_quota_policy("metered-daily", MeteredDaily())
