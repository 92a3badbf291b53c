"""The golden-pin comparison itself: it must notice a moved number and nothing less."""

import copy

from golden_pins import differences, fingerprint, load_golden


def test_every_pin_matches_itself():
    golden = load_golden()
    assert len(golden) >= 56
    assert all(not differences(pin, copy.deepcopy(pin)) for pin in golden.values())


def test_a_relative_change_of_1e_7_in_a_measured_sum_is_caught():
    pin = next(iter(load_golden().values()))
    moved = copy.deepcopy(pin)
    moved["measured"]["sum"] *= 1 + 1e-7
    pinned, now = pin["measured"]["sum"], moved["measured"]["sum"]
    assert differences(pin, moved) == [f"/measured/sum: pinned {pinned!r}, now {now!r}"]


def test_a_changed_mutant_verdict_is_caught():
    record = {"verdict": "CONFIRMED", "margin": 0.5, "measured_values": [1.0, 2.0], "theory_values": [1.0, 2.0],
              "mutants": [{"description": "m", "verdict": "REFUTED"}]}
    survived = copy.deepcopy(record)
    survived["mutants"][0]["verdict"] = "CONFIRMED"
    assert differences(fingerprint(record), fingerprint(survived)) == ["/mutants/m: pinned 'REFUTED', now 'CONFIRMED'"]


def test_non_finite_values_are_counted_not_summed():
    pin = fingerprint({"verdict": "INCONCLUSIVE", "measured_values": [1.0, None, 3.0]})
    assert pin["measured"]["count"] == 3 and pin["measured"]["non_finite"] == 1 and pin["measured"]["sum"] == 4.0


def test_a_version_other_than_the_lock_is_named(tmp_path, monkeypatch):
    """A pin that moves under another NumPy says so: the pins hold under constraints.txt only."""
    import importlib.metadata

    import golden_pins

    lock = tmp_path / "constraints.txt"
    installed = importlib.metadata.version("numpy")
    sympy = importlib.metadata.version("sympy")
    lock.write_text(f"# a comment\nnumpy==0.0.1  # not what is installed\nsympy=={sympy}\n"
                    "not-an-installed-package==1.0\n")
    monkeypatch.setattr(golden_pins, "CONSTRAINTS_PATH", lock)
    assert golden_pins.unlocked_versions() == [f"numpy {installed} (locked 0.0.1)"]


def test_the_lock_pins_the_numeric_stack():
    from golden_pins import CONSTRAINTS_PATH

    locked = {line.split("==")[0].lower() for line in CONSTRAINTS_PATH.read_text().splitlines() if "==" in line}
    assert {"numpy", "scipy", "sympy", "jax", "jaxlib", "optax", "clarabel", "cvxpy", "pepit"} <= locked
