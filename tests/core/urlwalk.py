"""The one walk of the URL conf that the tests of every page share (the API and the admin
and Open311 aside): each URL pattern with its name, its path and whether it takes an argument."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

LEFT_OUT = ("api/", "admin/", "open311/")  # machine interfaces: tests/open311


@dataclass(frozen=True)
class Route:
    namespace: str  # "ledger:" (nested namespaces joined), "" at the top
    name: str | None  # the pattern's own name
    path: str  # "/ledger/tasks/<int:pk>/": the resolvers' routes and the pattern's
    takes_argument: bool  # the pattern itself has a converter or a regex group

    @property
    def url_name(self) -> str:
        """The name to reverse: "ledger:task-detail"."""
        return f"{self.namespace}{self.name}"


def routes() -> list[Route]:
    def walk(patterns, namespace="", prefix=""):
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith(LEFT_OUT):
                    continue
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, inner, prefix + route)
            elif isinstance(p, URLPattern):
                yield Route(
                    namespace=namespace,
                    name=p.name,
                    path="/" + prefix + route.lstrip("^").rstrip("$"),
                    takes_argument="<" in route or bool(p.pattern.regex.groups),
                )

    return list(walk(get_resolver().url_patterns))


def pages_without_arguments() -> list[str]:
    """The path of every page that takes no argument."""
    return sorted({r.path for r in routes() if not r.takes_argument})


def names_without_arguments() -> list[str]:
    """The URL name of every named page that takes no argument."""
    return sorted({r.url_name for r in routes() if r.name and not r.takes_argument})


def names_with_arguments() -> list[str]:
    """The URL name of every page that takes an argument (an object's id, mostly)."""
    return sorted({r.url_name for r in routes() if r.takes_argument})
