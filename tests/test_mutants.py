"""The theory/ mutator: its mutation points, mutated sources and the claims each module reaches."""

import ast

from tools import mutants as tool


def test_every_mutation_point_changes_exactly_one_node_and_parses():
    points = tool.mutants("gd")
    assert len(points) > 20
    original = ast.unparse(ast.parse((tool.ROOT / "theory" / "gd.py").read_text(encoding="utf-8")))
    for point in points[:15]:
        source = tool.mutated_source(point)
        ast.parse(source)
        assert source != original, point
        differing = [a for a, b in zip(source.splitlines(), original.splitlines()) if a != b]
        assert len(differing) == 1, point


def test_derivation_checker_and_printer_are_not_mutated():
    modules = {p.stem for p in (tool.ROOT / "theory").glob("*.py") if p.name not in tool.NOT_DERIVATIONS}
    assert "derivation" not in modules and "typst_printer" not in modules and "gd" in modules


def test_affected_claims_follow_imports_through_theory_modules():
    ids = tool._claim_ids()
    assert "gd.quadratic-stability" in tool.affected_claims("gd", ids)
    assert "momentum.stability-region" in tool.affected_claims("stability", ids)  # via theory/momentum.py
    assert "gd.quadratic-stability" not in tool.affected_claims("stability", ids)
