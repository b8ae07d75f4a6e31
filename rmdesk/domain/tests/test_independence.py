"""The domain core runs on the standard library alone: no Django, no Polars, no other rmdesk
package. (The import-linter contract in pyproject.toml says the same for the build.)"""

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_domain_core_imports_only_the_standard_library_and_itself():
    sources = [p for p in DOMAIN.rglob("*.py") if "tests" not in p.relative_to(DOMAIN).parts]
    assert sources, "no domain modules found"
    outside = {
        f"{path.relative_to(DOMAIN)}: {module}"
        for path in sources
        for module in _imported_modules(path)
        if module.split(".")[0] not in sys.stdlib_module_names
        and not (module == "rmdesk.domain" or module.startswith("rmdesk.domain."))
    }
    assert not outside, f"the domain core imports outside the standard library: {outside}"
