"""The symbol names of scripts/link-order.txt, for scripts/link-order.sh.

The list names symbols exactly as the recorded build had them. A build by another compiler or
with other dependencies names most of them differently: the hash of Rust's legacy mangling
(17h<16 hex digits>E), the crate disambiguators of v0 mangling (Cs<base62>_) and the suffix
LTO gives a local copy (.1234) change. Such a name then stands for every symbol that differs
from it only there: all instances of a generic function, so more code than was run, but still
the code that runs.

  link_order.py resolve LIST BINARY OUT   symbols of BINARY (nm on stdin) that LIST names,
                                          in LIST's order, one per line, to OUT
  link_order.py extract PROFILES OUT      the functions the callgrind profiles in PROFILES
                                          ran, oldest process first, as a new LIST
"""

import os
import re
import sys

HEADER = "# Functions a Terraform run executes, linked first; recorded by scripts/link-order.sh record.\n"


def stable(symbol):
    symbol = re.sub(r"\.\d+$", "", symbol)
    symbol = re.sub(r"17h[0-9a-f]{16}E$", "E", symbol)
    return re.sub(r"Cs[0-9A-Za-z]+_(?=\d)", "Cs_", symbol)


def resolve(list_path, binary, out_path):
    exact, similar = set(), {}
    for line in sys.stdin:
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tTwW":
            exact.add(fields[2])
            similar.setdefault(stable(fields[2]), []).append(fields[2])
    with open(list_path) as f:
        listed = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    order, placed, exact_hits, missing = [], set(), 0, 0
    for name in listed:
        if name in exact:
            exact_hits += 1
            symbols = [name]
        else:
            symbols = similar.get(stable(name), [])
            missing += not symbols
        order.extend(s for s in symbols if s not in placed)
        placed.update(symbols)
    with open(out_path, "w") as out:
        out.writelines(symbol + "\n" for symbol in order)
    print(
        f"link order: of the {len(listed)} listed functions, {exact_hits} are in {binary} by name, "
        f"{len(listed) - exact_hits - missing} by a similar name, {missing} not at all",
        file=sys.stderr,
    )
    if missing > 0.2 * len(listed):
        print(
            "warning: the link order names many functions this build lacks; record it anew: "
            f"scripts/link-order.sh record {binary}",
            file=sys.stderr,
        )


def extract(profiles, out_path):
    files = sorted(os.listdir(profiles), key=lambda f: int(f.rsplit(".", 1)[1]))
    seen = {}
    for name in files:
        with open(os.path.join(profiles, name), errors="replace") as f:
            for line in f:
                m = re.match(r"c?fn=\(\d+\) (\S+)$", line)
                if m and not m.group(1).startswith("0x"):
                    seen.setdefault(m.group(1), None)
    with open(out_path, "w") as out:
        out.write(HEADER)
        out.writelines(name + "\n" for name in seen)
    print(f"{out_path}: {len(seen)} functions from {len(files)} provider processes", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "resolve":
        resolve(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "extract":
        extract(*sys.argv[2:])
    else:
        sys.exit(__doc__)
