"""Group travel planning in Python: for each group of travellers meeting at one destination, a genetic algorithm picks
every traveller's outbound and return flight to minimise the fares plus the time everyone waits for the others.

The rows of one group (a view of travellers joined with the flights of their routes) arrive together; Partita
spreads the groups over the partitions. Run by Partita (the program protocol), or on its own on the same input file
for every group in one process:

    PARTITA_INPUT=input.jsonl PARTITA_CONTEXT=context.json python3 travel_ga.py
"""

import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import partita_program as partita  # noqa: E402

#: Dollars per minute anyone waits at the destination airport, and for an extra day of car rental.
WAIT_COST_PER_MINUTE = 1
EXTRA_DAY_FEE = 50


def problem_of(rows):
    """Each traveller (in name order) with the outbound and return flights of their route, in departure order."""
    people = {}
    for row in rows:
        person = people.setdefault(row["person"], {"out": [], "back": []})
        person[row["leg"]].append((int(row["depart"]), int(row["arrive"]), int(row["price"])))
    names = sorted(people)
    flights = []
    for name in names:
        for leg in ("out", "back"):
            legs = sorted(people[name][leg])
            if not legs:
                raise ValueError(f"{name} has no {leg} flight")
            flights.append(legs)
    return names, flights


def cost(flights, plan):
    """Fares, plus everyone waiting for the last arrival and from the first departure, plus the extra rental day."""
    total = 0
    latest_arrival = -1
    earliest_departure = 1 << 30
    for s in range(0, len(plan), 2):
        out = flights[s][plan[s]]
        back = flights[s + 1][plan[s + 1]]
        total += out[2] + back[2]
        if out[1] > latest_arrival:
            latest_arrival = out[1]
        if back[0] < earliest_departure:
            earliest_departure = back[0]
    for s in range(0, len(plan), 2):
        total += WAIT_COST_PER_MINUTE * (latest_arrival - flights[s][plan[s]][1])
        total += WAIT_COST_PER_MINUTE * (flights[s + 1][plan[s + 1]][0] - earliest_departure)
    return total + (EXTRA_DAY_FEE if latest_arrival > earliest_departure else 0)


def genetic(flights, rng, generations, popsize=50, elite=0.2, mutprob=0.2, step=1):
    """Elitist genetic algorithm: the best fifth survive and breed the rest by mutation or one-point crossover."""
    dim = len(flights)
    top = max(1, int(elite * popsize))
    highest = [len(f) - 1 for f in flights]
    population = [[rng.randint(0, highest[s]) for s in range(dim)] for _ in range(popsize)]
    ranked = sorted((cost(flights, p), p) for p in population)
    for _ in range(generations):
        survivors = ranked[:top]
        children = []
        while len(survivors) + len(children) < popsize:
            if rng.random() < mutprob:
                child = list(survivors[rng.randrange(top)][1])
                s = rng.randrange(dim)
                if rng.random() < 0.5 and child[s] > 0 or child[s] >= highest[s]:
                    child[s] = max(0, child[s] - step)
                else:
                    child[s] = min(highest[s], child[s] + step)
            else:
                first = survivors[rng.randrange(top)][1]
                second = survivors[rng.randrange(top)][1]
                cut = rng.randint(1, dim - 1)
                child = first[:cut] + second[cut:]
            children.append((cost(flights, child), child))
        ranked = sorted(survivors + children)
    return ranked[0]


def plan_group(key, rows):
    """One output row per group: its best plan's cost and flights."""
    settings = partita.params()
    names, flights = problem_of(rows)
    rng = random.Random(f"{settings.get('seed', 0)}:{key['group_id']}")
    started = time.perf_counter()
    best_cost, best = genetic(flights, rng, int(settings.get("generations", 2000)))
    chosen = {
        name: {"out": flights[2 * i][best[2 * i]][0], "back": flights[2 * i + 1][best[2 * i + 1]][0]}
        for i, name in enumerate(names)
    }
    return {
        "group_id": key["group_id"],
        "travellers": len(names),
        "cost": best_cost,
        "plan": json.dumps(chosen, sort_keys=True),
        "optimise_seconds": time.perf_counter() - started,
    }


if __name__ == "__main__":
    partita.group_map(plan_group, frames=False)  # plain rows: no pandas to import in every partition
