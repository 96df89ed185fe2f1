"""Tool outputs an agent really produces, generated deterministically for the demo: a service log
with a few errors in a sea of INFO lines, code-search hits as JSON, database rows, an issue list.
Seeded, so every demo run shows the same numbers."""

from __future__ import annotations

import json
import random

SERVICES = ["checkout", "payments", "inventory", "auth", "search"]


def service_log(lines: int = 1800, seed: int = 7) -> str:
    rng = random.Random(seed)
    out = []
    for n in range(lines):
        stamp = f"2026-11-23T10:{(n // 60) % 60:02d}:{n % 60:02d}.{rng.randrange(1000):03d}Z"
        service = rng.choice(SERVICES)
        if n in (611, 1290):
            out.append(f"{stamp} ERROR {service} payment authorization failed: upstream 502 "
                       f"from psp.example (order={100000 + n}, attempt=3)")
            out += ["Traceback (most recent call last):",
                    '  File "/srv/checkout/pay.py", line 88, in authorize',
                    "    resp = client.post(url, json=payload, timeout=5)",
                    "httpx.HTTPStatusError: Server error '502 Bad Gateway'"]
        elif n % 397 == 0:
            out.append(f"{stamp} WARN  {service} slow query {rng.randrange(800, 2400)}ms "
                       "on orders_by_customer")
        else:
            out.append(f"{stamp} INFO  {service} request handled path=/api/v1/"
                       f"{rng.choice(['cart', 'orders', 'items', 'session'])} status=200 "
                       f"duration_ms={rng.randrange(3, 90)} user={rng.randrange(10_000)}")
    return "\n".join(out)


def search_hits(count: int = 260, seed: int = 11) -> str:
    rng = random.Random(seed)
    hits = []
    for n in range(count):
        module = rng.choice(["cart", "pricing", "checkout", "promotions", "api", "tests"])
        name = rng.choice(["views", "models", "service", "utils"])
        field = rng.choice(["code", "id", "slug"])
        text = ("def validate_coupon(code: str) -> Coupon:" if n == 137
                else f"    coupon = get_coupon(ctx.{field})")
        hits.append({"type": "match", "path": f"src/{module}/{name}.py",
                     "line": rng.randrange(1, 900), "repository": "shop-backend",
                     "branch": "main", "language": "python", "text": text})
    return json.dumps(hits, indent=2)


def db_rows(count: int = 420, seed: int = 5) -> str:
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        failed = n in (17, 233, 380)
        rows.append({"payment_id": 5_000_000 + n, "customer_id": rng.randrange(90_000),
                     "currency": "EUR", "status": "failed" if failed else "captured",
                     "amount_cents": rng.randrange(500, 40_000), "provider": "psp.example",
                     "error_code": "card_declined" if failed else None,
                     "created_at": f"2026-11-22T{n % 24:02d}:{n % 60:02d}:00Z"})
    return json.dumps(rows)


def issue_list(count: int = 120, seed: int = 3) -> str:
    rng = random.Random(seed)
    issues = [{"number": 4000 + n, "state": "open", "labels": ["bug"],
               "title": rng.choice(["Cart total off by one cent", "Coupon applied twice",
                                    "Timeout on checkout", "Wrong VAT for AT",
                                    "Flaky test_payment_retry"]) + f" ({n})",
               "author": rng.choice(["mia", "jon", "ana", "li"]), "comments": rng.randrange(9),
               "milestone": "v3.2", "repository": "shop-backend"} for n in range(count)]
    return json.dumps(issues, indent=1)


def python_module(functions: int = 60) -> str:
    parts = ['"""Pricing rules for the shop."""', "", "from decimal import Decimal", "",
             "from shop.customers import Customer", "", "MIN_RATE = Decimal('0.5')", ""]
    for n in range(functions):
        parts += [f"def rule_{n}(price: Decimal, qty: int, customer: Customer) -> Decimal:",
                  f'    """Discount rule {n}: applies above {n + 2} items for active customers."""',
                  "    if not customer.active or qty <= 0:",
                  "        return price",
                  f"    threshold = {n + 2} if customer.tier == 'gold' else {n + 4}",
                  "    if qty <= threshold:",
                  "        return price",
                  f"    rate = Decimal('0.{90 + n % 9}')",
                  "    if customer.coupon is not None and customer.coupon.valid_for(qty):",
                  "        rate -= customer.coupon.extra_rate",
                  "    discounted = (price * rate).quantize(Decimal('0.01'))",
                  "    return max(discounted, price * MIN_RATE)", ""]
    return "\n".join(parts)
