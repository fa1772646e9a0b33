#!/usr/bin/env python3
"""The bench SIRETs (as bench/sirets.lua numbers them), each approved, its notices to
banc<N>@example.fr.
Usage: approvals.py FILE.csv COUNT   writes the approvals file of SIRETs 1..COUNT
       approvals.py --siret N        prints SIRET N"""
import sys


def luhn_ok(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def siret(n):
    return next(f"8{n:012d}{d}" for d in range(10) if luhn_ok(f"8{n:012d}{d}"))


if __name__ == "__main__":
    if sys.argv[1] == "--siret":
        print(siret(int(sys.argv[2])))
    else:
        with open(sys.argv[1], "w") as f:
            f.write("numero_agrement;siret;type;formations;date_debut;date_fin;region;email_notification\n")
            for n in range(1, int(sys.argv[2]) + 1):
                f.write(f"BANC-{n};{siret(n)};voyageurs;FCO;2020-01-01;;Bretagne;banc{n}@example.fr\n")
