"""The theory/ mutator: its mutation points, mutated sources and the claims each module reaches."""

import ast

from convergence.workers import Task, run_tasks
from tools import mutants as tool
from tools.mutant_probe import probe


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


def test_a_forked_worker_builds_the_claims_as_the_tree_does_and_sees_a_mutated_module():
    """The pass over every point probes in forked workers: unmutated, they must digest what a probe here does."""
    claims = ["saddle.escape-time"]
    here = probe(claims)
    mutant = next(m for m in tool.mutants("saddle_escape") if m.description == "'+' -> '-'")
    tasks = [Task("same", lambda: tool._probe_in_worker(None, claims)),
             Task("mutated", lambda: tool._probe_in_worker(mutant, claims))]
    by_key = {task.key: result for task, result in run_tasks(tasks, jobs=2, timeout=300)}
    assert by_key["same"] == here
    assert tool.loading_class(by_key["same"], claims, here)[0] == "equivalent"
    assert tool.loading_class(by_key["mutated"], claims, here)[0] == "result changed"


def test_verify_without_all_is_refused_in_one_line(capsys):
    assert tool.main(["--verify"]) == 2
    assert "--verify applies to --all" in capsys.readouterr().err
