"""Issue 13 §1: no cross-app import hides inside a function. import-linter (run by `make test`)
enforces the layer order on every import; this test catches the other half – imports tucked
into functions to dodge a cycle. One stays only for a heavy optional dependency and says so in a
comment starting "Function-level import:" right above it. AppConfig.ready() is exempt: Django
asks apps to connect their signals and hooks there, once the app registry is ready."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
APPS = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
MARKER = "Function-level import:"


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts or parts[-1] == "conftest.py" or len(parts) < 2:
            continue
        yield parts[0], path


def _hidden_imports(app: str, path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
            if function and isinstance(child, ast.Import | ast.ImportFrom):
                modules = (
                    [child.module or ""]
                    if isinstance(child, ast.ImportFrom)
                    else [a.name for a in child.names]
                )
                for module in modules:
                    target = module.split(".")[1] if module.startswith("videnbro.") else None
                    if target in APPS and target != app:
                        above = "\n".join(lines[max(0, child.lineno - 4) : child.lineno])
                        exempt = path.name == "apps.py" and function == "ready"
                        if MARKER not in above and not exempt:
                            found.append(f"{path.relative_to(PACKAGE.parent)}:{child.lineno} -> {module}")
            visit(child, name)

    visit(ast.parse(source), None)
    return found


def test_it_finds_no_cross_app_import_hidden_in_a_function():
    hidden = [line for app, path in _modules() for line in _hidden_imports(app, path)]
    assert hidden == [], "cross-app imports inside functions:\n" + "\n".join(hidden)
